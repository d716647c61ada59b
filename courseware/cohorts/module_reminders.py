"""Reminders about one module of a paced assignment, to the members behind on it.

Like the course's reminders (``services.remind``): through the outbox, never twice to a member about
the same module within ``MODULE_REMINDER_HOURS``, and with a link to choose a password for those who
never did."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from courseware.cohorts.dashboard import MemberRow
from courseware.cohorts.services import ReminderPlan, one_line, passwordless, queue_reminders
from courseware.extensions import db
from courseware.jobs import keys_since
from courseware.models import Assignment, ModuleDate, User
from courseware.models.base import utcnow


def interval() -> timedelta:
    return timedelta(hours=current_app.config.get("MODULE_REMINDER_HOURS", 24))


def key(assignment_id: int, module: str, user_id: int) -> str:
    return f"module-reminder:{assignment_id}:{module}:{user_id}"


def plan(assignment: Assignment, module: str, behind: list[MemberRow], now: datetime | None = None) -> ReminderPlan:
    """Who a reminder about the module would go to now (reads only: the leader confirms it first)."""
    now = now or utcnow()
    recent = keys_since(f"module-reminder:{assignment.id}:{module}:", now - interval())
    due = sorted((r for r in behind if key(assignment.id, module, r.user_id) not in recent), key=lambda r: r.user_id)
    return ReminderPlan(due, len(behind) - len(due), frozenset(passwordless([r.user_id for r in due])))


def remind(
    assignment: Assignment, course_title: str, module_title: str, dates: ModuleDate, behind: list[MemberRow],
    leader: User, now: datetime | None = None,
) -> int:  # fmt: skip
    """Queue a reminder about the module to each member behind on it not reminded about it lately.
    Commits; returns how many were queued."""
    now = now or utcnow()
    due = dates.due_on.strftime("%-d %B %Y")
    queued = queue_reminders(
        plan(assignment, dates.module, behind, now),
        assignment,
        subject=one_line(f"Reminder: “{module_title}” was due {due}"),
        news=f"{leader.name} is reminding you that the module “{module_title}” of the course "
        f"“{course_title}” was due on {due} for “{assignment.cohort.name}”.",
        key_of=lambda user_id: key(assignment.id, dates.module, user_id),
        now=now,
    )
    db.session.commit()
    return queued
