"""Rendering a course page with everything on it, and telling the learner when they completed the course."""

from __future__ import annotations

from flask import current_app, flash, render_template
from flask_login import current_user

from courseware.courses import Course, Page
from courseware.pages.blocks import VIEWS
from courseware.pages.services import PageView
from courseware.progress import Outcome, progress_for


def render_course_page(
    course: Course, page: Page, view: PageView | None = None, overrides: dict | None = None, status: int = 200
):
    """The page as the learner sees it. ``view`` is the page view just recorded; without one (a form
    shown again with its errors) nothing is recorded and no seat-time visit is opened. ``overrides``
    carry a block's answers and errors being shown again, by block kind and id."""
    overrides = overrides or {}
    user = current_user._get_current_object()
    progress = view.progress if view is not None else progress_for(user, course)
    previous, following = course.neighbours(page)
    forms = {
        f"{kind}_forms": block.forms(user, course, page, overrides.get(kind)) if page.has_blocks(kind) else {}
        for kind, block in VIEWS.items()
    }
    html = render_template(
        "learning/page.html",
        course=course,
        page=page,
        progress=progress,
        previous=previous,
        following=following,
        visit=view.visit if view is not None else None,
        heartbeat_seconds=current_app.config["HEARTBEAT_SECONDS"],
        **forms,
    )
    return html, status


def announce(outcome: Outcome) -> None:
    """Tell the learner, on their next page, that the action they just took completed the course."""
    if not outcome.completed:
        return
    certificate = outcome.certificate
    if outcome.certificate_waiting:
        flash(
            f"Congratulations: you completed “{outcome.course_title}”. Your completion is recorded; your "
            "certificate will be issued once the provider's details are complete.",
            "success",
        )
        return
    if certificate is None:
        flash(f"Congratulations: you completed “{outcome.course_title}”.", "success")
        return
    flash(
        f"Congratulations: you completed “{outcome.course_title}”. Your certificate for {certificate.credit_text} "
        "is ready on the course page and in your transcript.",
        "success",
    )
