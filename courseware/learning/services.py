"""State changes while learning: enrolment, page views, and seat time from heartbeats."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from courseware.courses import Course, Page
from courseware.extensions import db
from courseware.learning.progress import CourseProgress
from courseware.models import Assignment, CohortMember, Enrolment, PageProgress, PageVisit, User
from courseware.models.base import utcnow
from courseware.quizzes.services import passed_quiz_ids
from courseware.worksheets.services import done_worksheets


def find_enrolment(user: User, course: Course) -> Enrolment | None:
    """The learner's enrolment in the current renewal cycle of the course."""
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.course_slug == course.slug)
        .order_by(Enrolment.cycle.desc())
        .limit(1)
    )


def enrol(user: User, course: Course) -> Enrolment:
    """The learner's enrolment in the course, created on first visit (safe against a double request)."""
    enrolment = find_enrolment(user, course)
    if enrolment is not None:
        return enrolment
    try:
        with db.session.begin_nested():
            enrolment = Enrolment(user_id=user.id, course_slug=course.slug)
            db.session.add(enrolment)
    except IntegrityError:
        enrolment = find_enrolment(user, course)
    return enrolment


def progress_for(user: User | None, course: Course, enrolment: Enrolment | None = None) -> CourseProgress:
    if user is None or not user.is_authenticated:
        return CourseProgress(course, None)
    enrolment = enrolment or find_enrolment(user, course)
    if enrolment is None:
        return CourseProgress(course, None)
    rows = db.session.execute(
        select(PageProgress.page_key, PageProgress.seconds).where(PageProgress.enrolment_id == enrolment.id)
    ).all()
    passed = passed_quiz_ids(user.id, course.slug, enrolment.cycle) if course.has_blocks("quiz") else set()
    worksheets = None
    if course.completion.worksheets_required and course.has_blocks("worksheet"):
        worksheets = done_worksheets(course, user.id)
    return CourseProgress(
        course,
        enrolment,
        {key for key, _ in rows},
        sum(seconds for _, seconds in rows),
        passed_quizzes=passed,
        done_worksheets=worksheets,
    )


def all_pages_visited(enrolment: Enrolment, course: Course) -> bool:
    visited = db.session.scalar(select(func.count(PageProgress.id)).where(PageProgress.enrolment_id == enrolment.id))
    if visited < len(course.pages):
        return False
    keys = set(db.session.scalars(select(PageProgress.page_key).where(PageProgress.enrolment_id == enrolment.id)))
    return all(page.key in keys for page in course.pages)


def record_page_view(user: User, course: Course, page: Page) -> tuple[PageVisit, CourseProgress]:
    """Mark the page visited, remember it for Resume, and open a visit that heartbeats credit."""
    now = utcnow()
    enrolment = enrol(user, course)
    enrolment.last_page_key = page.key
    enrolment.last_activity_at = now
    progress_id, first_visit = _mark_page_visited(enrolment.id, page.key, now)
    if first_visit:
        enrolment.pages_visited = Enrolment.pages_visited + 1
    visit = PageVisit(token=secrets.token_urlsafe(16), page_progress_id=progress_id, started_at=now, last_beat_at=now)
    db.session.add(visit)
    db.session.commit()
    return visit, progress_for(user, course, enrolment)


def _mark_page_visited(enrolment_id: int, page_key: str, now: datetime) -> tuple[int, bool]:
    """Insert or update the learner's row for the page in one statement: its id, and whether it is new."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(PageProgress).values(
        enrolment_id=enrolment_id, page_key=page_key, first_visited_at=now, last_visited_at=now, seconds=0
    )
    statement = statement.on_conflict_do_update(
        index_elements=["enrolment_id", "page_key"], set_={"last_visited_at": now}
    ).returning(PageProgress.id, PageProgress.first_visited_at)
    row = db.session.execute(statement).one()
    return row.id, row.first_visited_at == now


def enrolment_of_visit(token: str) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment)
        .join(PageProgress, PageProgress.enrolment_id == Enrolment.id)
        .join(PageVisit, PageVisit.page_progress_id == PageProgress.id)
        .where(PageVisit.token == token)
    )


def record_heartbeat(user: User, token: str, now: datetime | None = None) -> int | None:
    """Credit the seconds since the visit's last heartbeat; None when the visit is not this user's.

    A gap longer than two heartbeat intervals means the tab was idle, hidden or asleep:
    it earns nothing. One visit earns at most SEAT_TIME_CAP_SECONDS.
    """
    now = now or utcnow()
    row = db.session.execute(
        select(PageVisit, Enrolment)
        .join(PageProgress, PageVisit.page_progress_id == PageProgress.id)
        .join(Enrolment, PageProgress.enrolment_id == Enrolment.id)
        .where(PageVisit.token == token, Enrolment.user_id == user.id)
    ).first()
    if row is None:
        return None
    visit, enrolment = row
    interval = current_app.config["HEARTBEAT_SECONDS"]
    cap = current_app.config["SEAT_TIME_CAP_SECONDS"]
    gap = (now - visit.last_beat_at).total_seconds()
    credit = int(gap) if 0 < gap <= 2 * interval + 5 else 0
    # Several tabs of one course share one clock: no more time than has passed since the last credit.
    since_course_activity = int((now - enrolment.last_activity_at).total_seconds())
    credit = max(0, min(credit, cap - visit.seconds, since_course_activity))
    # Only the request that still sees the old last_beat_at credits the gap, so two tabs
    # or a retried request never count the same seconds twice.
    claimed = db.session.execute(
        update(PageVisit)
        .where(PageVisit.id == visit.id, PageVisit.last_beat_at == visit.last_beat_at)
        .values(last_beat_at=now, seconds=PageVisit.seconds + credit)
    ).rowcount
    if claimed and credit:
        db.session.execute(
            update(PageProgress)
            .where(PageProgress.id == visit.page_progress_id)
            .values(seconds=PageProgress.seconds + credit)
        )
        enrolment.seconds = Enrolment.seconds + credit
    if claimed:
        enrolment.last_activity_at = now
    db.session.commit()
    return credit if claimed else 0


def assignments_for(user: User) -> dict[str, Assignment]:
    """The courses assigned to the learner's cohorts, by course (the earliest due date wins)."""
    rows = db.session.scalars(
        select(Assignment)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
        .order_by(Assignment.due_on.desc())
    )
    return {assignment.course_slug: assignment for assignment in rows}
