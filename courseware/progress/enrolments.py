"""Enrolments: a learner taking a course, one renewal cycle after another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courseware import events
from courseware.courses import Course
from courseware.extensions import db
from courseware.models import Assignment, CohortMember, Enrolment, User
from courseware.models.base import utcnow
from courseware.progress.rules import completion_lapsed


def find_enrolment(user_id: int, course_slug: str) -> Enrolment | None:
    """The learner's enrolment in the current renewal cycle of the course."""
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.course_slug == course_slug)
        .order_by(Enrolment.cycle.desc())
        .limit(1)
    )


def current_enrolments(user_id: int) -> list[Enrolment]:
    """The learner's enrolment in the current cycle of every course they have started, newest activity first."""
    rows = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user_id).order_by(Enrolment.course_slug, Enrolment.cycle)
    )
    latest = {row.course_slug: row for row in rows}
    return sorted(latest.values(), key=lambda e: e.last_activity_at, reverse=True)


def current_cycle(user_id: int, course_slug: str) -> int:
    """The renewal cycle the learner is in (1 until they renew a course)."""
    query = select(func.max(Enrolment.cycle)).where(Enrolment.user_id == user_id, Enrolment.course_slug == course_slug)
    return db.session.scalar(query) or 1


def enrol(user: User, course: Course) -> Enrolment:
    """The learner's enrolment, created on first visit (safe against a double request). Does not commit."""
    enrolment = find_enrolment(user.id, course.slug)
    if enrolment is not None:
        return enrolment
    try:
        with db.session.begin_nested():
            enrolment = Enrolment(user_id=user.id, course_slug=course.slug, enrolled_at=utcnow())
            db.session.add(enrolment)
    except IntegrityError:
        enrolment = find_enrolment(user.id, course.slug)
    else:
        events.publish(_started(enrolment))
    assert enrolment is not None
    return enrolment


def renewal_months(user: User, course: Course) -> int | None:
    """How long a completion counts for this learner: the shorter of the course's validity and the
    renewal period of any active assignment of the course to a cohort they are in."""
    assigned = db.session.scalar(
        select(func.min(Assignment.renewal_months))
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True), Assignment.course_slug == course.slug)
    )
    periods = [m for m in (course.validity_months, assigned) if m]
    return min(periods) if periods else None


def can_renew(user: User, course: Course, now: datetime | None = None) -> bool:
    """A completed course can be taken again once its completion has lapsed."""
    enrolment = find_enrolment(user.id, course.slug)
    if enrolment is None or enrolment.completed_at is None:
        return False
    return completion_lapsed(enrolment.completed_at, renewal_months(user, course), now or utcnow())


def _started(enrolment: Enrolment) -> events.CourseStarted:
    return events.CourseStarted(
        user_id=enrolment.user_id, course_slug=enrolment.course_slug, cycle=enrolment.cycle, at=enrolment.enrolled_at
    )


def start_new_cycle(user: User, course: Course) -> Enrolment | None:
    """Open the next cycle: progress starts afresh, and earlier cycles stay as history. Commits.

    None when the course cannot be renewed yet.
    """
    if not can_renew(user, course):
        return None
    current = find_enrolment(user.id, course.slug)
    assert current is not None
    enrolment = Enrolment(user_id=user.id, course_slug=course.slug, cycle=current.cycle + 1, enrolled_at=utcnow())
    db.session.add(enrolment)
    events.publish(_started(enrolment))
    try:
        db.session.commit()
    except IntegrityError:  # a second click renewed it already
        db.session.rollback()
        return find_enrolment(user.id, course.slug)
    return enrolment
