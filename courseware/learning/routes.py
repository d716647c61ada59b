from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from courseware import credit, growth, kept, progress
from courseware.certificates.services import current_certificate
from courseware.cohorts import schedule, sessions
from courseware.courses import Course
from courseware.courses import catalog as course_catalog
from courseware.courses.model import LIKERT_SCALE, Evaluation
from courseware.evaluations import services as evaluations
from courseware.evaluations.answers import COMMENT_MAX, FinishForm, read_answers
from courseware.extensions import csrf
from courseware.learning import services
from courseware.models import User
from courseware.models.base import utcnow
from courseware.pages import abort_if_closed, announce, published_course, render_course_page, view_page

bp = Blueprint("learning", __name__)


@bp.get("/")
def catalog():
    courses = course_catalog().published()
    user = current_user._get_current_object()
    states = {c.slug: progress.progress_for(user, c) for c in courses}
    assigned = services.assignments_for(user) if current_user.is_authenticated else {}
    courses.sort(
        key=lambda c: (c.slug not in assigned, assigned[c.slug].due_on if c.slug in assigned else None, c.title)
    )
    due = services.due_next(assigned, {c.slug: c for c in courses}, states, utcnow().date())
    return render_template("learning/catalog.html", courses=courses, progress=states, assigned=assigned, due=due)


@bp.get("/courses/<slug>")
def course_home(slug: str):
    course = published_course(slug)
    user = current_user._get_current_object()
    state = progress.progress_for(user, course)
    certificate = renewable = None
    if current_user.is_authenticated and state.enrolment is not None:
        certificate = current_certificate(user, course)
        renewable = progress.can_renew(user, course)
    profiles = credit.all_profiles()
    offered = [profiles[key] for key in course.credit.profiles if key in profiles] if course.offers_credit else []
    chosen = credit.chosen_profile(user.id, course, state.enrolment) if current_user.is_authenticated else ""
    assignment = (services.assignments_for(user) if current_user.is_authenticated else {}).get(course.slug)
    dates = schedule.dates_by_assignment([assignment.id]).get(assignment.id, {}) if assignment else {}
    done = (lambda _module: True) if state.completed else state.module_done
    ids = sessions.member_assignment_ids(user, course.slug) if current_user.is_authenticated else []
    return render_template(
        "learning/course_home.html",
        due=schedule.due_next(course, dates, done, utcnow().date()),
        assignment=assignment,
        dates=dates,
        sessions=sessions.upcoming(ids, utcnow())[:5],
        course=course,
        progress=state,
        certificate=certificate,
        renewable=renewable,
        offered=offered,
        chosen=profiles.get(chosen),
        growth=growth.growth_for(user, course) if state.enrolment is not None else None,
    )


@bp.post("/courses/<slug>/credit-profile")
@login_required
def choose_profile(slug: str):
    course = published_course(slug)
    key = request.form.get("profile", "")
    if not course.credit.learner_chooses:
        abort(404)
    if key not in course.credit.profiles or key not in credit.all_profiles():
        flash("Choose one of the kinds of credit this course offers.", "error")
    elif not services.choose_profile(current_user._get_current_object(), course, key):
        flash("Your certificate for this round of the course is already issued: its credit cannot change.", "warning")
    else:
        flash(f"Your certificate will be issued as {credit.all_profiles()[key].title}.", "success")
    return redirect(url_for("learning.course_home", slug=slug))


@bp.get("/courses/<slug>/track")
@login_required
def track(slug: str):
    """Choosing a role track: before the first page of a course with tracks, and from the course home."""
    course = published_course(slug)
    if not course.tracks:
        abort(404)
    return _track_page(course)


@bp.post("/courses/<slug>/track")
@login_required
def choose_track(slug: str):
    course = published_course(slug)
    if not course.tracks:
        abort(404)
    chosen = course.whole.track_named(request.form.get("track", ""))
    if chosen is None:
        return _track_page(course, "Choose one of the tracks of this course.", 422)
    first = course.track is None
    outcome = services.choose_track(current_user._get_current_object(), course, chosen)
    if outcome is None:
        flash("You completed this round of the course on its track: it can change when you renew.", "warning")
        return redirect(url_for("learning.course_home", slug=slug))
    announce(outcome)
    if first:
        return redirect(url_for("learning.resume", slug=slug))
    flash(f"You are now on the track “{chosen.title}”. All your work is kept; what is left to do is "
          "now that track's.", "success")  # fmt: skip
    return redirect(url_for("learning.course_home", slug=slug))


def _track_page(course: Course, error: str = "", status: int = 200):
    user = current_user._get_current_object()
    current = course.whole.track_named(course.track)
    preset = current or services.preset_track(user, course)
    return render_template(
        "learning/track.html",
        course=course.whole,
        current=current,
        preset=preset,
        minutes={t.id: course.whole.for_track(t.id).minutes for t in course.whole.tracks},
        error=error,
    ), status


