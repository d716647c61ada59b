"""Creating an account: the address is confirmed before the account exists.

A sign-up never says whether an address already has an account. Whatever was typed, the answer
is "check your email", the password is hashed once, and the message that goes out depends on the
address: a link that creates the account; a note that the address already has one, with the way
to sign in or reset the password; or, for someone a leader invited who never chose a password, a
link to choose it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from courseware.accounts.services import (
    EmailTaken,
    find_user_by_email,
    hash_token,
    hours,
    new_reset_link,
    normalise_email,
    spend_link,
)
from courseware.extensions import db
from courseware.jobs import enqueue_email
from courseware.models import SignUpRequest, User
from courseware.models.base import utcnow
from courseware.urls import external_url


def request_sign_up(name: str, email: str, password: str, next_url: str | None) -> None:
    """Mail the address what a sign-up with it calls for (module docstring); say nothing. Commits."""
    email = normalise_email(email)
    name = name.strip()
    # Hashed whatever the address, so that the answer takes as long for every address.
    password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    user = find_user_by_email(email)
    if user is None:
        _mail_confirmation(name, email, password_hash, next_url)
    elif user.is_active and user.has_password:
        _mail_account_exists(user)
    elif user.is_active:
        _mail_choose_password(user)
    # A closed account gets no mail: its owner cannot use any link.
    db.session.commit()


def _mail_confirmation(name: str, email: str, password_hash: str, next_url: str | None) -> None:
    token = secrets.token_urlsafe(32)
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    db.session.add(
        SignUpRequest(
            email=email,
            name=name,
            password_hash=password_hash,
            next_url=(next_url or None) and next_url[:500],
            token_hash=hash_token(token),
            expires_at=utcnow() + timedelta(seconds=max_age),
        )
    )
    link = external_url("accounts.confirm_sign_up", token=token)
    enqueue_email(
        email,
        "Confirm your email to create your Courseware account",
        f"Hello {name},\n\nTo finish creating your Courseware account, open this link and confirm:\n\n{link}\n\n"
        f"The link works once and expires in {hours(max_age)}. If you did not sign up, ignore this email: "
        "no account is created.\n",
        "sign-up",
    )


def _mail_account_exists(user: User) -> None:
    enqueue_email(
        user.email,
        "You already have a Courseware account",
        f"Hello {user.name},\n\nSomeone, perhaps you, tried to create a Courseware account with this email address. "
        f"You already have one, so nothing has changed.\n\nTo sign in, open:\n\n{external_url('accounts.sign_in')}\n\n"
        f"If you have forgotten your password, ask for a new one at:\n\n{external_url('accounts.forgot_password')}\n\n"
        "If you did not try to sign up, ignore this email: your account is as it was.\n",
        "sign-up-existing",
    )


def _mail_choose_password(user: User) -> None:
    link, minutes = new_reset_link(user)
    enqueue_email(
        user.email,
        "Choose your Courseware password",
        f"Hello {user.name},\n\nYou were added to Courseware by your school or district, so your account is "
        f"already there. To choose your password and sign in, open:\n\n{link}\n\n"
        f"The link works once and expires in {minutes} minutes.\n",
        "sign-up-invited",
    )


def valid_sign_up(token: str) -> SignUpRequest | None:
    request = db.session.scalar(select(SignUpRequest).where(SignUpRequest.token_hash == hash_token(token)))
    if request is None or request.used_at is not None or request.expires_at <= utcnow():
        return None
    return request


def confirm_sign_up(token: str) -> User | None:
    """Use a confirmation link once: create the account, its address confirmed, and spend every
    other open sign-up of that address. None when the link is spent or expired; raises EmailTaken
    when the address gained an account meanwhile (a leader's roster, another link). Commits."""
    request = valid_sign_up(token)
    if request is None:
        return None
    now = utcnow()
    if not spend_link(SignUpRequest, request.id, now):
        return None
    db.session.execute(
        update(SignUpRequest)
        .where(SignUpRequest.email == request.email, SignUpRequest.used_at.is_(None))
        .values(used_at=now)
    )
    user = User(name=request.name, email=request.email, password_hash=request.password_hash, email_verified_at=now)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(request.email) from None
    return user
