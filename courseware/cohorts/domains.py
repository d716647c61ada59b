"""The email domains organisations own, and how their staff sign in (docs/sign-in.md).

An organisation (a district or a school) may own email domains. For an address in one of them:
single sign-on may create the person's account on first use, optionally adding them to the
cohort new staff join; and passwords may be turned off, so that the person signs in only with
single sign-on. The rules depend on the address's domain alone, never on whether it has an
account, so applying them says nothing about who has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Cohort, Organisation, OrganisationDomain, OrganisationSignIn

MAX_DOMAINS = 20
DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


@dataclass(frozen=True)
class DomainPolicy:
    """What an address's domain calls for: the organisation that owns it and its settings."""

    organisation: Organisation
    create_accounts: bool
    passwords_off: bool
    new_staff_cohort: Cohort | None


@dataclass(frozen=True)
class SignInSettings:
    """An organisation's settings, as the admin page shows them."""

    domains: list[str]
    create_accounts: bool
    passwords_off: bool
    new_staff_cohort_id: int | None


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def parse_domains(text: str) -> tuple[list[str], str | None]:
    """The domains listed in ``text`` (separated by commas, spaces or lines; "@" in front allowed),
    each once, and a sentence saying what is wrong with the list, or None."""
    found: list[str] = []
    for raw in re.split(r"[\s,;]+", text.strip().lower()):
        domain = raw.removeprefix("@")
        if not domain:
            continue
        if not DOMAIN.fullmatch(domain):
            return [], f"“{raw[:100]}” is not an email domain: write domains such as district.org."
        if domain not in found:
            found.append(domain)
    if len(found) > MAX_DOMAINS:
        return [], f"List at most {MAX_DOMAINS} domains."
    return found, None


def policy_for(email: str) -> DomainPolicy | None:
    """The rules for this address's domain, or None when no organisation owns it."""
    row = db.session.execute(
        select(Organisation, OrganisationSignIn)
        .join(OrganisationDomain, OrganisationDomain.organisation_id == Organisation.id)
        .outerjoin(OrganisationSignIn, OrganisationSignIn.organisation_id == Organisation.id)
        .where(OrganisationDomain.domain == domain_of(email))
    ).first()
    if row is None:
        return None
    organisation, settings = row
    if settings is None:
        return DomainPolicy(organisation, False, False, None)
    cohort = db.session.get(Cohort, settings.new_staff_cohort_id) if settings.new_staff_cohort_id else None
    return DomainPolicy(organisation, settings.create_accounts, settings.passwords_off, cohort)


def passwords_off(email: str) -> bool:
    """True when the organisation owning the address's domain has turned passwords off."""
    policy = policy_for(email)
    return policy is not None and policy.passwords_off


def owner_of(domain: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation)
        .join(OrganisationDomain, OrganisationDomain.organisation_id == Organisation.id)
        .where(OrganisationDomain.domain == domain)
    )


def new_staff_cohorts(organisation: Organisation) -> list[Cohort]:
    """The cohorts an organisation's new staff may join: its own, and its schools'."""
    ids = [organisation.id, *(school.id for school in organisation.schools)]
    return list(db.session.scalars(select(Cohort).where(Cohort.organisation_id.in_(ids)).order_by(Cohort.name)))


def all_settings() -> dict[int, SignInSettings]:
    """Every organisation's settings, by organisation id (two queries, whatever their number)."""
    domains: dict[int, list[str]] = {}
    for organisation_id, domain in db.session.execute(
        select(OrganisationDomain.organisation_id, OrganisationDomain.domain).order_by(OrganisationDomain.domain)
    ):
        domains.setdefault(organisation_id, []).append(domain)
    rows = {row.organisation_id: row for row in db.session.scalars(select(OrganisationSignIn))}
    result = {}
    for organisation_id in set(domains) | set(rows):
        row = rows.get(organisation_id)
        result[organisation_id] = SignInSettings(
            domains.get(organisation_id, []),
            bool(row and row.create_accounts),
            bool(row and row.passwords_off),
            row.new_staff_cohort_id if row else None,
        )
    return result
