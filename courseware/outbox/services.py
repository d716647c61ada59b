"""The outbox: mail is stored with the request's other changes and sent later by ``flask outbox deliver``.

A message is marked sent only after the mail server (or, without MAIL_SERVER, instance/mail/)
has accepted it, and each result is committed as soon as it is known. If the process dies
between a successful send and that commit, the message is sent again once its lease expires:
delivery is at least once, never at most once.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

from flask import current_app
from sqlalchemy import func, insert, or_, select, update

from courseware.extensions import db
from courseware.mail import build_message, open_smtp, send_mail
from courseware.models.base import utcnow
from courseware.models.outbox import OutboxMessage

LEASE = timedelta(minutes=5)
# A deliverer stops starting new sends this long before its lease ends and hands the rest back.
LEASE_MARGIN = timedelta(minutes=1)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 12
ERROR_LENGTH = 2000


class MailServerUnavailable(Exception):
    """Connecting to MAIL_SERVER failed (refused, timed out, STARTTLS or login rejected)."""


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int
    remaining: int  # messages due and unsent after this batch (retries not yet due are not counted)


@dataclass(frozen=True)
class OutboxStatus:
    pending: int  # never attempted
    retrying: int  # failed at least once, another attempt scheduled
    given_up: int  # failed MAX_ATTEMPTS times; kept, not retried
    sent: int


def enqueue(to: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Add a message to the outbox. The caller commits, with the change that calls for the mail."""
    message = OutboxMessage(**_row(to, subject, body, kind, utcnow()))
    db.session.add(message)
    return message


def enqueue_many(messages: Iterable[tuple[str, str, str, str]]) -> int:
    """Add many ``(to, subject, body, kind)`` messages in one bulk insert; the caller commits.

    Returns how many were added. Every message is checked before any is inserted.
    """
    now = utcnow()
    rows = [_row(to, subject, body, kind, now) for to, subject, body, kind in messages]
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1 minute, doubling, at most 6 hours."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    if attempts > 20:  # 2**20 minutes is far past the cap
        return LONGEST_RETRY
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def claim(limit: int, now: datetime) -> list[int]:
    """Lease up to ``limit`` due, unsent messages to this deliverer until ``now + LEASE``; returns their ids.

    The UPDATE checks the lease again, so of two deliverers that pick the same message only one
    gets it: on PostgreSQL the second waits for the first's row lock and then sees the new lease;
    SQLite runs one writer at a time. Commits.
    """
    _require_aware(now)
    due = _due(now)
    candidates = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(*due, _lease_free(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )
    if not candidates:
        db.session.commit()
        return []
    lease = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), *due, _lease_free(now))
        .values(claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    if db.engine.dialect.update_returning:
        claimed = list(db.session.scalars(lease.returning(OutboxMessage.id)))
    else:
        claimed = [i for i in candidates if db.session.execute(lease.where(OutboxMessage.id == i)).rowcount == 1]
    db.session.commit()
    return sorted(claimed)


def deliver(limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Send up to ``limit`` due messages over one SMTP connection and record each result. Commits.

    ``now`` (for tests) fixes the clock used for leases, backoff and ``sent_at``.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    clock = (lambda: now) if now is not None else utcnow
    start = clock()
    ids = claim(limit, start)
    # populate_existing: the session keeps objects across commits, and the lease was set by a bulk UPDATE.
    query = (
        select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )
    messages = list(db.session.scalars(query.execution_options(populate_existing=True))) if ids else []
    deadline = monotonic() + (LEASE - LEASE_MARGIN).total_seconds()
    sent = failed = 0
    unfinished = set(ids)
    mailer = _Mailer()
    try:
        for message in messages:
            if monotonic() > deadline:
                break  # the lease is running out: hand the rest back rather than risk a second sender
            try:
                mailer.send(message.to_address, message.subject, message.body)
            except Exception as exc:
                _record_failure(message, exc, clock())
                failed += 1
            else:
                _record_success(message, clock())
                sent += 1
            db.session.commit()
            unfinished.discard(message.id)
    except BaseException:
        db.session.rollback()
        # Best effort: if the database is gone too, the leases simply run out.
        with contextlib.suppress(Exception):
            _release(unfinished)
        raise
    finally:
        mailer.close()
    _release(unfinished)
    remaining = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*_due(start))) or 0
    db.session.commit()
    return DeliveryReport(sent=sent, failed=failed, remaining=remaining)


