"""Rendering a course page with everything on it: progress, outline, and the state of its blocks."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for
from flask_login import current_user

from courseware.courses import Course, Page
from courseware.learning import services


def url_for_page(course: Course, page: Page) -> str:
    return url_for("learning.page", slug=course.slug, module=page.module.slug, page=page.slug)


def find_block_or_404(course: Course, kind: str, block_id: str):
    """(page, segment) of the quiz or worksheet with this id, or a 404."""
    found = course.find_block(kind, block_id)
    if found is None:
        abort(404)
    return found


def render_course_page(course: Course, page: Page, overrides: dict | None = None, status: int = 200):
    """``overrides`` carry a block's answers and errors being shown again, by block kind and id."""
    from courseware.quizzes.views import quiz_forms
    from courseware.worksheets.views import worksheet_forms

    overrides = overrides or {}

    user = current_user._get_current_object()
    visit, progress = services.record_page_view(user, course, page)
    if progress.complete and progress.enrolment.completed_at is None:
        from courseware.certificates.services import issue_and_announce

        issue_and_announce(user, course)
    previous, following = course.neighbours(page)
    html = render_template(
        "learning/page.html",
        course=course,
        page=page,
        progress=progress,
        previous=previous,
        following=following,
        visit=visit,
        quiz_forms=quiz_forms(user, course, page, overrides.get("quiz")),
        worksheet_forms=worksheet_forms(user, course, page, overrides.get("worksheet")),
        heartbeat_seconds=current_app.config["HEARTBEAT_SECONDS"],
    )
    return html, status
