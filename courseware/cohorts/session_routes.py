"""Sessions of an assignment for its leaders, and the calendar (download and feed) for its members."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware.cohorts import calendar, sessions
from courseware.cohorts.forms import TIME_ZONES, SessionForm
from courseware.cohorts.routes import _assignment, _cohort, bp, leader_required
from courseware.courses import catalog
from courseware.forms import text
from courseware.models import CourseSession
from courseware.models.base import utcnow
from courseware.urls import external_url

ZONE_NAMES = dict(TIME_ZONES)


@bp.app_template_filter("session_time")
def session_time(session: CourseSession) -> str:
    """When a session is, in the time zone the leader gave:
    "Tuesday 6 October 2026, 3:30 PM to 4:30 PM Eastern time"."""
    zone = ZoneInfo(session.time_zone) if session.time_zone in ZONE_NAMES else ZoneInfo("UTC")
    starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return (
        f"{starts.strftime('%A %-d %B %Y, %-I:%M %p')} to {ends.strftime('%-I:%M %p')} "
        f"{ZONE_NAMES.get(session.time_zone, 'UTC')}"
    )


def _session_form(course, formdata=None, obj: CourseSession | None = None) -> SessionForm:
    modules = [(m.slug, f"Module {i}: {m.title}") for i, m in enumerate(course.modules, start=1)]
    form = SessionForm(formdata=formdata, modules=modules) if formdata is not None else SessionForm(modules=modules)
    if formdata is None and obj is not None:
        zone = ZoneInfo(obj.time_zone) if obj.time_zone in ZONE_NAMES else ZoneInfo("UTC")
        starts, ends = obj.starts_at.astimezone(zone), obj.ends_at.astimezone(zone)
        form.title.data, form.day.data, form.starts.data, form.ends.data = (
            obj.title,
            starts.date(),
            starts.time(),
            ends.time(),
        )
        form.time_zone.data, form.place.data, form.link.data = obj.time_zone, obj.place, obj.link
        form.module.data = obj.module or ""
    elif formdata is None:
        form.time_zone.data = current_app.config.get("SESSION_TIME_ZONE", "America/New_York")
    return form


def _details(form: SessionForm) -> sessions.SessionDetails:
    """What a validated form holds (its date and times are then never missing)."""
    day, starts, ends = form.day.data, form.starts.data, form.ends.data
    if day is None or starts is None or ends is None:
        abort(400)
    return sessions.SessionDetails(
        text(form.title), day, starts, ends, form.time_zone.data, text(form.place), text(form.link),
        form.module.data or None,
    )  # fmt: skip


def _page(cohort, assignment, course, form, status: int = 200):
    return render_template(
        "cohorts/sessions.html", cohort=cohort, assignment=assignment, course=course, form=form,
        sessions=sessions.of_assignment(assignment),
    ), status  # fmt: skip


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/sessions")
@leader_required
def sessions_page(cohort_id: int, assignment_id: int):
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    return _page(cohort, assignment, course, _session_form(course))


@bp.post("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/sessions")
@leader_required
def add_session(cohort_id: int, assignment_id: int):
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    form = _session_form(course, request.form)
    if not form.validate_on_submit():
        return _page(cohort, assignment, course, form, 422)
    session = sessions.save_session(assignment, _details(form))
    flash(f"“{session.title}” is added. Members see it on the course's page and in their calendar.", "success")
    return redirect(url_for("cohorts.sessions_page", cohort_id=cohort.id, assignment_id=assignment.id))


def _session(cohort_id: int, assignment_id: int, session_id: int):
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    found = sessions.session_of(assignment, session_id)
    if found is None:
        abort(404)
    return cohort, assignment, course, found


@bp.route("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@leader_required
def edit_session(cohort_id: int, assignment_id: int, session_id: int):
    cohort, assignment, course, found = _session(cohort_id, assignment_id, session_id)
    form = _session_form(course, request.form if request.method == "POST" else None, found)
    if request.method == "POST" and form.validate_on_submit():
        sessions.save_session(assignment, _details(form), found)
        flash(f"“{found.title}” is changed. Calendars that follow the feed show the change.", "success")
        return redirect(url_for("cohorts.sessions_page", cohort_id=cohort.id, assignment_id=assignment.id))
    status = 422 if form.errors else 200
    return render_template(
        "cohorts/session_edit.html", cohort=cohort, assignment=assignment, course=course, form=form, session=found
    ), status


@bp.post("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/sessions/<int:session_id>/delete")
@leader_required
def delete_session(cohort_id: int, assignment_id: int, session_id: int):
    cohort, assignment, _, found = _session(cohort_id, assignment_id, session_id)
    title = found.title
    sessions.delete_session(found)
    flash(f"“{title}” is deleted.", "success")
    return redirect(url_for("cohorts.sessions_page", cohort_id=cohort.id, assignment_id=assignment.id))


def _ics(found: list[tuple[CourseSession, str]], name: str, filename: str | None):
    courses = catalog()
    events = []
    for session, slug in found:
        course = courses.get(slug)
        module = course.module(session.module) if course is not None and session.module else None
        events.append(
            calendar.Event(
                session,
                course.title if course is not None else slug,
                module.title if module is not None else "",
                external_url("learning.course_home", slug=slug),
            )
        )
    # The same identifiers whatever address the calendar was fetched from: the public one when set.
    host = urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname or request.host.split(":")[0] or "courseware"
    body = calendar.calendar(events, name, host, utcnow())
    headers = {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, no-store"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return body, 200, headers


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/sessions.ics")
@leader_required
def sessions_ics(cohort_id: int, assignment_id: int):
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    found = [(s, assignment.course_slug) for s in sessions.of_assignment(assignment)]
    return _ics(found, f"{course.title}: {cohort.name}", f"sessions-{course.slug}-{cohort.id}.ics")


@bp.get("/calendar")
@login_required
def calendar_page():
    """A member's sessions: download them, or follow them from a calendar app with a secret address."""
    user = current_user._get_current_object()
    ids = sessions.member_assignment_ids(user)
    return render_template(
        "cohorts/calendar.html", upcoming=sessions.upcoming(ids, utcnow()), has_feed=sessions.has_feed(user),
        feed_url=None,
    )  # fmt: skip


@bp.post("/calendar")
@login_required
def calendar_token():
    user = current_user._get_current_object()
    action = request.form.get("action")
    if action == "revoke":
        sessions.revoke_feed(user)
        flash("Your calendar address no longer works. Calendars that followed it stop updating.", "success")
        return redirect(url_for("cohorts.calendar_page"))
    if action != "new":
        abort(400)
    token = sessions.new_feed_token(user)
    ids = sessions.member_assignment_ids(user)
    return render_template(
        "cohorts/calendar.html", upcoming=sessions.upcoming(ids, utcnow()), has_feed=True,
        feed_url=external_url("cohorts.calendar_feed", token=token),
    )  # fmt: skip


@bp.get("/calendar/sessions.ics")
@login_required
def my_sessions_ics():
    user = current_user._get_current_object()
    return _ics(sessions.for_feed(user.id, utcnow()), "My Courseware sessions", "courseware-sessions.ics")


@bp.get("/calendar/feed/<token>.ics")
def calendar_feed(token: str):
    """The feed a calendar app follows: no cookie, the secret in the address; any other address is a 404."""
    user_id = sessions.feed_owner(token)
    if user_id is None:
        abort(404)
    return _ics(sessions.for_feed(user_id, utcnow()), "Courseware sessions", None)
