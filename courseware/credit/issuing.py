"""What a certificate prints, decided when it is issued: the profile, the provider and the words.

:func:`decide` is asked when a learner completes a course (and again for certificates held back):
either everything the chosen profile requires is there, and :class:`Printed` holds the snapshot the
certificate keeps, or the reasons say what is missing and no certificate is issued.

The statement and the lines are kept as text with two placeholders left in: ``{learner}`` and
``{issued_on}``, the two things a replacement after a name change prints differently. Everything
else is filled in at issue and never changes; :func:`fill` completes the text for printing.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime

from courseware.courses import Course
from courseware.credit.choice import chosen_profile
from courseware.credit.profiles import DATE_LABELS, Profile, all_profiles, placeholders
from courseware.credit.providers import ProviderDetails, missing, provider_for
from courseware.models import Enrolment, User

KEPT = ("learner", "issued_on")  # filled in when the certificate is printed
DATE = "%-d %B %Y"


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Printed:
    profile: str
    credit_name: str
    amount: float
    unit: str
    statement: str  # with {learner} and {issued_on} still to fill
    lines: tuple[tuple[str, str], ...]  # (label, value), values as the statement
    signatory_name: str
    signatory_title: str
    signature_asset_id: int | None
    logo_asset_id: int | None
    provider_name: str
    provider_number: str
    provider_contact: str


@dataclass(frozen=True)
class Decision:
    profile: str  # the key of the chosen profile
    reasons: tuple[str, ...]  # why no certificate can be issued yet; empty when one can
    printed: Printed | None

    @property
    def ready(self) -> bool:
        return not self.reasons and self.printed is not None


def decide(user: User, course: Course, enrolment: Enrolment | None, completed_at: datetime) -> Decision:
    """May the learner's certificate be issued now, and what does it print? Reads, never writes."""
    key = chosen_profile(user.id, course, enrolment)
    profile = all_profiles().get(key)
    reasons = [str(problem) for problem in course.credit_problems]
    if profile is None:
        reasons.append(f"the credit profile '{key}' is not installed" if key else "the course offers no credit profile")
        return Decision(key, tuple(reasons), None)
    provider = provider_for(course)
    reasons += [f"{profile.title}: {reason}" for reason in missing(course, provider, profile)]
    if reasons or provider is None:
        return Decision(key, tuple(reasons), None)
    return Decision(key, (), printed(profile, provider, course, completed_at))


def printed(profile: Profile, provider: ProviderDetails, course: Course, completed_at: datetime) -> Printed:
    amount = profile.amount(course.credit.hours)
    values = {
        "course": course.title,
        "course_version": course.version,
        "hours": number(course.credit.hours),
        "amount": number(amount),
        "unit": profile.unit_for(amount),
        "credit": profile.credit,
        "provider": provider.name,
        "number": provider.number(profile.key),
        "contact": provider.contact,
        "signatory": provider.signatory_name,
        "signatory_title": provider.signatory_title,
        "completed_on": completed_at.strftime(DATE),
    }
    lines = [
        (line.label, _partly(line.value, values))
        for line in profile.lines
        if all(values.get(name, name) for name in placeholders(line.value))
    ]
    dates = {"completed": values["completed_on"], "issued": "{issued_on}"}
    lines += [(DATE_LABELS[name], dates[name]) for name in profile.dates]
    return Printed(
        profile=profile.key,
        credit_name=profile.credit,
        amount=amount,
        unit=values["unit"],
        statement=_partly(profile.statement, values),
        lines=tuple(lines),
        signatory_name=provider.signatory_name if profile.signature else "",
        signatory_title=provider.signatory_title if profile.signature else "",
        signature_asset_id=provider.signature_asset_id if profile.signature else None,
        logo_asset_id=provider.logo_asset_id,
        provider_name=provider.name,
        provider_number=provider.number(profile.key),
        provider_contact=provider.contact,
    )


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _partly(template: str, values: dict[str, str]) -> str:
    """The template with every placeholder filled in but KEPT ones, and braces in the values escaped."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(_escape(literal))
        if name is not None:
            parts.append(f"{{{name}}}" if name in KEPT else _escape(values[name]))
    return "".join(parts)


def fill(text: str, learner: str, issued_at: datetime) -> str:
    """Text kept on a certificate, as printed."""
    return text.format(learner=learner, issued_on=issued_at.strftime(DATE))
