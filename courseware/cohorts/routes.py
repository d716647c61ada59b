from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from courseware import progress
from courseware.cohorts import (
    access,
    dashboard,
    district_procedures,
    exports,
    module_board,
    module_dates,
    queries,
    schedule,
    services,
    sessions,
)
from courseware.cohorts import pacing as pacing_plans
from courseware.cohorts.forms import ApplyRosterForm, AssignmentForm, CohortForm, RosterUploadForm
from courseware.cohorts.roster import RosterUnreadable
from courseware.cohorts.roster_files import MAX_UPLOAD_BYTES, read_upload
from courseware.courses import catalog
from courseware.forms import add_error, text
from courseware.models import Cohort, RosterUpload
from courseware.models.base import utcnow
from courseware.urls import external_url

bp = Blueprint("cohorts", __name__)
PER_PAGE = 100  # members per page of the dashboard table; the export has them all


def leader_required(view):
    """Leaders and admins only: anyone else signed in gets a 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not access.is_leader(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _cohort(cohort_id: int) -> Cohort:
    """The cohort, if the signed-in leader leads it; otherwise a 404, as if it did not exist."""
    cohort = queries.led_cohort(current_user._get_current_object(), cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _board(cohort_id: int, assignment_id: int):
    """The led cohort, the assignment, its course and the dashboard of its members, or a 404."""
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    return cohort, assignment, course, dashboard.build(assignment, course)


def _assignment(cohort: Cohort, assignment_id: int):
    assignment = queries.assignment_of(cohort, assignment_id)
    if assignment is None:
        abort(404)
    course = catalog().get(assignment.course_slug)
    if course is None or course.is_broken:
        abort(404)
    return assignment, course


@bp.get("/cohorts")
@leader_required
def index():
    cohorts = access.visible_cohorts(current_user)
    counts = queries.active_member_counts(cohorts)
    organisations = access.led_organisations(current_user)
    return render_template("cohorts/index.html", cohorts=cohorts, counts=counts, organisations=organisations)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@leader_required
def create():
    form = CohortForm()
    organisations = access.led_organisations(current_user)
    form.organisation.choices = [(o.id, o.name) for o in organisations]
    if not organisations:
        flash("Cohorts are created within an organisation: ask an admin to make you a leader of one.", "warning")
        return redirect(url_for("cohorts.index"))
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation.data)
        cohort = services.create_cohort(organisation, text(form.name))
        flash(f"Cohort “{cohort.name}” is created. Add its people with a roster file or the join link.", "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/new.html", form=form), 422 if form.errors else 200


@bp.get("/cohorts/<int:cohort_id>")
@leader_required
def show(cohort_id: int):
    cohort = _cohort(cohort_id)
    return _show(cohort, RosterUploadForm(), _assignment_form())


def _assignment_form(formdata=None) -> AssignmentForm:
    form = AssignmentForm(formdata=formdata) if formdata is not None else AssignmentForm()
    form.course.choices = [(c.slug, c.title) for c in catalog().published()]
    return form


def _show(cohort: Cohort, upload_form, assignment_form, status: int = 200):
    overview = queries.overview(cohort)
    titles = {c.slug: c.title for c in catalog().all()}
    join_url = external_url("cohorts.join", code=cohort.join_code) if cohort.join_code else None
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        assignments=overview.assignments,
        titles=titles,
        active=overview.active,
        inactive=overview.inactive,
        join_url=join_url,
        upload_form=upload_form,
        assignment_form=assignment_form,
    ), status


@bp.post("/cohorts/<int:cohort_id>/roster")
@leader_required
def upload_roster(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = RosterUploadForm()
    if form.validate_on_submit():
        files = [(f.filename or "roster.csv", f.read(MAX_UPLOAD_BYTES + 1)) for f in form.file.data if f]
        try:
            found = read_upload(files)
            services.plan_roster(cohort, found.content, current_user._get_current_object())
        except RosterUnreadable as problem:
            add_error(form.file, str(problem))
        else:
            upload = services.store_upload(cohort, current_user, found.filename, found.content)
            return redirect(url_for("cohorts.preview_roster", cohort_id=cohort.id, upload_id=upload.id))
    return _show(cohort, form, _assignment_form(), status=422)


def _upload(cohort: Cohort, upload_id: int) -> RosterUpload:
    upload = queries.upload_of(cohort, upload_id)
    if upload is None:
        abort(404)
    return upload


@bp.get("/cohorts/<int:cohort_id>/roster/<int:upload_id>")
@leader_required
def preview_roster(cohort_id: int, upload_id: int):
    cohort = _cohort(cohort_id)
    upload = _upload(cohort, upload_id)
    plan = services.plan_roster(cohort, upload.content, current_user._get_current_object())
    return render_template(
        "cohorts/roster_preview.html", cohort=cohort, upload=upload, plan=plan, form=ApplyRosterForm()
    )


@bp.post("/cohorts/<int:cohort_id>/roster/<int:upload_id>")
@leader_required
def apply_roster(cohort_id: int, upload_id: int):
    cohort = _cohort(cohort_id)
    upload = _upload(cohort, upload_id)
    form = ApplyRosterForm()
    if not form.validate_on_submit():
        abort(400)
    if upload.applied_at is not None:
        flash("This roster was already applied. To change the cohort again, upload the file again.", "info")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    try:
        result = services.apply_upload(cohort, upload, form.deactivate_missing.data, current_user._get_current_object())
    except services.RosterConflict:
        flash(
            "Another roster added some of the same people at the same moment, so nothing from this one was "
            "applied. Check the preview below and apply it again.",
            "error",
        )
        return redirect(url_for("cohorts.preview_roster", cohort_id=cohort.id, upload_id=upload.id))
    if result is None:
        flash("This roster was already applied.", "info")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    flash(
        f"Roster applied: {result.added} added ({result.invited} invited to set a password), {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deactivated} deactivated, {result.skipped} rows skipped.",
        "success",
    )
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/join-code")
@leader_required
def join_code(cohort_id: int):
    cohort = _cohort(cohort_id)
    action = request.form.get("action")
    if action == "rotate":
        services.rotate_join_code(cohort)
        flash("A new join link is ready; the old one no longer works.", "success")
    elif action in {"disable", "enable"}:
        services.set_join_enabled(cohort, action == "enable")
        flash("The join link is " + ("on." if action == "enable" else "off: nobody can join with it."), "success")
    else:
        abort(400)
    return redirect(url_for("cohorts.show", cohort_id=cohort.id) + "#join")


@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
def join(code: str):
    cohort = services.cohort_for_join_code(code)
    if cohort is None or not cohort.join_enabled:
        return render_template("cohorts/join_closed.html"), 404
    if request.method == "POST":
        services.join(cohort, current_user)
        flash(f"You joined “{cohort.name}”. Courses assigned to it appear first on your home page.", "success")
        return redirect(url_for("learning.catalog"))
    return render_template("cohorts/join.html", cohort=cohort)


@bp.post("/cohorts/<int:cohort_id>/assignments")
@leader_required
def assign(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = _assignment_form(request.form)
    if not form.validate_on_submit():
        return _show(cohort, RosterUploadForm(), form, status=422)
    course = catalog().get(text(form.course))
    if course is None:  # unpublished since the form was shown
        abort(404)
    pacing = None
    today = utcnow().date()
    starts_on = form.starts_on.data or today  # validated: a plan has its start date
    if form.plan.data != pacing_plans.SINGLE:
        modules = [m.slug for m in course.modules]
        if form.reviewed.data != "yes":
            found = pacing_plans.plan_dates(form.plan.data, starts_on, modules, form.opening.data, form.due_on.data)
            return _review(cohort, course, form, module_dates.values_of(found), {})
        dates, problems, values = module_dates.read(course, request.form, form.opening.data, today)
        if problems:
            return _review(cohort, course, form, values, problems, 422)
        pacing = pacing_plans.Pacing(form.plan.data, starts_on, dates)
    due_on = pacing.due_on if pacing is not None else (form.due_on.data or today)  # validated: one due date
    existing = queries.assignment_for_course(cohort, course.slug)
    if existing is not None:
        changes = module_dates.changes(
            existing, schedule.plan_of(existing), schedule.dates_of(existing), course, due_on,
            form.renewal_months.data, pacing,
        )  # fmt: skip
        if not changes:
            flash("The course is already assigned with these dates and renewal: nothing has changed.", "info")
            return redirect(url_for("cohorts.assignment", cohort_id=cohort.id, assignment_id=existing.id))
        if form.replace_existing.data != "yes":
            return render_template(
                "cohorts/confirm_assignment.html", cohort=cohort, existing=existing, form=form, title=course.title,
                changes=changes, course=course, values=module_dates.values_of(pacing.dates) if pacing else {},
            )  # fmt: skip
    assignment = services.assign(cohort, course.slug, due_on, form.renewal_months.data, pacing)
    flash("The course is assigned. Members see it first on their home page, with its due date.", "success")
    return redirect(url_for("cohorts.assignment", cohort_id=cohort.id, assignment_id=assignment.id))


def _review(cohort: Cohort, course, form, values: dict[str, str], problems: dict[str, str], status: int = 200):
    """The dates a plan gives each module, for the leader to check and change before assigning."""
    return render_template(
        "cohorts/pacing_review.html", cohort=cohort, course=course, form=form, values=values, problems=problems,
        plan_label=pacing_plans.PLANS[form.plan.data],
    ), status  # fmt: skip


def _filters() -> dict:
    sort = request.args.get("sort", "name")
    return {
        "status": request.args.get("status", "") if request.args.get("status") in dashboard.STATUSES else "",
        "role": request.args.get("role", "")[:100],
        "school": request.args.get("school", "")[:200],
        "sort": sort if sort in dashboard.SORTS else "name",
        "descending": request.args.get("order") == "desc",
    }


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>")
@leader_required
def assignment(cohort_id: int, assignment_id: int):
    cohort, assignment, course, board = _board(cohort_id, assignment_id)
    filters = _filters()
    rows = dashboard.select_rows(board, **filters)
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    quizzes = dashboard.quiz_labels(course)
    dates = schedule.dates_by_assignment([assignment.id]).get(assignment.id, {})
    return render_template(
        "cohorts/dashboard.html",
        plan=schedule.plan_of(assignment),
        plans=pacing_plans.SHORT,
        modules=module_board.build(assignment, course, board, dates, utcnow().date()),
        module_labels=module_board.MODULE_LABELS,
        upcoming=len(sessions.upcoming([assignment.id], utcnow())),
        cohort=cohort,
        assignment=assignment,
        course=course,
        board=board,
        rows=rows[(page - 1) * PER_PAGE : page * PER_PAGE],
        matching=len(rows),
        page=page,
        pages=pages,
        filters=filters,
        quizzes=quizzes,
        labels=dashboard.LABELS,
        statuses=dashboard.STATUSES,
        discussions=dashboard.discussion_modules(course),
        procedures=district_procedures.still_to_fill_for(cohort, course),
    )


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/members/<int:member_id>")
@leader_required
def member_ledger(cohort_id: int, assignment_id: int, member_id: int):
    """One member's hours ledger for the assigned course: time and credit, never what they wrote."""
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    found = queries.member_of(cohort, member_id)
    if found is None:
        abort(404)
    member, person = found
    ledger = progress.course_ledger(progress.progress_for(person, course))
    return render_template(
        "cohorts/member_ledger.html", cohort=cohort, assignment=assignment, course=course, member=member,
        person=person, ledger=ledger,
    )  # fmt: skip


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>.csv")
@leader_required
def export(cohort_id: int, assignment_id: int):
    cohort, assignment, course, board = _board(cohort_id, assignment_id)
    rows = dashboard.select_rows(board, **_filters())
    quizzes = dashboard.quiz_labels(course)
    filename = f"{course.slug}-{cohort.id}-{assignment.due_on.isoformat()}.csv"
    return (
        exports.dashboard_csv(course, rows, quizzes, dashboard.module_seconds(assignment, course)),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/remind")
@leader_required
def confirm_reminder(cohort_id: int, assignment_id: int):
    """How many reminders would go out, for the leader to confirm (reads only)."""
    cohort, assignment, course, board = _board(cohort_id, assignment_id)
    plan = services.reminder_plan(assignment, board.rows)
    return render_template(
        "cohorts/remind_confirm.html", cohort=cohort, assignment=assignment, course=course, plan=plan,
        hours=int(services.REMINDER_INTERVAL.total_seconds() // 3600),
    )  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/remind")
@leader_required
def remind(cohort_id: int, assignment_id: int):
    cohort, assignment, course, board = _board(cohort_id, assignment_id)
    if request.form.get("confirm") != "yes":  # not confirmed: show what it would send first
        return redirect(url_for("cohorts.confirm_reminder", cohort_id=cohort.id, assignment_id=assignment.id))
    sent = services.remind(assignment, course.title, board.rows, current_user)
    flash(
        f"{sent} reminder{'s are' if sent != 1 else ' is'} on the way to everyone not done."
        if sent
        else "No reminder was sent: everyone not done has had one in the last 24 hours, or everyone has completed "
        "the course.",
        "success",
    )
    return redirect(url_for("cohorts.assignment", cohort_id=cohort.id, assignment_id=assignment.id))


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/certificates.zip")
@leader_required
def certificates_zip(cohort_id: int, assignment_id: int):
    cohort, _, course, board = _board(cohort_id, assignment_id)
    rows = board.rows
    filename = f"certificates-{course.slug}-{cohort.id}.zip"
    return Response(
        stream_with_context(exports.certificates_zip(course, rows)),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )
