"""Email as jobs: ``enqueue_email`` queues a message; the "email.send" handler sends it with courseware.mail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from courseware.jobs.core import enqueue, enqueue_many, handler
from courseware.mail import send_mail
from courseware.models.job import Job

EMAIL_SEND = "email.send"
# 12 runs over about 20 hours: 1, 2, 4, ... minutes between them, at most 6 hours.
EMAIL_MAX_ATTEMPTS = 12


@handler(EMAIL_SEND, max_attempts=EMAIL_MAX_ATTEMPTS, timeout=timedelta(minutes=5))
def send_email(payload: dict[str, Any]) -> None:
    """Send one message: over SMTP with MAIL_SERVER, else to the console and instance/mail/."""
    send_mail(payload["to"], payload["subject"], payload["body"])


def email_payload(to: str, subject: str, body: str, kind: str) -> dict[str, str]:
    """The payload of an "email.send" job; refuses what could not be sent (ValueError).

    ``kind`` says what the mail is for (``reminder``, ``invitation``, ``password-reset``, ...).
    """
    to = to.strip()
    if not to or len(to) > 254 or _has_line_break(to):
        raise ValueError(f"not a usable address: {to!r}")
    if len(subject) > 300 or _has_line_break(subject):
        raise ValueError("the subject must be one line of at most 300 characters")
    if not kind or len(kind) > 40:
        raise ValueError("kind must be 1 to 40 characters")
    return {"to": to, "subject": subject, "body": body, "kind": kind}


def enqueue_email(
    to: str, subject: str, body: str, kind: str, *, run_at: datetime | None = None, key: str | None = None
) -> Job:
    """Queue one email; the caller commits, with the change that calls for the mail."""
    return enqueue(EMAIL_SEND, email_payload(to, subject, body, kind), run_at=run_at, key=key)


def enqueue_emails(messages: Iterable[tuple[str, str, str, str]]) -> int:
    """Queue many ``(to, subject, body, kind)`` messages in one bulk insert; the caller commits.

    Every message is checked before any is queued. Returns how many were queued.
    """
    return enqueue_many(EMAIL_SEND, [email_payload(*message) for message in messages])


def _has_line_break(text: str) -> bool:
    return "\n" in text or "\r" in text
