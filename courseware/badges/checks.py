"""Is a credential someone pasted or uploaded one of ours, and does it still hold?

The checks a verifier makes, in order: it can be read (JSON, or a badge image with JSON baked in), it is
an Open Badges credential, its proof is ours and matches its content, it has not been revoked, and it is
within its dates. Each failure says what is wrong in words for the person checking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from courseware.badges import baking, credentials, keys, proofs, status
from courseware.extensions import db
from courseware.models import Certificate
from courseware.models.base import utcnow

MAX_BYTES = 256 * 1024  # below the 500 KB a form field may hold
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


@dataclass
class Verdict:
    genuine: bool
    headline: str
    detail: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    certificate: Certificate | None = None


def refused(headline: str, detail: str) -> Verdict:
    return Verdict(False, headline, detail)


def read(data: bytes) -> dict[str, Any] | Verdict:
    """The credential in ``data`` (JSON, or a PNG or SVG badge), or a Verdict saying why there is none."""
    if len(data) > MAX_BYTES:
        return refused(
            "Too large", f"A credential is a few kilobytes; this is {len(data) // 1024} KB (at most 256 KB)."
        )
    if not data.strip():
        return refused("Nothing to check", "Paste a credential or choose a file (JSON, or a PNG or SVG badge).")
    try:
        if data.startswith(baking.PNG_SIGNATURE):
            text = baking.from_png(data)
        else:
            text = data.decode("utf-8-sig")
            if text.lstrip().startswith("<"):
                text = baking.from_svg(text)
    except baking.NotBaked as problem:
        return refused("No credential in this image", str(problem))
    except UnicodeDecodeError:
        return refused("Not a credential", "This is neither JSON text nor a PNG or SVG badge image.")
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        return refused("Not JSON", f"What was given cannot be read as JSON{where}. Paste the whole credential.")
    if not isinstance(document, dict):
        return refused("Not a credential", "A credential is a JSON object: it starts with “{”.")
    kinds = document.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "VerifiableCredential" not in kinds or not CREDENTIAL_TYPES & set(kinds):
        return refused("Not a credential", "This JSON is not an Open Badges credential (an OpenBadgeCredential).")
    return document


def check(data: bytes, now: datetime | None = None) -> Verdict:
    found = read(data)
    if isinstance(found, Verdict):
        return found
    state = keys.key_state()
    if state.public_key is None:
        return refused(
            "Cannot check credentials here", "This site has no issuer key set up, so it issues and checks none."
        )
    try:
        proofs.verify(found, {credentials.key_url(): state.public_key})
    except proofs.ProofProblem as problem:
        return refused("Not genuine", str(problem))
    certificate = _certificate(found)
    facts = _facts(found, certificate)
    now = now or utcnow()
    if certificate is None:
        return Verdict(False, "Not genuine", "It is signed with our key, but names no certificate issued here.", facts)
    if certificate.revoked_at is not None:
        reason = f": {certificate.revoked_reason}" if certificate.revoked_reason else ""
        return Verdict(
            False, "Revoked", f"This credential is genuine but was revoked by the provider{reason}.", facts, certificate
        )
    valid_from, valid_until = _moment(found.get("validFrom")), _moment(found.get("validUntil"))
    if valid_from is not None and valid_from > now:
        return Verdict(
            False,
            "Not yet valid",
            "This credential is genuine but not valid before its start date.",
            facts,
            certificate,
        )
    if valid_until is not None and valid_until <= now:
        return Verdict(False, "Expired", "This credential is genuine but its validity has ended.", facts, certificate)
    detail = "Signed with this site's key, unchanged since, not revoked and within its dates."
    if certificate.replaced_by_id is not None:
        detail += " Its certificate has since been replaced by a corrected one."
    return Verdict(True, "Genuine", detail, facts, certificate)


def _certificate(credential: dict[str, Any]) -> Certificate | None:
    """The certificate a credential of ours stands for, found from its revocation entry."""
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict):
        return None
    url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit() or len(index) > 7:
        return None
    prefix = status.list_url(0).removesuffix("0")
    number_text = url.removeprefix(prefix) if url.startswith(prefix) else ""
    if not (number_text.isdigit() and len(number_text) <= 5):
        return None
    number = int(number_text)
    certificate = db.session.get(Certificate, number * status.LIST_SIZE + int(index))
    if certificate is None or credentials.credential_url(certificate) != credential.get("id"):
        return None
    return certificate


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _day(value: Any) -> str:
    moment = _moment(value)
    return f"{moment:%B} {moment.day}, {moment.year}" if moment else ""


def _facts(credential: dict[str, Any], certificate: Certificate | None) -> list[tuple[str, str]]:
    """What the signed credential says, for the person checking it."""
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {} if isinstance(subject, dict) else {}
    issuer = credential.get("issuer") or {}
    names = [
        i.get("identityHash")
        for i in subject.get("identifier") or []
        if isinstance(i, dict) and i.get("identityType") == "name"
    ]
    facts = [
        ("Name", str(names[0]) if names else ""),
        ("Achievement", str(achievement.get("name", ""))),
        ("Hours", _number(subject.get("creditsEarned"))),
        ("Credit", "; ".join(str(r.get("value", "")) for r in subject.get("result") or [] if isinstance(r, dict))),
        ("Issuer", str(issuer.get("name", "")) if isinstance(issuer, dict) else str(issuer)),
        ("Valid from", _day(credential.get("validFrom"))),
        ("Valid until", _day(credential.get("validUntil"))),
    ]
    if certificate is not None:
        facts.append(("Certificate", certificate.display_code))
    return [(label, value) for label, value in facts if value]