def requeue_given_up(now: datetime | None = None) -> int:
    """Give every message that was given up a fresh set of attempts, due at once. Commits."""
    now = now if now is not None else utcnow()
    _require_aware(now)
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at.is_(None))
        .values(attempts=0, next_attempt_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def status() -> OutboxStatus:
    m = OutboxMessage
    unsent = m.sent_at.is_(None)
    row = db.session.execute(
        select(
            func.count(m.id).filter(unsent, m.next_attempt_at.is_not(None), m.attempts == 0),
            func.count(m.id).filter(unsent, m.next_attempt_at.is_not(None), m.attempts > 0),
            func.count(m.id).filter(unsent, m.next_attempt_at.is_(None)),
            func.count(m.id).filter(m.sent_at.is_not(None)),
        )
    ).one()
    return OutboxStatus(pending=row[0], retrying=row[1], given_up=row[2], sent=row[3])


def _row(to: str, subject: str, body: str, kind: str, now: datetime) -> dict:
    to = to.strip()
    if not to or len(to) > 254 or _has_line_break(to):
        raise ValueError(f"not a usable address: {to!r}")
    if len(subject) > 300 or _has_line_break(subject):
        raise ValueError("the subject must be one line of at most 300 characters")
    if not kind or len(kind) > 40:
        raise ValueError("kind must be 1 to 40 characters")
    return {
        "to_address": to,
        "subject": subject,
        "body": body,
        "kind": kind,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": now,
    }


def _has_line_break(text: str) -> bool:
    return "\n" in text or "\r" in text


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("naive datetime given; use courseware.models.base.utcnow()")


def _due(now: datetime) -> tuple:
    return OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now


def _lease_free(now: datetime):
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)


def _record_success(message: OutboxMessage, now: datetime) -> None:
    message.sent_at = now
    message.next_attempt_at = None
    message.claimed_until = None


def _record_failure(message: OutboxMessage, exc: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    message.claimed_until = None
    message.next_attempt_at = None if message.attempts >= MAX_ATTEMPTS else now + backoff(message.attempts)


def _release(ids: set[int]) -> None:
    """Hand back leased messages whose result was not recorded, for the next deliverer."""
    if not ids:
        return
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(sorted(ids)), OutboxMessage.sent_at.is_(None))
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


class _Mailer:
    """Sends one batch: over a single SMTP connection when MAIL_SERVER is set, else to instance/mail/.

    After a lost connection the next message opens a new one; once connecting fails, every
    later message of the batch fails with that error instead of waiting for the server again.
    """

    def __init__(self) -> None:
        self.use_smtp = bool(current_app.config["MAIL_SERVER"])
        self.smtp: smtplib.SMTP | None = None
        self.connect_error: str | None = None

    def send(self, to: str, subject: str, body: str) -> None:
        if not self.use_smtp:
            send_mail(to, subject, body)
            return
        message = build_message(to, subject, body)
        smtp = self._connection()
        try:
            smtp.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            if smtp.sock is None:  # the server closed the connection (421)
                self.smtp = None
            raise
        except OSError:
            self.close()
            raise

    def _connection(self) -> smtplib.SMTP:
        if self.connect_error is not None:
            raise MailServerUnavailable(self.connect_error)
        if self.smtp is None:
            try:
                self.smtp = open_smtp()
            except Exception as exc:
                self.connect_error = f"{type(exc).__name__}: {exc}"
                raise MailServerUnavailable(self.connect_error) from exc
        return self.smtp

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
