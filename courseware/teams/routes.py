from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware.cohorts.dashboard import discussion_modules
from courseware.cohorts.queries import led_cohort
from courseware.courses import Course, catalog
from courseware.errors import render_error
from courseware.extensions import limiter
from courseware.forms import form_id
from courseware.teams import exports, queries, services, worksheets
from courseware.teams.access import Standing, standing
from courseware.teams.values import ITEM_MAX, STATUSES, ItemValues, read_comment, read_item, read_team_name

bp = Blueprint("teams", __name__)
ARCHIVED = "This team is archived: its plans can be read, not changed. A leader can open the team again."


def _join_limit() -> str:
    return current_app.config["TEAM_JOIN_RATE_LIMIT"]


def _join_key() -> str:
    return f"team-join:{current_user.get_id()}"


def _refused(response) -> bool:
    """Only wrong codes count towards the limit."""
    return response.status_code == 422


def _me():
    return current_user._get_current_object()


def _team(team_id: int) -> Standing:
    """The team, if the signed-in person is in it or leads its cohort; otherwise a 404."""
    found = standing(_me(), team_id)
    if found is None:
        abort(404)
    return found


def _led_team(team_id: int) -> Standing:
    """The team, for a leader of its cohort; a member who does not lead it gets a 403."""
    found = _team(team_id)
    if not found.leads:
        abort(403)
    return found


