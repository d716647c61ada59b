"""Finding the course, page and block a request names, or a 404."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_login import current_user

from courseware.courses import Course, Page
from courseware.courses import catalog as course_catalog
from courseware.pages.gates import abort_if_closed
from courseware.progress import course_on_track, find_enrolment


def published_course(slug: str) -> Course:
    """The course learners may open, or 404. Admins may also open drafts (to preview them)."""
    course = course_catalog().get(slug)
    if course is None or course.is_broken:
        abort(404)
    if not course.published and not (current_user.is_authenticated and current_user.is_admin):
        abort(404)
    if course.tracks and current_user.is_authenticated:  # the learner sees the core and their track only
        course = course_on_track(course, find_enrolment(current_user.id, slug))
    return course


def url_for_page(course: Course, page: Page) -> str:
    return url_for("learning.page", slug=course.slug, module=page.module.slug, page=page.slug)


def find_block_or_404(course: Course, kind: str, block_id: str) -> tuple[Page, Any]:
    """(page, segment) of the quiz, worksheet or practice block with this id, or a 404 (also for a block
    of another track than the learner's, or of a course with tracks before they choose one); a 403 page
    when its module is not open to the learner yet.

    A request whose session has ended finds the block on any track: the route keeps what was sent until
    the learner signs in again, and the form they then send back is checked against their track."""
    found = course.find_block(kind, block_id)
    chosen = course.track is not None or not current_user.is_authenticated
    if found is None or (course.tracks and not chosen):  # another track's block, or none chosen yet
        abort(404)
    abort_if_closed(course, found[0].module)
    return found
