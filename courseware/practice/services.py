"""State changes for practice: logging an activity done in school, and deleting an entry of the log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courseware.courses import Course
from courseware.courses.practice import Practice
from courseware.extensions import db
from courseware.models import Enrolment, PracticeEntry, User
from courseware.models.base import utcnow
from courseware.practice.values import form_key, read_entry
from courseware.progress import Outcome, enrol, find_enrolment, settle


@dataclass
class Logged:
    """The result of logging one entry: nothing is stored when there are errors."""

    practice: Practice
    typed: dict[str, str]  # what was sent, shown again with the errors
    errors: dict[str, str] = field(default_factory=dict)
    entry: PracticeEntry | None = None
    duplicate: bool = False  # the same form was sent before (a double click): it was logged once
    logged_minutes: int = 0  # the learner's log for this block in this cycle, the entry included
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def over_cap(self) -> bool:
        return self.logged_minutes > self.practice.cap


class LogClosed(Exception):
    """The course is completed in this cycle: the log that counted toward it stays as it is."""


def practice_block(course: Course, practice_id: str) -> Practice:
    found = course.find_block("practice", practice_id)
    if found is None:
        raise LookupError(f"{course.slug} has no practice block {practice_id!r}")
    return found[1].practice


def log_practice(user: User, course: Course, practice_id: str, form, now: datetime | None = None) -> Logged:
    """Check one entry of the learner's practice log, store it in their current cycle and settle the
    course, in one transaction. Commits, or stores nothing and returns the errors."""
    now = now or utcnow()
    practice = practice_block(course, practice_id)
    enrolment = enrol(user, course)
    read = read_entry(form, practice, enrolment.enrolled_at.date(), now.date(), renewal=enrolment.cycle > 1)
    key = form_key(form.get("form_key")) or secrets.token_urlsafe(16)
    result = Logged(practice, {**read.typed, "form_key": key}, read.errors)
    if read.values is None:
        db.session.rollback()
        return result
    entry = PracticeEntry(
        user_id=user.id,
        course_slug=course.slug,
        cycle=enrolment.cycle,
        practice_id=practice.id,
        done_on=read.values.done_on,
        minutes=read.values.minutes,
        tried=read.values.tried,
        noticed=read.values.noticed,
        attested_at=now,
        form_key=key,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:  # this form was logged already (a double click, a second tab)
        db.session.rollback()
        result.entry = db.session.scalar(select(PracticeEntry).filter_by(user_id=user.id, form_key=key))
        if result.entry is None:
            raise
        result.duplicate = True
        result.logged_minutes = logged_minutes(user, course, practice.id, result.entry.cycle)
        return result
    enrolment.last_activity_at = now
    db.session.flush()
    result.entry = entry
    result.logged_minutes = logged_minutes(user, course, practice.id, enrolment.cycle)
    result.outcome = settle(user, course, enrolment, now)
    db.session.commit()
    return result


def logged_minutes(user: User, course: Course, practice_id: str, cycle: int) -> int:
    """Every minute the learner has logged for one practice block in one cycle, before the cap."""
    total = db.session.scalar(
        select(func.sum(PracticeEntry.minutes)).filter_by(
            user_id=user.id, course_slug=course.slug, practice_id=practice_id, cycle=cycle
        )
    )
    return int(total or 0)


def entries_for(user: User, course: Course, practice_ids: list[str], enrolment: Enrolment) -> list[PracticeEntry]:
    """The learner's own entries for these blocks in the enrolment's cycle, the latest first."""
    return list(
        db.session.scalars(
            select(PracticeEntry)
            .where(PracticeEntry.user_id == user.id, PracticeEntry.course_slug == course.slug)
            .where(PracticeEntry.cycle == enrolment.cycle, PracticeEntry.practice_id.in_(practice_ids))
            .order_by(PracticeEntry.done_on.desc(), PracticeEntry.id.desc())
        )
    )


def delete_entry(user: User, course: Course, practice_id: str, entry_id: int) -> PracticeEntry | None:
    """Remove one of the learner's own entries from their log. Commits.

    None when they have no such entry (another learner's entry is never found). Raises LogClosed
    once the course is completed in this cycle, or for an entry of an earlier cycle: the minutes
    that counted toward a completion stay on record.
    """
    entry = db.session.scalar(
        select(PracticeEntry).filter_by(id=entry_id, user_id=user.id, course_slug=course.slug, practice_id=practice_id)
    )
    if entry is None:
        return None
    enrolment = find_enrolment(user.id, course.slug)
    if enrolment is None or enrolment.cycle != entry.cycle or enrolment.completed_at is not None:
        raise LogClosed()
    db.session.delete(entry)
    db.session.commit()
    return entry
