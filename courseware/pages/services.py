"""Viewing a course page: the one GET that writes (see docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.courses import Course, Page
from courseware.extensions import db
from courseware.models import PageVisit, User
from courseware.pages.blocks import VIEWS
from courseware.progress import CourseProgress, Outcome, progress_for, record_page_view, settle


@dataclass
class PageView:
    visit: PageVisit
    progress: CourseProgress
    outcome: Outcome


def view_page(user: User, course: Course, page: Page) -> PageView:
    """Record the page as read, open a seat-time visit, store what its blocks need to remember
    (the quiz versions shown to the learner), and settle the course. One transaction, committed here."""
    visit, enrolment = record_page_view(user, course, page)
    for view in VIEWS.values():
        if view.on_view is not None and page.has_blocks(view.kind):
            view.on_view(user, course, page)
    outcome = settle(user, course, enrolment)
    db.session.commit()
    return PageView(visit, progress_for(user, course, enrolment), outcome)
