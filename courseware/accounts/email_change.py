"""Changing an account's email address: the new address is confirmed before it is used.

Until the link mailed to the new address is used, the account keeps its old address (to sign in,
for reminders and invitations). The answer to the request is the same whether or not another
account uses the new address; that address is told which it is. When the change is made, the old
address is told, so that a person whose account was taken over hears of it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from courseware.accounts.services import (
    EmailTaken,
    find_user_by_email,
    hash_token,
    hours,
    normalise_email,
    spend_link,
)
from courseware.extensions import db
from courseware.jobs import enqueue_email
from courseware.models import EmailChange, User
from courseware.models.base import utcnow
from courseware.urls import external_url


def request_email_change(user: User, new_email: str) -> None:
    """Mail the new address a link that makes the change (or, when another account has it, a note
    that nothing changed). Commits."""
    new_email = normalise_email(new_email)
    if find_user_by_email(new_email) is not None:
        enqueue_email(
            new_email,
            "This address already has a Courseware account",
            f"Hello,\n\n{user.name} asked to use this email address for their Courseware account, but another "
            "account already uses it, so nothing has changed. If that account is yours, sign in with it at:\n\n"
            f"{external_url('accounts.sign_in')}\n",
            "email-change-existing",
        )
        db.session.commit()
        return
    token = secrets.token_urlsafe(32)
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    db.session.add(
        EmailChange(
            user=user,
            new_email=new_email,
            token_hash=hash_token(token),
            expires_at=utcnow() + timedelta(seconds=max_age),
        )
    )
    link = external_url("accounts.confirm_email_change", token=token)
    enqueue_email(
        new_email,
        "Confirm your new email address for Courseware",
        f"Hello {user.name},\n\nTo sign in to Courseware with this address from now on, open this link and "
        f"confirm:\n\n{link}\n\nThe link works once and expires in {hours(max_age)}. Until then, your account "
        f"keeps its current address, {user.email}. If you did not ask for this, ignore this email.\n",
        "email-change",
    )
    db.session.commit()


def pending_change(user: User) -> EmailChange | None:
    """The newest change of address still waiting for its link, if any."""
    return db.session.scalar(
        select(EmailChange)
        .where(EmailChange.user_id == user.id, EmailChange.used_at.is_(None), EmailChange.expires_at > utcnow())
        .order_by(EmailChange.id.desc())
        .limit(1)
    )


def valid_change(token: str) -> EmailChange | None:
    change = db.session.scalar(select(EmailChange).where(EmailChange.token_hash == hash_token(token)))
    if change is None or change.used_at is not None or change.expires_at <= utcnow() or not change.user.is_active:
        return None
    return change


def confirm_email_change(token: str) -> User | None:
    """Use a change's link once: the account takes the new address, confirmed; the old address is
    told. None when the link is spent or expired; raises EmailTaken when another account took the
    address meanwhile. Commits."""
    change = valid_change(token)
    if change is None:
        return None
    now = utcnow()
    if not spend_link(EmailChange, change.id, now):
        return None
    user = change.user
    old_email = user.email
    user.email, user.email_verified_at = change.new_email, now  # ends every other open link of the user
    enqueue_email(
        old_email,
        "Your Courseware email address was changed",
        f"Hello {user.name},\n\nYour Courseware account now signs in with {change.new_email} instead of this "
        "address. If you made this change, there is nothing to do.\n\nIf you did not, someone else may have "
        "your password: ask your school's Courseware administrator to restore your address, and choose a new "
        "password.\n",
        "email-changed",
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(change.new_email) from None
    return user
