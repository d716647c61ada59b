from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from courseware.courses import Course
from courseware.courses import catalog as course_catalog
from courseware.learning import services
from courseware.learning.pages import render_course_page

bp = Blueprint("learning", __name__)


def published_course(slug: str) -> Course:
    """The course learners may open, or 404. Admins may also open drafts (to preview them)."""
    course = course_catalog().get(slug)
    if course is None or course.is_broken:
        abort(404)
    if not course.published and not (current_user.is_authenticated and current_user.is_admin):
        abort(404)
    return course


@bp.get("/")
def catalog():
    courses = course_catalog().published()
    progress = {c.slug: services.progress_for(current_user, c) for c in courses}
    assigned = services.assignments_for(current_user) if current_user.is_authenticated else {}
    courses.sort(
        key=lambda c: (c.slug not in assigned, assigned[c.slug].due_on if c.slug in assigned else None, c.title)
    )
    return render_template("learning/catalog.html", courses=courses, progress=progress, assigned=assigned)


@bp.get("/courses/<slug>")
def course_home(slug: str):
    from courseware.certificates import services as certificates

    course = published_course(slug)
    progress = services.progress_for(current_user, course)
    certificate = renewable = None
    if current_user.is_authenticated and progress.enrolment is not None:
        certificate = certificates.current_certificate(current_user, course)
        renewable = certificates.can_renew(current_user, course)
    return render_template(
        "learning/course_home.html", course=course, progress=progress, certificate=certificate, renewable=renewable
    )


@bp.get("/courses/<slug>/resume")
@login_required
def resume(slug: str):
    course = published_course(slug)
    page = services.progress_for(current_user, course).resume_page
    if page is None:
        abort(404)
    return redirect(url_for("learning.page", slug=slug, module=page.module.slug, page=page.slug))


@bp.get("/courses/<slug>/<module>/<page>")
@login_required
def page(slug: str, module: str, page: str):
    course = published_course(slug)
    found = course.page(module, page)
    if found is None:
        abort(404)
    return render_course_page(course, found)


@bp.post("/learning/heartbeat")
@login_required
def heartbeat():
    data = request.get_json(silent=True)
    token = (data.get("visit") if isinstance(data, dict) else None) or request.form.get("visit")
    if not isinstance(token, str) or not token:
        return jsonify(error="A page visit is required."), 400
    credited = services.record_heartbeat(current_user, token)
    if credited is None:
        abort(404)
    enrolment = services.enrolment_of_visit(token) if credited else None
    if enrolment is not None and enrolment.completed_at is None:
        course = course_catalog().get(enrolment.course_slug)
        if course is not None and course.completion.min_seat_minutes:  # seat time may be the last rule met
            from courseware.certificates.services import issue_if_complete

            issue_if_complete(current_user._get_current_object(), course)
    return jsonify(credited=credited)


@bp.get("/courses/<slug>/media/<path:filename>")
def media(slug: str, filename: str):
    course = published_course(slug)
    response = send_from_directory(course.path / "media", filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
