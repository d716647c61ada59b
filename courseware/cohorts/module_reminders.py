"""Reminders about one module of a paced assignment, to the members behind on it.

Like the course's reminders (``services.remind``): through the outbox, never twice to a member about
the same module within ``MODULE_REMINDER_HOURS``, and with a link to choose a password for those who
never did."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert

from courseware.cohorts.dashboard import MemberRow
from courseware.cohorts.services import INVITATION_DAYS, ReminderPlan, one_line, passwordless
from courseware.extensions import db
from courseware.jobs import enqueue_email_unless_held, keys_since
from courseware.models import Assignment, ModuleDate, PasswordReset, User
from courseware.models.base import utcnow
from courseware.urls import external_url


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
    found = plan(assignment, dates.module, behind, now)
    link = external_url("learning.course_home", slug=assignment.course_slug)
    due = dates.due_on.strftime("%-d %B %Y")
    subject = one_line(f"Reminder: “{module_title}” was due {due}")
    resets = []
    queued = 0
    for row in found.rows:
        token = secrets.token_urlsafe(32) if row.user_id in found.without_password else None
        if token:
            action = (
                "You have not chosen a password yet. To choose one and sign in, open:\n\n"
                f"{external_url('accounts.reset_password', token=token)}\n\n"
                f"The link works once and expires in {INVITATION_DAYS} days. Your email address is your sign-in name.\n"
            )
        else:
            action = f"Pick up where you left off:\n\n{link}\n"
        body = (
            f"Hello {row.name},\n\n{leader.name} is reminding you that the module “{module_title}” of the course "
            f"“{course_title}” was due on {due} for “{assignment.cohort.name}”.\n\n{action}"
        )
        if enqueue_email_unless_held(
            row.email, subject, body, "reminder", key=key(assignment.id, dates.module, row.user_id)
        ):
            queued += 1
            if token:
                resets.append({
                    "user_id": row.user_id, "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                    "created_at": now, "expires_at": now + timedelta(days=INVITATION_DAYS),
                })  # fmt: skip
    if resets:
        db.session.execute(insert(PasswordReset), resets)
    db.session.commit()
    return queued
