"""Pages read and seat time: a page view opens a visit, and heartbeats credit it while the page is in view."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from courseware import events
from courseware.courses import Course, Page
from courseware.courses import catalog as course_catalog
from courseware.database import affected
from courseware.extensions import db
from courseware.models import Enrolment, PageProgress, PageVisit, User
from courseware.models.base import utcnow
from courseware.progress.completion import Outcome, settle
from courseware.progress.enrolments import enrol
from courseware.progress.rules import heartbeat_credit


def record_page_view(
    user: User, course: Course, page: Page, now: datetime | None = None
) -> tuple[PageVisit, Enrolment]:
    """Mark the page read, remember it for Resume, and open a visit that heartbeats credit.

    Part of the page view's unit of work (``courseware.pages.view_page``), which commits.
    """
    now = now or utcnow()
    enrolment = enrol(user, course)
    enrolment.last_page_key = page.key
    enrolment.last_activity_at = now
    progress_id, first_visit = _mark_page_visited(enrolment.id, page.key, now)
    if first_visit:
        enrolment.pages_visited = Enrolment.pages_visited + 1
    events.publish(
        events.PageRead(
            user_id=user.id,
            course_slug=course.slug,
            cycle=enrolment.cycle,
            page_key=page.key,
            first_time=first_visit,
            at=now,
        )
    )
    visit = PageVisit(token=secrets.token_urlsafe(16), page_progress_id=progress_id, started_at=now, last_beat_at=now)
    db.session.add(visit)
    db.session.flush()
    return visit, enrolment


def _mark_page_visited(enrolment_id: int, page_key: str, now: datetime) -> tuple[int, bool]:
    """Insert or update the learner's row for the page in one statement: its id, and whether it is new."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = insert(PageProgress).values(
        enrolment_id=enrolment_id, page_key=page_key, first_visited_at=now, last_visited_at=now, seconds=0
    )
    upsert = values.on_conflict_do_update(
        index_elements=["enrolment_id", "page_key"], set_={"last_visited_at": now}
    ).returning(PageProgress.id, PageProgress.first_visited_at)
    row = db.session.execute(upsert).one()
    return row.id, row.first_visited_at == now


def record_heartbeat(user: User, token: str, now: datetime | None = None) -> tuple[int, Outcome] | None:
    """Credit the seconds since the visit's last heartbeat, then settle the course. Commits.

    Returns (seconds credited, outcome), or None when the visit is not this user's. A gap longer
    than two heartbeat intervals means the tab was idle, hidden or asleep: it earns nothing. One
    visit earns at most SEAT_TIME_CAP_SECONDS.
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
    credit = heartbeat_credit(
        gap=(now - visit.last_beat_at).total_seconds(),
        since_course_activity=(now - enrolment.last_activity_at).total_seconds(),
        visit_seconds=visit.seconds,
        interval=current_app.config["HEARTBEAT_SECONDS"],
        cap=current_app.config["SEAT_TIME_CAP_SECONDS"],
    )
    # Only the request that still sees the old last_beat_at claims the gap, so two heartbeats
    # of one visit (a retried request) never count the same seconds twice.
    claimed = affected(
        db.session.execute(
            update(PageVisit)
            .where(PageVisit.id == visit.id, PageVisit.last_beat_at == visit.last_beat_at)
            .values(last_beat_at=now)
        )
    )
    credited = _credit_course_time(enrolment, credit, now) if claimed and credit else 0
    outcome = Outcome()
    if credited:
        db.session.execute(
            update(PageVisit).where(PageVisit.id == visit.id).values(seconds=PageVisit.seconds + credited)
        )
        db.session.execute(
            update(PageProgress)
            .where(PageProgress.id == visit.page_progress_id)
            .values(seconds=PageProgress.seconds + credited)
        )
        course = course_catalog().get(enrolment.course_slug)
        if course is not None and not course.is_broken:
            db.session.flush()
            outcome = settle(user, course, enrolment, now)
    if claimed:
        enrolment.last_activity_at = now
    db.session.commit()
    return credited, outcome


def _credit_course_time(enrolment: Enrolment, credit: int, now: datetime) -> int:
    """Add up to ``credit`` seconds to the enrolment, never more than has passed since its last credited
    moment, and move that moment to ``now``: the seconds added. Does not commit.

    One conditional UPDATE does both, so heartbeats from any number of tabs, devices or concurrent
    requests together never earn more than the wall-clock time that passed: of two requests crediting
    the same seconds, the second finds the moment moved on and credits only what is left, if anything.
    """
    for _ in range(3):
        until = db.session.scalar(select(Enrolment.credited_until).where(Enrolment.id == enrolment.id))
        seconds = credit if until is None else min(credit, int((now - until).total_seconds()))
        if seconds <= 0:
            return 0
        room = (
            Enrolment.credited_until.is_(None)
            if until is None
            else Enrolment.credited_until <= now - timedelta(seconds=seconds)
        )
        claimed = affected(
            db.session.execute(
                update(Enrolment)
                .where(Enrolment.id == enrolment.id, room)
                .values(credited_until=now, seconds=Enrolment.seconds + seconds)
            )
        )
        if claimed:
            db.session.expire(enrolment, ["seconds", "credited_until"])
            return seconds
    return 0
