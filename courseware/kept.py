"""Forms kept across an expired session: the learner signs in again and finds their answers waiting."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import session
from sqlalchemy import delete, select

from courseware.extensions import db
from courseware.models import KeptSubmission
from courseware.models.base import utcnow

SESSION_KEY = "kept_submission"
KEEP_FOR = timedelta(days=2)


def keep(kind: str, target: str, payload: dict) -> None:
    """Store a submission that cannot be recorded yet; the browser's session remembers its key."""
    key = secrets.token_urlsafe(16)
    db.session.execute(delete(KeptSubmission).where(KeptSubmission.created_at < utcnow() - KEEP_FOR))
    db.session.add(KeptSubmission(key=key, kind=kind, target=target, payload=payload))
    db.session.commit()
    session[SESSION_KEY] = key


def take(kind: str, target: str) -> dict | None:
    """The kept submission for this page, removed as it is handed back."""
    key = session.get(SESSION_KEY)
    if not key:
        return None
    row = db.session.scalar(select(KeptSubmission).where(KeptSubmission.key == key))
    if row is None or row.created_at < utcnow() - KEEP_FOR:
        session.pop(SESSION_KEY, None)
        return None
    if row.kind != kind or row.target != target:
        return None
    session.pop(SESSION_KEY, None)
    db.session.delete(row)
    db.session.commit()
    return row.payload


def form_payload(form) -> dict[str, list[str]]:
    return {key: form.getlist(key) for key in form if key != "csrf_token"}
