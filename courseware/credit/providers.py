"""Who awards a course's credit, and whether their details are complete for a credit profile.

A course names a provider set up by an admin (``provider: <key>``) or writes the details in its
course.yml (a standalone install). Either way the same :class:`ProviderDetails` come out, and
:func:`missing` says what a profile still needs before a certificate can print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from courseware.courses import Course
from courseware.courses.checks import register_credit_check
from courseware.courses.course_yml import placeholder
from courseware.courses.problems import Problem
from courseware.credit.profiles import Profile, all_profiles
from courseware.extensions import db
from courseware.models import CreditProvider


@dataclass(frozen=True)
class ProviderDetails:
    name: str
    contact: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    numbers: dict[str, str] = field(default_factory=dict, hash=False)
    fallback_number: str = ""  # course.yml's approval_number, for profiles without a number of their own
    key: str = ""  # "" for details written in course.yml
    signature_asset_id: int | None = None
    logo_asset_id: int | None = None

    def number(self, profile_key: str) -> str:
        return self.numbers.get(profile_key) or self.fallback_number


def details_of(provider: CreditProvider) -> ProviderDetails:
    numbers = provider.numbers if isinstance(provider.numbers, dict) else {}
    return ProviderDetails(
        name=provider.name,
        contact=provider.contact,
        signatory_name=provider.signatory_name,
        signatory_title=provider.signatory_title,
        numbers={str(k): str(v) for k, v in numbers.items() if v},
        key=provider.key,
        signature_asset_id=provider.signature_asset_id,
        logo_asset_id=provider.logo_asset_id,
    )


def find_provider(key: str) -> CreditProvider | None:
    return db.session.scalar(select(CreditProvider).where(CreditProvider.key == key)) if key else None


def provider_for(course: Course) -> ProviderDetails | None:
    """The provider of the course's credit; None when course.yml names a key no admin has set up."""
    written = course.provider
    if written.key:
        found = find_provider(written.key)
        return details_of(found) if found is not None else None
    return ProviderDetails(
        name=written.name,
        contact=written.contact,
        signatory_name=written.signatory,
        signatory_title=written.signatory_title,
        numbers={key: number for key, number in written.numbers if number},
        fallback_number=written.approval_number,
    )


def field_label(field_name: str, profile: Profile) -> str:
    return {
        "name": "name",
        "contact": "contact",
        "number": profile.number_label or "number",
        "signatory": "signatory's name",
        "signature": "signature image",
        "logo": "logo",
    }[field_name]


def _value(provider: ProviderDetails, field_name: str, profile: Profile) -> str:
    return {
        "name": provider.name,
        "contact": provider.contact,
        "number": provider.number(profile.key),
        "signatory": provider.signatory_name,
        "signature": "image" if provider.signature_asset_id else "",
        "logo": "image" if provider.logo_asset_id else "",
    }[field_name]


def provider_missing(
    provider: ProviderDetails, profile: Profile, placeholders: bool = True, skip: frozenset[str] = frozenset()
) -> list[str]:
    """What the provider's details lack for ``profile``, in words; [] when nothing.

    With ``placeholders``, details that would print and read like placeholders ("TBD", "example.org")
    count as missing. ``skip`` leaves out fields checked elsewhere (the compiler checks course.yml's
    name and contact, and its placeholders).
    """
    reasons: list[str] = []
    for field_name in profile.requires:
        if field_name not in skip and not _value(provider, field_name, profile).strip():
            reasons.append(f"the provider's {field_label(field_name, profile)} is missing")
    if placeholders:
        for field_name in ("name", "contact", "number", "signatory"):
            found = placeholder(_value(provider, field_name, profile))
            if found:
                reasons.append(f"the provider's {field_label(field_name, profile)} is a placeholder (“{found}”)")
        found = placeholder(provider.signatory_title)
        if found:
            reasons.append(f"the provider's signatory title is a placeholder (“{found}”)")
    return reasons


def missing(
    course: Course, provider: ProviderDetails | None, profile: Profile, written_checked: bool = False
) -> list[str]:
    """What stops a certificate of ``profile`` from being issued for the course, in words; [] when nothing.

    ``written_checked``: leave out what the compiler reports of details written in course.yml.
    """
    if provider is None:
        return [
            f"no provider has the key '{course.provider.key}': an admin sets it up on the admin pages, under Providers"
        ]
    in_course_yml = written_checked and not provider.key
    skip = frozenset({"name", "contact"}) if in_course_yml else frozenset()
    reasons = provider_missing(provider, profile, placeholders=not in_course_yml, skip=skip)
    if course.credit.hours < profile.minimum_hours:
        reasons.append(f"{profile.title} are awarded only for at least {profile.minimum_hours:g} hours")
    return reasons


@register_credit_check
def provider_problems(course: Course) -> list[Problem]:
    """Each profile the course offers, checked against its provider (``flask courses check``, admin pages)."""
    profiles = all_profiles()
    try:
        provider = provider_for(course)
    except SQLAlchemyError:
        db.session.rollback()
        message = f"the provider '{course.provider.key}' could not be checked: the database cannot be read"
        return [Problem(course.provider.file, course.provider.line, message)]
    if provider is None:
        reasons = missing(course, None, next(iter(profiles.values()))) if profiles else []
        return [Problem(course.provider.file, course.provider.line, reason) for reason in reasons]
    problems = []
    for key in course.credit.profiles:
        profile = profiles.get(key)
        if profile is None:
            continue  # the compiler reports a profile that does not exist
        for reason in missing(course, provider, profile, written_checked=True):
            problems.append(Problem(course.provider.file, course.provider.line, f"{profile.title}: {reason}"))
    return problems
