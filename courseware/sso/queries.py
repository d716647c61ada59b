"""Look-ups for single sign-on: identities, and the account an email or a pending link names."""

from __future__ import annotations

from sqlalchemy import select

from courseware.cohorts.domains import passwords_off
from courseware.extensions import db
from courseware.models import SignInIdentity, User
from courseware.sso.accounts import ProviderAccount


def find_identity(provider: str, subject: str) -> SignInIdentity | None:
    return db.session.scalar(
        select(SignInIdentity).where(SignInIdentity.provider == provider, SignInIdentity.subject == subject)
    )


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def has_identity(user: User, provider: str) -> bool:
    found = db.session.scalar(
        select(SignInIdentity.id).where(SignInIdentity.user_id == user.id, SignInIdentity.provider == provider)
    )
    return found is not None


def user_to_link(user_id: object, account: ProviderAccount) -> User | None:
    """The active account with the provider's verified email that a pending link names, or None."""
    if not isinstance(user_id, int) or not account.email_verified:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.email != account.email:
        return None
    return user


def password_needed(user: User) -> bool:
    """Linking asks for the account's password when it has one, except where the organisation owning
    the address's domain has turned passwords off: its single sign-on is then the proof it trusts."""
    return user.has_password and not passwords_off(user.email)
