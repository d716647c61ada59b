"""State changes for accounts, used by routes and commands alike."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from courseware import jobs
from courseware.certificates import jobs as certificate_jobs
from courseware.certificates import services as certificates
from courseware.database import affected
from courseware.extensions import db
from courseware.jobs import enqueue_email
from courseware.models import EmailChange, PasswordReset, Role, SignUpRequest, User
from courseware.models.base import utcnow
from courseware.urls import external_url


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


class EmailTaken(Exception):
    """Another account already uses this email address."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(name: str, email: str, password: str, role: str = Role.LEARNER, verified: bool = False) -> User:
    """Create an account directly (commands and the demo; people sign up through ``sign_up``).
    ``verified``: the address is known to be the person's. Commits; raises EmailTaken."""
    user = User(
        name=name.strip(), email=normalise_email(email), role=role, email_verified_at=utcnow() if verified else None
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(email) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    usable = user is not None and user.has_password
    # Every sign-in runs one full password check, against a stand-in hash when there is no account or
    # the account has no password yet (an invitation not used): the answer takes as long either way.
    stored = (
        user.password_hash if user is not None and usable else _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    )
    matches = check_password_hash(stored, password)
    if user is None or not usable or not matches or not user.is_active:
        return None
    return user


def sign_out_everywhere(user: User) -> None:
    user.end_all_sessions()
    db.session.commit()


def update_profile(user: User, name: str) -> int:
    """Save the learner's name (a new email address goes through ``email_change``). When
    certificates show another name, their replacements are queued in the same transaction (a job
    renders them). Commits.

    Returns how many certificates will be replaced.
    """
    stale = certificates.showing_another_name(user, name.strip())
    user.name = name.strip()
    if stale:
        jobs.enqueue(certificate_jobs.REISSUE, {"user_id": user.id})
    db.session.commit()
    return stale


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every session; the caller signs the current one in again."""
    user.set_password(new_password)
    user.end_all_sessions()
    db.session.commit()


def spend_link(model: type[PasswordReset | SignUpRequest | EmailChange], link_id: int, now) -> bool:
    """Mark one mailed link used, if nobody used it first (one conditional UPDATE: of two requests at
    once, exactly one gets True). On False the transaction is rolled back. Part of the caller's
    transaction."""
    if (
        affected(
            db.session.execute(update(model).where(model.id == link_id, model.used_at.is_(None)).values(used_at=now))
        )
        == 1
    ):
        return True
    db.session.rollback()
    return False


def hours(seconds: int) -> str:
    """How long a link lasts, in whole hours, for an email."""
    count = max(1, round(seconds / 3600))
    return "1 hour" if count == 1 else f"{count} hours"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_reset_link(user: User) -> tuple[str, int]:
    """Store a one-time link that sets the user's password: (its address, minutes it lasts).
    Part of the caller's transaction."""
    token = secrets.token_urlsafe(32)
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    db.session.add(
        PasswordReset(user=user, token_hash=hash_token(token), expires_at=utcnow() + timedelta(seconds=max_age))
    )
    return external_url("accounts.reset_password", token=token), max_age // 60


def request_password_reset(email: str) -> None:
    """Email a one-time reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link, minutes = new_reset_link(user)
    # Sent by the job worker: the request never waits for the mail server, and the mail is
    # queued if, and only if, the reset link is stored.
    enqueue_email(
        user.email,
        "Reset your Courseware password",
        f"Hello {user.name},\n\n"
        f"Someone asked to reset the password of your Courseware account. To choose a new password, open:\n\n{link}\n\n"
        f"The link works once and expires in {minutes} minutes. If you did not ask for it, ignore this email: "
        "your password stays as it is.\n",
        "password-reset",
    )
    db.session.commit()


def valid_reset(token: str) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.is_active:
        return None
    return reset


def reset_password(token: str, new_password: str) -> User | None:
    """Use a reset link once: set the password, end all sessions, spend every open link of the user."""
    reset = valid_reset(token)
    if reset is None:
        return None
    now = utcnow()
    if not spend_link(PasswordReset, reset.id, now):
        return None
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    user = reset.user
    user.set_password(new_password)
    user.end_all_sessions()
    if user.email_verified_at is None:  # the link was mailed to the address: it is the person's
        user.email_verified_at = now
    db.session.commit()
    return user


def set_role(user: User, role: str) -> None:
    user.role = role
    db.session.commit()
