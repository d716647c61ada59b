"""State changes for providers: set up by an admin, their details edited, their signature and logo kept.

Each change that may complete a provider's details queues the job that issues the certificates
held back while they were incomplete ("certificates.issue_waiting", handled by the certificates area).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import exists, select

from courseware import jobs
from courseware.credit.images import CheckedImage
from courseware.extensions import db
from courseware.models import CreditProvider, Enrolment, ProviderAsset
from courseware.models.base import utcnow

ISSUE_WAITING = "certificates.issue_waiting"  # the certificates area's job
ASSET_KINDS = ("signature", "logo")


@dataclass(frozen=True)
class ProviderDetailsForm:
    """What an admin typed about a provider, already checked by the form."""

    name: str
    contact: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    numbers: dict[str, str] = field(default_factory=dict, hash=False)  # profile key: number, empty ones left out


def all_providers() -> list[CreditProvider]:
    return list(db.session.scalars(select(CreditProvider).order_by(CreditProvider.name, CreditProvider.id)))


def provider_by_id(provider_id: int) -> CreditProvider | None:
    return db.session.get(CreditProvider, provider_id)


def key_taken(key: str) -> bool:
    return bool(db.session.scalar(select(exists().where(CreditProvider.key == key))))


def queue_issue_waiting() -> bool:
    """Queue the job that issues held-back certificates, if any are held back. Part of a unit of work
    that commits."""
    held = db.session.scalar(select(exists().where(Enrolment.certificate_held_at.is_not(None))))
    if held:
        jobs.enqueue(ISSUE_WAITING, {}, key=ISSUE_WAITING)
    return bool(held)


def request_issue_waiting() -> bool:
    """Queue the job that issues held-back certificates now (an admin asks, after fixing a course). Commits."""
    queued = queue_issue_waiting()
    db.session.commit()
    return queued


def _apply(provider: CreditProvider, details: ProviderDetailsForm) -> None:
    provider.name = details.name
    provider.contact = details.contact
    provider.signatory_name = details.signatory_name
    provider.signatory_title = details.signatory_title
    provider.numbers = {key: number for key, number in details.numbers.items() if number}
    provider.updated_at = utcnow()


def create_provider(key: str, details: ProviderDetailsForm) -> CreditProvider:
    """Set up a provider that courses name with ``provider: <key>``. Commits."""
    provider = CreditProvider(key=key)
    _apply(provider, details)
    db.session.add(provider)
    queue_issue_waiting()
    db.session.commit()
    return provider


def update_provider(provider: CreditProvider, details: ProviderDetailsForm) -> None:
    """Change a provider's details; certificates issued before keep what they printed. Commits."""
    _apply(provider, details)
    queue_issue_waiting()
    db.session.commit()


def store_asset(provider: CreditProvider, kind: str, image: CheckedImage) -> ProviderAsset:
    """Keep a checked signature or logo as a new asset and make it the provider's. Commits."""
    if kind not in ASSET_KINDS:
        raise ValueError(f"an asset is one of {ASSET_KINDS}, not {kind!r}")
    asset = ProviderAsset(
        kind=kind, media_type=image.media_type, data=image.data, sha256=hashlib.sha256(image.data).hexdigest()
    )
    db.session.add(asset)
    db.session.flush()
    setattr(provider, f"{kind}_asset_id", asset.id)
    provider.updated_at = utcnow()
    queue_issue_waiting()
    db.session.commit()
    return asset


def remove_asset(provider: CreditProvider, kind: str) -> None:
    """The provider prints no signature (or logo) from now on; the asset stays for the certificates
    that printed it. Commits."""
    if kind not in ASSET_KINDS:
        raise ValueError(f"an asset is one of {ASSET_KINDS}, not {kind!r}")
    setattr(provider, f"{kind}_asset_id", None)
    provider.updated_at = utcnow()
    db.session.commit()


def asset(asset_id: int | None) -> ProviderAsset | None:
    return db.session.get(ProviderAsset, asset_id) if asset_id else None
