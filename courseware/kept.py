"""Forms kept across an expired session: the learner signs in again and finds their answers waiting.

The forms that do this (quiz, worksheet, practice, case study, finish) are exempt from the global CSRF check,
so these rules make sure a forged post can do nothing (docs/security.md):

- text is kept only for a real person: the signed-in person whose form had expired, or, when the
  session has ended, the person named by the form's keep token (signed by the app when the form
  was shown); the kept form is handed back only to that person once signed in;
- nothing is kept for a post without a valid token, and nothing is written into a session: the
  answer is a plain redirect (a cross-site post arrives without cookies, and a cookie set in its
  answer would sign the person out);
- one kept form per person and form, at most MAX_KEPT_CHARACTERS, and at most KEPT_RATE_LIMIT
  kept forms per address.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import parse
from sqlalchemy import delete, select
from wtforms import ValidationError

from courseware.extensions import db, limiter
from courseware.models import KeptSubmission, User
from courseware.models.base import utcnow

KEEP_FOR = timedelta(days=2)
TOKEN_MAX_AGE = timedelta(days=2)  # a form left open longer than this is not kept when its session has ended
MAX_KEPT_CHARACTERS = 50_000  # a long worksheet; anything larger is not a learner's form
KEEP_FIELD = "keep_token"
SALT = "courseware.kept"


def init_app(app: Flask) -> None:
    app.config.setdefault("KEPT_RATE_LIMIT", "30 per hour")
    app.add_template_global(keep_token)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def keep_token() -> str:
    """The hidden field's value on a form shown to the signed-in person: who may get it back."""
    if not current_user.is_authenticated:
        return ""
    return _serializer().dumps(current_user.id)


def owner_of(token: str | None) -> User | None:
    """The active person a keep token names, if it is the app's and recent enough."""
    if not token:
        return None
    try:
        user_id = _serializer().loads(token, max_age=int(TOKEN_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def size_of(form: dict[str, list[str]]) -> int:
    return sum(len(k) + sum(len(v) for v in values) for k, values in form.items())


def within_rate_limit() -> bool:
    limit = parse(current_app.config["KEPT_RATE_LIMIT"])
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return limiter.limiter.hit(limit, "kept", request.remote_addr or "unknown")


def keep(user: User, kind: str, target: str, payload: dict) -> bool:
    """Store a submission that cannot be recorded yet, for ``user`` only, replacing an earlier one
    of the same form. False when it is too large or this address has kept too many. Commits."""
    if size_of(payload.get("form", {})) > MAX_KEPT_CHARACTERS or not within_rate_limit():
        return False
    db.session.execute(delete(KeptSubmission).where(KeptSubmission.created_at < utcnow() - KEEP_FOR))
    db.session.execute(
        delete(KeptSubmission).where(
            KeptSubmission.user_id == user.id, KeptSubmission.kind == kind, KeptSubmission.target == target
        )
    )
    db.session.add(KeptSubmission(user_id=user.id, kind=kind, target=target, payload=payload))
    db.session.commit()
    return True


def take(kind: str, target: str) -> dict | None:
    """The signed-in person's kept submission for this page, removed as it is handed back. Commits."""
    if not current_user.is_authenticated:
        return None
    row = db.session.scalar(
        select(KeptSubmission).where(
            KeptSubmission.user_id == current_user.id, KeptSubmission.kind == kind, KeptSubmission.target == target
        )
    )
    if row is None:
        return None
    db.session.delete(row)
    db.session.commit()
    return None if row.created_at < utcnow() - KEEP_FOR else row.payload


def form_payload(form) -> dict[str, list[str]]:
    return {key: form.getlist(key) for key in form if key not in ("csrf_token", KEEP_FIELD)}


def csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


def keep_unless_signed_in(kind: str, block_id: str, page_url: str, what: str, resubmit: str):
    """For forms exempt from the global CSRF check: when the session has ended or the form has
    expired, keep what was sent for its author and answer with a redirect; otherwise None, and
    the caller goes on.

    Nothing is recorded in anyone's name here, and nothing is kept for a post that does not carry
    a keep token of the person it is kept for.
    """
    if current_user.is_authenticated and csrf_ok():
        return None
    payload = {kind: block_id, "form": form_payload(request.form)}
    if not current_user.is_authenticated:
        owner = owner_of(request.form.get(KEEP_FIELD))
        # No flash: that would write a session, and this request may have arrived without one.
        if owner is None:
            return redirect(url_for("accounts.sign_in", next=page_url))
        kept = keep(owner, kind, page_url, payload)
        return redirect(url_for("accounts.sign_in", next=page_url, kept=what if kept else "none"))
    # Signed in: the session cookie came with the post, so it is the person's own (SameSite=Lax).
    if not keep(current_user._get_current_object(), kind, page_url, payload):
        flash("This form had expired, and what you sent could not be kept. Reload the page and try again.", "error")
        return redirect(f"{page_url}#{kind}-{block_id}")
    flash(
        f"This form had expired. Your {what} {'are' if what.endswith('s') else 'is'} kept below: {resubmit}", "warning"
    )
    return redirect(f"{page_url}#{kind}-{block_id}")
