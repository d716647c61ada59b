"""Email as jobs: ``enqueue_email`` queues a message; the "email.send" handler sends it with courseware.mail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from courseware.extensions import db
from courseware.jobs.core import GiveUp, current_job_id, enqueue, enqueue_many, enqueue_unless_held, handler
from courseware.mail import send_mail
from courseware.models.base import utcnow
from courseware.models.job import DeliveryState, EmailDelivery, Job

EMAIL_SEND = "email.send"
# 12 runs over about 20 hours: 1, 2, 4, ... minutes between them, at most 6 hours.
EMAIL_MAX_ATTEMPTS = 12


UNCERTAIN = (
    "not sent again: an earlier run stopped while the mail server was being given this message, so it may "
    "already have been delivered. Check the mail server's log; retry the job to send it anyway."
)


@handler(EMAIL_SEND, max_attempts=EMAIL_MAX_ATTEMPTS, timeout=timedelta(minutes=5))
def send_email(payload: dict[str, Any]) -> None:
    """Send one message, at most once once the mail server has accepted it: over SMTP with MAIL_SERVER,
    else to the console and instance/mail/.

    The message's state is committed on a connection of its own, apart from the job's transaction:
    "sending" before the server is given it, "sent" as soon as it accepts it. A later run of the job
    (its worker died before marking it done) that finds "sent" sends nothing; one that finds "sending"
    cannot know whether the server accepted it, so it marks it "uncertain" and gives up: the job is dead
    at once, for an admin to check, and retrying it then sends the message. An error from the server
    or the connection means the message was not accepted: the state is cleared and the job retried.
    """
    job_id = current_job_id()
    attempt = db.session.scalar(select(Job.attempts).where(Job.id == job_id)) or 0
    state = _state(job_id)
    if state == DeliveryState.SENT:
        return
    if state == DeliveryState.SENDING:
        _record(job_id, DeliveryState.UNCERTAIN, attempt)
        raise GiveUp(UNCERTAIN)
    _record(job_id, DeliveryState.SENDING, attempt)
    try:
        send_mail(payload["to"], payload["subject"], payload["body"])
    except Exception:
        _record(job_id, None, attempt)
        raise
    _record(job_id, DeliveryState.SENT, attempt)


def _state(job_id: int) -> str | None:
    with db.engine.connect() as connection:
        return connection.scalar(select(EmailDelivery.state).where(EmailDelivery.job_id == job_id))


def _record(job_id: int, state: str | None, attempt: int) -> None:
    """Commit the message's state at once, on a connection of its own; None forgets it."""
    with db.engine.begin() as connection:
        where = EmailDelivery.job_id == job_id
        if state is None:
            connection.execute(delete(EmailDelivery).where(where))
            return
        values = {"state": state, "attempt": attempt, "changed_at": utcnow()}
        if not connection.execute(update(EmailDelivery).where(where).values(**values)).rowcount:
            connection.execute(insert(EmailDelivery).values(job_id=job_id, **values))


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


def enqueue_email_unless_held(to: str, subject: str, body: str, kind: str, *, key: str) -> bool:
    """Queue one email unless a queued or running email job holds ``key``: whether it was queued.
    The caller commits."""
    return enqueue_unless_held(EMAIL_SEND, email_payload(to, subject, body, kind), key=key) is not None


def enqueue_emails(messages: Iterable[tuple[str, str, str, str]]) -> int:
    """Queue many ``(to, subject, body, kind)`` messages in one bulk insert; the caller commits.

    Every message is checked before any is queued. Returns how many were queued.
    """
    return enqueue_many(EMAIL_SEND, [email_payload(*message) for message in messages])


def _has_line_break(text: str) -> bool:
    return "\n" in text or "\r" in text
