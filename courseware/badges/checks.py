"""Is a credential someone pasted or uploaded one of ours, and does it still hold?

The checks, in order: it can be read (JSON, or a badge image with JSON baked in), it is an Open Badges
credential, it names a certificate issued here, its content is exactly the credential this site builds
for that certificate, its proof is ours and matches that content, and the certificate is neither revoked
(nor replaced by one that is) nor outside its dates. Each failure says what is wrong in words for the
person checking.

What was sent is never canonicalized or read as JSON-LD: the signature is checked over the credential
this site builds itself, once the submission is found to equal it. So the dates and the revocation come
from the certificate's record, never from the submitted text, and no crafted JSON-LD can make the check
slow. The comparison is with the credential as the site builds it now (see ``credentials``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from courseware.badges import baking, credentials, keys, proofs, status
from courseware.certificates import services as certificates
from courseware.extensions import db
from courseware.models import Certificate, User
from courseware.models.base import utcnow

MAX_BYTES = baking.MAX_BYTES  # below the 500 KB a form field may hold
MAX_DEPTH = 32  # a credential of ours is 6 levels deep
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
PROOF_FIELDS = {"type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"}


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
    except json.JSONDecodeError as error:
        where = f" (line {error.lineno}, column {error.colno})"
        return refused("Not JSON", f"What was given cannot be read as JSON{where}. Paste the whole credential.")
    except RecursionError:
        return refused("Not a credential", f"It is nested far deeper than any credential (at most {MAX_DEPTH} levels).")
    except ValueError:  # an integer of more digits than Python reads
        return refused("Not a credential", "It holds a number far longer than any credential has.")
    if not isinstance(document, dict):
        return refused("Not a credential", "A credential is a JSON object: it starts with “{”.")
    shape = _shape_problem(document)
    if shape:
        return refused("Not a credential", shape)
    kinds = document.get("type")
    kinds = {kind for kind in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(kind, str)}
    if "VerifiableCredential" not in kinds or not CREDENTIAL_TYPES & kinds:
        return refused("Not a credential", "This JSON is not an Open Badges credential (an OpenBadgeCredential).")
    return document


def _shape_problem(document: dict[str, Any]) -> str | None:
    """Why the document cannot be a credential of ours whatever its values: nested too deep, or holding a
    JSON-LD keyword (``@id``, ``@included``, ...) anywhere but the top-level ``@context``. Walks without
    recursion."""
    waiting: list[tuple[Any, int]] = [(value, 1) for key, value in document.items() if key != "@context"]
    keywords = [key for key in document if key.startswith("@") and key != "@context"]
    contexts = document.get("@context")
    waiting.append((contexts, 1))
    while waiting and not keywords:
        value, depth = waiting.pop()
        if depth > MAX_DEPTH:
            return f"It is nested far deeper than any credential (at most {MAX_DEPTH} levels)."
        if isinstance(value, dict):
            keywords = [key for key in value if key.startswith("@")]
            waiting.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            waiting.extend((item, depth + 1) for item in value)
    if keywords:
        return (
            f"It uses the JSON-LD keyword “{keywords[0][:40]}”, which no credential from this site holds "
            "(only its “@context” is JSON-LD)."
        )
    return None


def check(data: bytes, now: datetime | None = None) -> Verdict:
    found = read(data)
    if isinstance(found, Verdict):
        return found
    state = keys.key_state()
    if state.public_key is None:
        return refused(
            "Cannot check credentials here", "This site has no issuer key set up, so it issues and checks none."
        )
    certificate = _certificate(found.get("id"))
    learner = db.session.get(User, certificate.user_id) if certificate else None
    if certificate is None or learner is None:
        return refused(
            "Not genuine", "It names no credential issued by this site: its “id” is not one of this site's addresses."
        )
    issued = credentials.unsigned_credential(certificate, learner)
    if {key: value for key, value in found.items() if key != "proof"} != issued:
        return refused(
            "Not genuine",
            "Its content differs from the credential this site issued for this certificate: it was changed since "
            "it was issued. (It is compared with the credential as this site writes it today: if the learner's "
            "email address changed since, a fresh download from the learner's course page checks.)",
        )
    proof = found.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if isinstance(proof, dict):
        if set(proof) - PROOF_FIELDS:
            return refused("Not genuine", "Its proof holds fields that this site's proofs never have.")
        if not isinstance(proof.get("created", ""), str) or len(proof.get("created", "")) > 40:
            return refused("Not genuine", "Its proof's date is not one this site writes.")
    try:
        proofs.verify({**issued, "proof": proof}, {credentials.key_url(): state.public_key})
    except proofs.ProofProblem as problem:
        return refused("Not genuine", str(problem))
    return _standing(certificate, _facts(issued, certificate), now or utcnow())


def _standing(certificate: Certificate, facts: list[tuple[str, str]], now: datetime) -> Verdict:
    """A genuine credential's verdict, from its certificate's record: revoked, not yet valid, expired or good."""
    revoked = status.revoked_by(certificate)
    if revoked is not None:
        reason = f": {revoked.revoked_reason}" if revoked.revoked_reason else ""
        whose = "" if revoked.id == certificate.id else f" (through its replacement, {revoked.display_code})"
        detail = f"This credential is genuine but was revoked by the provider{whose}{reason}."
        return Verdict(False, "Revoked", detail, facts, certificate)
    if certificate.issued_at > now:
        detail = "This credential is genuine but not valid before its start date."
        return Verdict(False, "Not yet valid", detail, facts, certificate)
    if certificate.expires_at is not None and certificate.expires_at <= now:
        return Verdict(False, "Expired", "This credential is genuine but its validity has ended.", facts, certificate)
    detail = "Signed with this site's key, unchanged since, not revoked and within its dates."
    if certificate.replaced_by_id is not None:
        detail += " Its certificate has since been replaced by a corrected one."
    return Verdict(True, "Genuine", detail, facts, certificate)


def _certificate(credential_id: Any) -> Certificate | None:
    """The certificate whose credential has this id (its address on this site)."""
    if not isinstance(credential_id, str) or len(credential_id) > 1000:
        return None
    certificate = certificates.find(credential_id.rpartition("/")[2].removesuffix(".json"))
    if certificate is None or credentials.credential_url(certificate) != credential_id:
        return None
    return certificate


def _day(moment: datetime | None) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}" if moment else ""


def _facts(credential: dict[str, Any], certificate: Certificate) -> list[tuple[str, str]]:
    """What the credential (this site's own, as built for the certificate) says, for the person checking it."""
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    provider = achievement["creator"]
    approvals = [entry["identifier"] for entry in provider.get("otherIdentifier", [])]
    facts = [
        ("Name", certificate.learner_name),
        ("Achievement", achievement["name"]),
        ("Hours", f"{certificate.hours:g}"),
        ("Credit", "; ".join(result["value"] for result in subject.get("result", []))),
        ("Issuer", credential["issuer"]["name"]),
        ("Provider", provider["name"] + (f", approval no. {approvals[0]}" if approvals else "")),
        ("Valid from", _day(certificate.issued_at)),
        ("Valid until", _day(certificate.expires_at)),
        ("Certificate", certificate.display_code),
    ]
    return [(label, value) for label, value in facts if value]
