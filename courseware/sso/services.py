"""What single sign-on does with a person the provider vouches for (docs/sign-in.md):

1. An identity with the provider's subject signs its account in.
2. Otherwise the email must be verified by the provider, and accepted from that provider.
3. An active account with that email is offered to be linked (``link``); the person confirms,
   with the account's password when it has one.
4. Otherwise, when the organisation owning the email's domain creates accounts on first single
   sign-on, the account is created, its address confirmed, and it joins the cohort new staff join.
5. Otherwise the person is told their school has not set them up.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from courseware.cohorts.domains import policy_for
from courseware.cohorts.services import UNCHOSEN_HASH
from courseware.extensions import db
from courseware.models import CohortMember, Organisation, SamlAssertion, SignInIdentity, User
from courseware.models.base import utcnow
from courseware.sso.accounts import ProviderAccount, SignInProvider
from courseware.sso.queries import find_identity, has_identity, password_needed, user_by_email, user_to_link


class Outcome(enum.StrEnum):
    SIGNED_IN = "signed-in"
    CREATED = "created"
    LINK = "link"  # an account has the address: the person may link it
    UNVERIFIED = "unverified"
    DOMAIN_REFUSED = "domain-refused"
    CLOSED = "closed"
    ALREADY_LINKED = "already-linked"  # the account is linked to another account at this provider
    NOT_SET_UP = "not-set-up"
    RETRY = "retry"  # another request created the account at the same moment


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    user: User | None = None
    organisation: Organisation | None = None


def sign_in_with(provider: SignInProvider, account: ProviderAccount) -> Result:
    """Decide what the person's sign-in leads to (module docstring). Signing in an identity records
    when it was last used; creating an account creates its identity and membership. Commits."""
    identity = find_identity(account.provider, account.subject)
    if identity is not None:
        if not identity.user.is_active:
            return Result(Outcome.CLOSED)
        identity.last_used_at = utcnow()
        db.session.commit()
        return Result(Outcome.SIGNED_IN, identity.user)
    if not account.email_verified:
        return Result(Outcome.UNVERIFIED)
    if not provider.accepts(account.email):
        return Result(Outcome.DOMAIN_REFUSED)
    user = user_by_email(account.email)
    if user is not None:
        if not user.is_active:
            return Result(Outcome.CLOSED)
        if has_identity(user, account.provider):
            return Result(Outcome.ALREADY_LINKED, user)
        return Result(Outcome.LINK, user)
    policy = policy_for(account.email)
    if policy is None or not policy.create_accounts:
        return Result(Outcome.NOT_SET_UP, organisation=policy.organisation if policy else None)
    now = utcnow()
    user = User(name=account.name, email=account.email, password_hash=UNCHOSEN_HASH, email_verified_at=now)
    db.session.add(user)
    db.session.flush()
    db.session.add(_identity(user, account))
    if policy.new_staff_cohort is not None:
        db.session.add(CohortMember(cohort_id=policy.new_staff_cohort.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same person, or a roster, created the account at the same moment
        db.session.rollback()
        return Result(Outcome.RETRY)
    return Result(Outcome.CREATED, user, policy.organisation)


class Linked(enum.StrEnum):
    LINKED = "linked"
    WRONG_PASSWORD = "wrong-password"  # noqa: S105 (an outcome, not a password)
    GONE = "gone"  # the account was closed, or its address changed, meanwhile
    ALREADY_LINKED = "already-linked"


def link(user_id: int, account: ProviderAccount, password: str) -> tuple[Linked, User | None]:
    """Link the provider's account to the Courseware account with the same, verified, email: with
    the account's password when it has one (``password_needed``: an invited person who never chose
    one, or whose organisation turned passwords off, confirms without). The account's address counts
    as confirmed from then on. Commits."""
    user = user_to_link(user_id, account)
    if user is None:
        return Linked.GONE, None
    if password_needed(user) and not user.check_password(password):
        return Linked.WRONG_PASSWORD, user
    db.session.add(_identity(user, account))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # linked already, in another tab or to another account at this provider
        db.session.rollback()
        return Linked.ALREADY_LINKED, user
    return Linked.LINKED, user


def _identity(user: User, account: ProviderAccount) -> SignInIdentity:
    now = utcnow()
    return SignInIdentity(
        user_id=user.id,
        provider=account.provider,
        subject=account.subject,
        email=account.email,
        created_at=now,
        last_used_at=now,
    )


def spend_assertion(provider: str, assertion_id: str, expires_at: datetime) -> bool:
    """Record that a SAML assertion has been used to sign in, until it expires, and forget those
    expired; False when it was recorded already (a replayed answer). Commits."""
    db.session.execute(delete(SamlAssertion).where(SamlAssertion.expires_at < utcnow()))
    db.session.add(SamlAssertion(provider=provider, assertion_id=assertion_id, expires_at=expires_at))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
