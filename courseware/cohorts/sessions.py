"""Sessions: the cohort's meetings about an assigned course, and the calendar feed tokens of its members."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from courseware.extensions import db
from courseware.models import Assignment, CalendarToken, CohortMember, CourseSession, User
from courseware.models.base import utcnow

FEED_LIMIT = 500  # sessions in one feed or download, the most recent first
FEED_PAST_DAYS = 366  # a feed holds the sessions of the last year and every one to come


@dataclass(frozen=True)
class SessionDetails:
    """What a leader enters: times in ``time_zone``, where the people meeting are."""

    title: str
    day: date
    starts: time
    ends: time
    time_zone: str
    place: str
    link: str
    module: str | None

    def moments(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.time_zone)
        return (
            datetime.combine(self.day, self.starts, zone).astimezone(ZoneInfo("UTC")),
            datetime.combine(self.day, self.ends, zone).astimezone(ZoneInfo("UTC")),
        )


def of_assignment(assignment: Assignment) -> list[CourseSession]:
    return list(
        db.session.scalars(
            select(CourseSession).where(CourseSession.assignment_id == assignment.id).order_by(CourseSession.starts_at)
        )
    )


def session_of(assignment: Assignment, session_id: int) -> CourseSession | None:
    found = db.session.get(CourseSession, session_id)
    return found if found is not None and found.assignment_id == assignment.id else None


def upcoming(assignment_ids: list[int], now: datetime) -> list[CourseSession]:
    """Sessions not yet over, of these assignments, soonest first."""
    if not assignment_ids:
        return []
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(CourseSession.assignment_id.in_(assignment_ids), CourseSession.ends_at >= now)
            .order_by(CourseSession.starts_at)
            .limit(20)
        )
    )


def member_assignment_ids(user: User, course_slug: str | None = None) -> list[int]:
    """The assignments of the person's active cohorts (of one course, if given)."""
    query = (
        select(Assignment.id)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
    )
    if course_slug is not None:
        query = query.where(Assignment.course_slug == course_slug)
    return list(db.session.scalars(query))


def for_feed(user_id: int, now: datetime) -> list[tuple[CourseSession, str]]:
    """The sessions a person's calendar holds, with their course's slug: those of their active cohorts'
    assignments, from a year ago on."""
    rows = db.session.execute(
        select(CourseSession, Assignment.course_slug)
        .join(Assignment, Assignment.id == CourseSession.assignment_id)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user_id, CohortMember.active.is_(True))
        .where(CourseSession.ends_at >= now - timedelta(days=FEED_PAST_DAYS))
        .order_by(CourseSession.starts_at.desc())
        .limit(FEED_LIMIT)
    ).all()
    return [(row[0], row[1]) for row in rows]


def save_session(assignment: Assignment, details: SessionDetails, found: CourseSession | None = None) -> CourseSession:
    """Add a session to the assignment, or change one (its calendar entry's sequence goes up). Commits."""
    starts_at, ends_at = details.moments()
    session = found or CourseSession(assignment_id=assignment.id, sequence=0)
    if found is not None:
        session.sequence += 1
    session.title, session.starts_at, session.ends_at = details.title, starts_at, ends_at
    session.time_zone, session.place, session.link, session.module = (
        details.time_zone, details.place, details.link, details.module or None,
    )  # fmt: skip
    session.changed_at = utcnow()
    db.session.add(session)
    db.session.commit()
    return session


def delete_session(session: CourseSession) -> None:
    """Commits."""
    db.session.delete(session)
    db.session.commit()


# --- calendar feed tokens ------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(user: User) -> bool:
    return (
        db.session.scalar(
            select(CalendarToken.id)
            .where(CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))
            .limit(1)
        )
        is not None
    )


def new_feed_token(user: User) -> str:
    """A new secret feed address for the person; the one before stops working. Commits; the token is
    returned once, never stored."""
    revoke_feed(user, commit=False)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(user_id=user.id, token_hash=_hash(token)))
    db.session.commit()
    return token


def revoke_feed(user: User, commit: bool = True) -> None:
    """The person's feed address stops working. Commits unless told not to (part of new_feed_token)."""
    db.session.execute(
        update(CalendarToken)
        .where(CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if commit:
        db.session.commit()


def feed_owner(token: str) -> int | None:
    """The id of the person whose live feed address carries ``token``; None for any other."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(CalendarToken.user_id).where(
            CalendarToken.token_hash == _hash(token), CalendarToken.revoked_at.is_(None)
        )
    )
