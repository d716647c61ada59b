"""Forms kept across an expired session: the learner signs in again and finds their answers waiting."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import flash, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import delete, select
from wtforms import ValidationError

from courseware.extensions import db
from courseware.models import KeptSubmission
from courseware.models.base import utcnow

SESSION_KEY = "kept_submission"
KEEP_FOR = timedelta(days=2)


MAX_KEPT_CHARACTERS = 200_000  # a full worksheet; anything larger is not a learner's form


def keep(kind: str, target: str, payload: dict) -> bool:
    """Store a submission that cannot be recorded yet; the browser's session remembers its key."""
    if sum(len(k) + sum(len(v) for v in values) for k, values in payload.get("form", {}).items()) > MAX_KEPT_CHARACTERS:
        return False
    key = secrets.token_urlsafe(16)
    db.session.execute(delete(KeptSubmission).where(KeptSubmission.created_at < utcnow() - KEEP_FOR))
    db.session.add(KeptSubmission(key=key, kind=kind, target=target, payload=payload))
    db.session.commit()
    session[SESSION_KEY] = key
    return True


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


def csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


def keep_unless_signed_in(kind: str, block_id: str, page_url: str, what: str, resubmit: str):
    """For forms exempt from the global CSRF check: when the session has ended or the form has
    expired, keep what was sent and answer with a redirect; otherwise None, and the caller goes on.

    Nothing is recorded in anyone's name here, so a forged post can at most offer its text back.
    """
    if current_user.is_authenticated and csrf_ok():
        return None
    if not keep(kind, page_url, {kind: block_id, "form": form_payload(request.form)}):
        flash("Your session had ended, and what you sent was too large to keep. Sign in and try again.", "error")
        return redirect(url_for("accounts.sign_in", next=page_url))
    if not current_user.is_authenticated:
        flash(f"Your session had ended. Sign in again and your {what} will be waiting for you.", "warning")
        return redirect(url_for("accounts.sign_in", next=page_url))
    flash(
        f"This form had expired. Your {what} {'are' if what.endswith('s') else 'is'} kept below: {resubmit}", "warning"
    )
    return redirect(f"{page_url}#{kind}-{block_id}")