@bp.get("/courses/<slug>/resume")
@login_required
def resume(slug: str):
    course = published_course(slug)
    if course.tracks and course.track is None:  # a course with tracks starts with choosing one
        return redirect(url_for("learning.track", slug=slug))
    page = progress.progress_for(current_user._get_current_object(), course).resume_page
    if page is None:
        abort(404)
    return redirect(url_for("learning.page", slug=slug, module=page.module.slug, page=page.slug))


@bp.get("/courses/<slug>/<module>/<page>")
@login_required
def page(slug: str, module: str, page: str):
    """Viewing a page records it (the one GET that writes: see docs/architecture.md)."""
    course = published_course(slug)
    if course.tracks and course.track is None:  # a course with tracks starts with choosing one
        return redirect(url_for("learning.track", slug=slug))
    found = course.page(module, page)
    if found is None and course.whole.page(module, page) is not None:  # a page of another track
        track = course.whole.track_named(course.track)
        return render_template("learning/not_on_track.html", course=course, track=track), 404
    if found is None:
        abort(404)
    abort_if_closed(course, found.module)  # the cohort's plan may open this module later
    view = view_page(current_user._get_current_object(), course, found)
    announce(view.outcome)
    return render_course_page(course, found, view)


@bp.get("/courses/<slug>/break")
@login_required
def take_a_break(slug: str):
    """A quiet page to step away to: nothing is recorded, and no seat time runs while it is open.

    ``from`` names the page the learner left ("module/page"); only a page of this course, on the
    learner's track, becomes the way back, and any other value leads back to the course home.
    """
    course = published_course(slug)
    left = course.page_by_key(request.args.get("from", ""))
    back = (
        url_for("learning.page", slug=slug, module=left.module.slug, page=left.slug)
        if left is not None
        else url_for("learning.course_home", slug=slug)
    )
    return render_template("learning/take_a_break.html", course=course, left=left, back=back)


@bp.get("/courses/<slug>/finish")
@login_required
def finish(slug: str):
    """The last step: the evaluation and attestation, or, before it, what is still missing."""
    course, evaluation = _course_with_evaluation(slug)
    if course.tracks and course.track is None:  # what is left depends on the track: choose it first
        return redirect(url_for("learning.track", slug=slug))
    sent = (kept.take("evaluation", request.path) or {}).get("form", {})
    values = {name: given[0] for name, given in sent.items() if isinstance(given, list) and given}
    return _finish_page(course, current_user._get_current_object(), FinishForm(evaluation, values))


@bp.post("/courses/<slug>/finish")
@csrf.exempt  # checked below, so that answers sent with an expired form are kept rather than lost
def submit_finish(slug: str):
    course, evaluation = _course_with_evaluation(slug)
    page_url = url_for("learning.finish", slug=slug)
    expired = kept.keep_unless_signed_in("evaluation", slug, page_url, "answers", "check them and finish again.")
    if expired is not None:
        return expired
    user = current_user._get_current_object()
    answers, form = read_answers(evaluation, request.form)
    if form.errors:
        return _finish_page(course, user, form, 422)
    try:
        done = evaluations.finish(user, course, answers)
    except evaluations.NotReady:
        return _finish_page(course, user, form, 409)
    if done.duplicate:
        flash("You had already finished this course: your first evaluation and attestation stand.", "info")
    elif not done.outcome.completed:
        flash("Thank you: your evaluation and attestation are recorded.", "success")
    announce(done.outcome)
    return redirect(url_for("learning.course_home", slug=slug))


def _course_with_evaluation(slug: str) -> tuple[Course, Evaluation]:
    course = published_course(slug)
    if course.evaluation is None:  # the course is completed without this step
        abort(404)
    return course, course.evaluation


def _finish_page(course: Course, user: User, form: FinishForm, status: int = 200):
    state = progress.progress_for(user, course)
    attestation = evaluations.attestation_for(user, course) if state.finished else None
    return render_template(
        "learning/finish.html",
        course=course,
        progress=state,
        attestation=attestation,
        form=form,
        scale=LIKERT_SCALE,
        comment_max=COMMENT_MAX,
    ), status


@bp.post("/courses/<slug>/renew")
@login_required
def renew(slug: str):
    course = published_course(slug)
    if progress.start_new_cycle(current_user._get_current_object(), course) is None:
        flash("This course cannot be renewed yet: your certificate is still current.", "warning")
    else:
        flash("A new cycle has started. Your earlier certificates stay on your transcript.", "success")
    return redirect(url_for("learning.course_home", slug=slug))


@bp.post("/learning/heartbeat")
@login_required
def heartbeat():
    data = request.get_json(silent=True)
    token = (data.get("visit") if isinstance(data, dict) else None) or request.form.get("visit")
    if not isinstance(token, str) or not token:
        return jsonify(error="A page visit is required."), 400
    recorded = progress.record_heartbeat(current_user._get_current_object(), token)
    if recorded is None:
        abort(404)
    credited, outcome = recorded
    body: dict[str, object] = {"credited": credited}
    if outcome.completed:
        body["completed"] = True
    announce(outcome)  # shown on the next page the learner opens
    return jsonify(body)


@bp.get("/courses/<slug>/media/<path:filename>")
def media(slug: str, filename: str):
    course = published_course(slug)
    response = send_from_directory(course.path / "media", filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
