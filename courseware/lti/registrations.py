"""Platform registrations: finding them, saving an admin's form, and each as a sign-in provider."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from courseware.cohorts.domains import policy_for
from courseware.extensions import db
from courseware.lti.protocol import Platform
from courseware.models import LtiRegistration, Organisation, SignInIdentity


def all_registrations() -> list[LtiRegistration]:
    return list(db.session.scalars(select(LtiRegistration).order_by(LtiRegistration.name, LtiRegistration.id)))


def find(registration_id: int) -> LtiRegistration | None:
    return db.session.get(LtiRegistration, registration_id)


def by_issuer(issuer: str, client_id: str | None) -> list[LtiRegistration]:
    """The registrations of an issuer (of one client id, when the platform names it)."""
    query = select(LtiRegistration).where(LtiRegistration.issuer == issuer)
    if client_id:
        query = query.where(LtiRegistration.client_id == client_id)
    return list(db.session.scalars(query.order_by(LtiRegistration.id)))


def platform_of(registration: LtiRegistration) -> Platform:
    return Platform(
        issuer=registration.issuer,
        client_id=registration.client_id,
        deployments=tuple(registration.deployments),
        key_set_url=registration.key_set_url,
        access_token_url=registration.access_token_url,
    )


@dataclass(frozen=True)
class Details:
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    key_set_url: str
    auth_login_url: str
    access_token_url: str
    organisation_id: int | None


class Duplicate(Exception):
    """Another registration has this issuer and client id."""


def save(registration: LtiRegistration | None, details: Details) -> LtiRegistration:
    """Create a registration (``registration`` None) or change one; Duplicate when another has the
    same issuer and client id. Commits."""
    if registration is None:
        registration = LtiRegistration()
        db.session.add(registration)
    registration.name = details.name
    registration.issuer = details.issuer
    registration.client_id = details.client_id
    registration.deployment_ids = "\n".join(details.deployment_ids)
    registration.key_set_url = details.key_set_url
    registration.auth_login_url = details.auth_login_url
    registration.access_token_url = details.access_token_url
    registration.organisation_id = details.organisation_id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Duplicate from None
    return registration


def delete(registration: LtiRegistration) -> None:
    """Remove a registration with its launches, tickets and the identities it linked (a platform
    registered later may be given the same id, and its people must not find these accounts); the
    accounts keep working with their passwords or other sign-ins. Commits."""
    db.session.execute(sql_delete(SignInIdentity).where(SignInIdentity.provider == registration.identity_provider))
    db.session.delete(registration)
    db.session.commit()


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


@dataclass(frozen=True)
class PlatformSignIn:
    """A registration as the single sign-on steps see it (courseware.sso.accounts.SignInProvider):
    it vouches for addresses in the domains of its organisation (a district's covers its schools')."""

    registration_id: int
    label: str
    organisation_id: int | None

    @property
    def key(self) -> str:
        return str(self.registration_id)

    @property
    def identity_provider(self) -> str:
        return f"lti:{self.registration_id}"

    def accepts(self, email: str) -> bool:
        return self.speaks_for(email)

    def speaks_for(self, email: str) -> bool:
        """Whether the address is in a domain of the registration's organisation, or of a school of it."""
        if self.organisation_id is None or not email:
            return False
        policy = policy_for(email)
        if policy is None:
            return False
        owner = policy.organisation
        return self.organisation_id in (owner.id, owner.parent_id)


def sign_in_of(registration: LtiRegistration) -> PlatformSignIn:
    return PlatformSignIn(registration.id, registration.name, registration.organisation_id)


def sign_in_by_key(key: str) -> PlatformSignIn | None:
    """For the link page: the provider of an identity named "lti:<registration id>"."""
    if not key.isdigit() or len(key) > 10:
        return None
    registration = find(int(key))
    return sign_in_of(registration) if registration is not None else None