def _led_cohort(cohort_id: int):
    cohort = led_cohort(_me(), cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _course(cohort_id: int, slug: str) -> Course:
    """A course assigned to the cohort (and servable), or a 404."""
    course = catalog().get(slug)
    if course is None or course.is_broken or not queries.is_assigned(cohort_id, slug):
        abort(404)
    return course


def _plan_url(found: Standing, course: Course, anchor: str = "") -> str:
    return url_for("teams.plan", team_id=found.team.id, slug=course.slug) + anchor


# --- a person's teams, and joining one -------------------------------------------------------------


@bp.get("/teams")
@login_required
def mine():
    return render_template("teams/mine.html", teams=queries.teams_of(_me()), error=None, code="")


@bp.post("/teams/join")
@login_required
@limiter.limit(_join_limit, key_func=_join_key, deduct_when=_refused)
def join():
    code = request.form.get("code") or ""
    try:
        team = services.join_with_code(_me(), code)
    except services.JoinRefused as refused:
        return render_template(
            "teams/mine.html", teams=queries.teams_of(_me()), error=str(refused), code=code[:40]
        ), 422
    flash(f"You are in the team “{team.name}”.", "success")
    return redirect(url_for("teams.team", team_id=team.id))


# --- teams of a cohort, for its leaders ------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/teams")
@login_required
def cohort_teams(cohort_id: int):
    cohort = _led_cohort(cohort_id)
    return _cohort_page(cohort)


def _cohort_page(cohort, name: str = "", error: str | None = None, status: int = 200):
    titles = {c.slug: c.title for c in catalog().all()}
    courses = [(slug, titles.get(slug, slug)) for slug in queries.assigned_slugs(cohort)]
    return render_template(
        "teams/cohort.html", cohort=cohort, teams=queries.teams_of_cohort(cohort), courses=courses, name=name,
        error=error,
    ), status  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/teams")
@login_required
def create(cohort_id: int):
    cohort = _led_cohort(cohort_id)
    name, error = read_team_name(request.form.get("name"))
    if error:
        return _cohort_page(cohort, name, error, 422)
    team = services.create_team(cohort, name)
    flash(f"The team “{team.name}” is created. Add its members below, or give them its join code.", "success")
    return redirect(url_for("teams.team", team_id=team.id))


@bp.get("/cohorts/<int:cohort_id>/team-plans/<slug>")
@login_required
def overview(cohort_id: int, slug: str):
    cohort = _led_cohort(cohort_id)
    course = _course(cohort.id, slug)
    return render_template(
        "teams/overview.html", cohort=cohort, course=course, overview=queries.overview(cohort, course),
        statuses=STATUSES, sections={s.id: s.title for s in course.team_plan},
    )  # fmt: skip


@bp.get("/cohorts/<int:cohort_id>/team-plans/<slug>/items.csv")
@login_required
def overview_csv(cohort_id: int, slug: str):
    cohort = _led_cohort(cohort_id)
    course = _course(cohort.id, slug)
    filename = f"team-plans-{course.slug}-{cohort.id}.csv"
    return (
        exports.overview_csv(course, queries.overview(cohort, course)),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


# --- one team ----------------------------------------------------------------------------------------


@bp.get("/teams/<int:team_id>")
@login_required
def team(team_id: int):
    found = _team(team_id)
    return _team_page(found)


def _discussions(course: Course) -> list[tuple[int, object]]:
    """The course's modules with a discussion block, with their numbers: the team's discussions of it."""
    return [(course.modules.index(m) + 1, m) for m in discussion_modules(course)]


def _team_page(found: Standing, name_error: str | None = None, status: int = 200):
    titles = {c.slug: c.title for c in catalog().all()}
    slugs = queries.assigned_slugs(found.cohort)
    courses = [(slug, titles.get(slug, slug)) for slug in slugs]
    servable = [c for c in (catalog().get(slug) for slug in slugs) if c is not None and not c.is_broken]
    discussions = [(c, _discussions(c)) for c in servable if c.has_blocks("discussion")]
    return render_template(
        "teams/team.html", found=found, team=found.team, cohort=found.cohort, members=queries.members(found.team),
        choices=queries.roster_choices(found.team) if found.leads else [], courses=courses, discussions=discussions,
        code=services.shown_code(found.team.join_code), name_error=name_error,
    ), status  # fmt: skip


@bp.post("/teams/<int:team_id>/settings")
@login_required
def settings(team_id: int):
    found = _led_team(team_id)
    action = request.form.get("action")
    if action == "rename":
        name, error = read_team_name(request.form.get("name"))
        if error:
            return _team_page(found, error, 422)
        services.rename(found.team, name)
        flash(f"The team is now called “{name}”.", "success")
    elif action in {"archive", "restore"}:
        services.set_archived(found.team, action == "archive")
        flash(
            "The team is archived: its plans are read-only and its join code no longer works."
            if action == "archive"
            else "The team is open again.",
            "success",
        )
    elif action == "rotate":
        services.rotate_code(found.team)
        flash("The team has a new join code; the old one no longer works.", "success")
    else:
        abort(400)
    return redirect(url_for("teams.team", team_id=found.team.id))


@bp.post("/teams/<int:team_id>/members")
@login_required
def add_member(team_id: int):
    found = _led_team(team_id)
    if found.team.archived:
        return render_error(409, "This team is archived", ARCHIVED)
    user_id = form_id(request.form.get("user_id"))
    person = services.add_member(found.team, user_id) if user_id is not None else None
    if person is None:
        flash("Choose someone from the cohort's roster to add.", "error")
    else:
        flash(f"{person.name} is in the team.", "success")
    return redirect(url_for("teams.team", team_id=found.team.id) + "#members")


@bp.post("/teams/<int:team_id>/members/<int:user_id>")
@login_required
def member(team_id: int, user_id: int):
    found = _led_team(team_id)
    action = request.form.get("action")
    if action == "remove":
        done = services.remove_member(found.team, user_id)
        message = "They are no longer in the team, and can no longer open its plans."
    elif action in {"facilitator", "member"}:
        done = services.set_facilitator(found.team, user_id, action == "facilitator")
        message = "They facilitate the team." if action == "facilitator" else "They are no longer a facilitator."
    else:
        abort(400)
    if not done:
        abort(404)
    flash(message, "success")
    return redirect(url_for("teams.team", team_id=found.team.id) + "#members")


# --- the team's plan for a course ------------------------------------------------------------------


@bp.get("/teams/<int:team_id>/plans/<slug>")
@login_required
def plan(team_id: int, slug: str):
    found = _team(team_id)
    course = _course(found.cohort.id, slug)
    return _plan_page(found, course)


def _plan_page(found: Standing, course: Course, adding: tuple[str, ItemValues, dict] | None = None,
               bring_error: str | None = None, status: int = 200):  # fmt: skip
    history = queries.history(found.team, course.slug, request.args.get("history", 1, type=int))
    return render_template(
        "teams/plan.html", found=found, team=found.team, cohort=found.cohort, course=course,
        plan=queries.plan(found.team, course), members=queries.members(found.team), history=history,
        bringable=worksheets.bringable(_me(), course) if found.member is not None else [],
        discussions=_discussions(course), statuses=STATUSES, adding=adding, bring_error=bring_error,
    ), status  # fmt: skip


@bp.get("/teams/<int:team_id>/plans/<slug>/plan.pdf")
@login_required
def plan_pdf(team_id: int, slug: str):
    found = _team(team_id)
    course = _course(found.cohort.id, slug)
    data = exports.plan_pdf(queries.plan(found.team, course), queries.members(found.team))
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="team-plan-{course.slug}-{found.team.id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


def _editable(team_id: int, slug: str) -> tuple[Standing, Course]:
    found = _team(team_id)
    course = _course(found.cohort.id, slug)
    if not found.may_edit:
        abort(render_error(409, "This team is archived", ARCHIVED))
    return found, course


def _in_team(found: Standing):
    return lambda user_id: queries.is_member(found.team, user_id)


@bp.post("/teams/<int:team_id>/plans/<slug>/items")
@login_required
def add_item(team_id: int, slug: str):
    found, course = _editable(team_id, slug)
    section = request.form.get("section") or ""
    if section not in {s.id for s in course.team_plan}:
        abort(400)
    values, errors = read_item(request.form, _in_team(found))
    if errors:
        return _plan_page(found, course, adding=(section, values, errors), status=422)
    item = services.add_item(found.team, course, section, values, _me())
    flash("The item is added to the plan.", "success")
    return redirect(_plan_url(found, course, f"#item-{item.id}"))


@bp.post("/teams/<int:team_id>/plans/<slug>/from-worksheet")
@login_required
def bring(team_id: int, slug: str):
    found, course = _editable(team_id, slug)
    if found.member is None:
        abort(403)  # a leader who is not in the team has no worksheet answers to bring
    section = request.form.get("section") or ""
    if section not in {s.id for s in course.team_plan}:
        abort(400)
    answer = worksheets.one(_me(), course, request.form.get("answer") or "")
    if answer is None:
        return _plan_page(found, course, bring_error="Choose one of your worksheet answers to copy.", status=422)
    if len(answer.text) > ITEM_MAX:
        return _plan_page(
            found, course, status=422,
            bring_error=f"This answer is {len(answer.text):,} characters long; a plan item holds at most "
            f"{ITEM_MAX:,}. Add a shorter item by hand instead.",
        )  # fmt: skip
    item = services.bring_from_worksheet(found.team, course, section, answer.text, answer.worksheet.title, _me())
    flash("A copy of your answer is in the team's plan. Your worksheet stays private to you.", "success")
    return redirect(_plan_url(found, course, f"#item-{item.id}"))


def _item(found: Standing, course: Course, item_id: int) -> queries.Item:
    shown = queries.item(found.team, course, item_id)
    if shown is None:
        abort(404)
    return shown


@bp.get("/teams/<int:team_id>/plans/<slug>/items/<int:item_id>")
@login_required
def item(team_id: int, slug: str, item_id: int):
    found = _team(team_id)
    course = _course(found.cohort.id, slug)
    shown = _item(found, course, item_id)
    return _item_page(found, course, shown)


def _item_page(found, course, shown, values=None, errors=None, comment="", comment_error=None, status=200):
    row = shown.row
    values = values or ItemValues(row.text, row.owner_id, row.owner_text, row.due_on, row.status)
    return render_template(
        "teams/item.html", found=found, team=found.team, cohort=found.cohort, course=course, shown=shown,
        values=values, version=row.version, errors=errors or {}, members=queries.members(found.team),
        statuses=STATUSES, sections={s.id: s.title for s in course.team_plan}, comment=comment,
        comment_error=comment_error,
    ), status  # fmt: skip


def _version(raw: str | None) -> int:
    version = form_id(raw)
    if version is None:
        abort(400)
    return version


@bp.post("/teams/<int:team_id>/plans/<slug>/items/<int:item_id>")
@login_required
def edit_item(team_id: int, slug: str, item_id: int):
    found, course = _editable(team_id, slug)
    row = queries.item_row(found.team, course, item_id)
    based_on = _version(request.form.get("version"))
    values, errors = read_item(request.form, _in_team(found))
    sections = [s.id for s in course.team_plan]
    section = row.section_id if row is not None else request.form.get("section")
    if row is not None and errors:
        return _item_page(found, course, _item(found, course, item_id), values, errors, status=422)
    result = services.edit_item(found.team, course, row, based_on, values, _me()) if row is not None else None
    if result is None or result.item is None or result.conflict:
        current = queries.item(found.team, course, item_id) if result and result.conflict else None
        return render_template(
            "teams/conflict.html", found=found, team=found.team, cohort=found.cohort, course=course, current=current,
            values=values, members=queries.members(found.team), statuses=STATUSES,
            section=section if section in sections else sections[0],
        ), 409  # fmt: skip
    flash("The item is saved.", "success")
    return redirect(_plan_url(found, course, f"#item-{item_id}"))


@bp.post("/teams/<int:team_id>/plans/<slug>/items/<int:item_id>/delete")
@login_required
def delete_item(team_id: int, slug: str, item_id: int):
    found, course = _editable(team_id, slug)
    shown = _item(found, course, item_id)
    if not services.delete_item(found.team, course, shown.row, _version(request.form.get("version")), _me()):
        flash(
            "Someone changed this item after you opened it, so it was not deleted. Here it is as it is now: "
            "delete it again if it should still go.",
            "warning",
        )
        return redirect(url_for("teams.item", team_id=found.team.id, slug=course.slug, item_id=item_id))
    flash("The item is deleted. The plan's history keeps a note of it.", "success")
    return redirect(_plan_url(found, course))


@bp.post("/teams/<int:team_id>/plans/<slug>/items/<int:item_id>/comments")
@login_required
def comment(team_id: int, slug: str, item_id: int):
    found, course = _editable(team_id, slug)
    shown = _item(found, course, item_id)
    body, error = read_comment(request.form)
    if error:
        return _item_page(found, course, shown, comment=body, comment_error=error, status=422)
    services.comment(found.team, course, shown.row, body, _me())
    flash("Your comment is added.", "success")
    return redirect(url_for("teams.item", team_id=found.team.id, slug=course.slug, item_id=item_id) + "#comments")
