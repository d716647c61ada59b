"""Short-lived, single-use secrets of the LTI flows (``LtiTicket``): made by one request, spent by
a later one, kept by their SHA-256 so that the database never holds a usable secret."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from courseware.extensions import db
from courseware.models import LtiTicket
from courseware.models.base import utcnow

LOGIN = "login"  # a login's state, with its nonce: from the login initiation to the launch
HAND_OVER = "hand-over"  # from the launch in the platform's frame to the first-party window
DEEP_LINK = "deep-link"  # a deep linking request, until the instructor has chosen

LIFETIMES = {
    LOGIN: timedelta(minutes=10),
    HAND_OVER: timedelta(minutes=5),
    DEEP_LINK: timedelta(minutes=60),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(kind: str, registration_id: int, payload: dict[str, Any]) -> str:
    """Add a ticket to the session (the caller commits) and return its secret; expired tickets of
    every kind are removed on the way."""
    now = utcnow()
    db.session.execute(delete(LtiTicket).where(LtiTicket.expires_at < now))
    token = secrets.token_urlsafe(32)
    db.session.add(
        LtiTicket(
            token_hash=_hash(token),
            kind=kind,
            registration_id=registration_id,
            payload=payload,
            expires_at=now + LIFETIMES[kind],
        )
    )
    return token


def peek(kind: str, token: object) -> LtiTicket | None:
    """The unexpired ticket of this kind and secret, left in place."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    ticket = db.session.scalar(select(LtiTicket).where(LtiTicket.token_hash == _hash(token), LtiTicket.kind == kind))
    if ticket is None or ticket.expires_at < utcnow():
        return None
    return ticket


@dataclass(frozen=True)
class Spent:
    registration_id: int
    payload: dict[str, Any]


def spend(kind: str, token: object) -> Spent | None:
    """What the unexpired ticket of this kind and secret held; the ticket is deleted so that nothing
    can use it again (of two requests spending it at once, one only gets it). Does not commit."""
    ticket = peek(kind, token)
    if ticket is None:
        return None
    spent = Spent(ticket.registration_id, dict(ticket.payload))
    deleted = db.session.execute(delete(LtiTicket).where(LtiTicket.id == ticket.id))
    db.session.expunge(ticket)
    if getattr(deleted, "rowcount", 0) != 1:
        return None
    return spent
