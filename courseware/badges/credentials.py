"""What a certificate says, as an Open Badges 3.0 credential (an OpenBadgeCredential, W3C VC data model 2.0).

A credential is built from the certificate's unchangeable record and signed with the issuer's key each
time it is asked for: Ed25519 signatures are deterministic and the proof is dated with the certificate's
issue, so the same certificate always gives the same credential while the learner's address and the key
stay the same. Nothing about it is stored.

The credential check (``checks``) compares what it is given with the credential built here, now: a change
to what ``unsigned_credential`` writes makes every copy downloaded before it fail the check ("changed
since it was issued") until its learner downloads it again. Change it only with that in mind, and say so
in docs/badges.md; ``tests/test_badges.py`` pins its shape.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from courseware.badges import keys, proofs, status
from courseware.certificates.services import verify_url
from courseware.models import Certificate, User
from courseware.urls import external_url

ACHIEVEMENT_TYPE = "Course"
# The contexts of the issuer's profile and key, which Courseware serves and never reads back.
DID_V1 = "https://www.w3.org/ns/did/v1"  # first, so that verifiers read assertionMethod as DID documents have it
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


def timestamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second: 2026-11-29T16:47:43Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def issuer_url() -> str:
    return external_url("badges.issuer")


def key_url() -> str:
    return external_url("badges.issuer_key", number=1)


def credential_url(certificate: Certificate) -> str:
    return external_url("badges.credential", code=certificate.code, kind="json")


def achievement_url(certificate: Certificate) -> str:
    return external_url("learning.course_home", slug=certificate.course_slug)


def email_identity(email: str, code: str) -> dict[str, Any]:
    """The learner's address as an OB 3.0 IdentityObject: hashed with a salt, so that a verifier who
    knows the address can confirm it, and nobody else can read it."""
    salt = hmac.new(current_app.config["SECRET_KEY"].encode(), f"badge-salt:{code}".encode(), "sha256").hexdigest()[:16]
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def criteria(certificate: Certificate) -> str:
    track = f", on its {certificate.track_title} track," if certificate.track_title else ""
    return (
        f"Completed {certificate.course_title} (version {certificate.course_version}){track} as its completion "
        "rules require: every page of every module read, each module's required active time recorded (reading, "
        "activities and practice in school), every required quiz passed and every required activity done, and "
        "the end-of-course evaluation and attestation that the work is the learner's own. "
        f"The course carries {certificate.hours:g} {certificate.credit_type}."
    )


def issuer_profile() -> dict[str, Any]:
    """The issuer as each credential names it: the site, as its public profile at ``issuer_url`` says."""
    return {
        "id": issuer_url(),
        "type": ["Profile"],
        "name": current_app.config["BADGES_ISSUER_NAME"],
        "url": external_url("learning.catalog"),
    }


def provider_profile(certificate: Certificate) -> dict[str, Any]:
    """The provider the certificate names (the body whose approval the hours carry), as the achievement's
    ``creator``: its name, approval number and contact as printed. Its id is a URN made from the name and
    the number, the same for every certificate of that provider, and not an address: nothing is served
    about a provider."""
    seed = f"{issuer_url()}|{certificate.provider_name}|{certificate.approval_number or ''}"
    profile: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}",
        "type": ["Profile"],
        "name": certificate.provider_name,
    }
    if certificate.provider_contact:
        profile["description"] = f"Contact: {certificate.provider_contact}"
    if certificate.approval_number:
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": certificate.approval_number, "identifierType": "identifier"}
        ]
    return profile


def unsigned_credential(certificate: Certificate, learner: User) -> dict[str, Any]:
    achievement_id = achievement_url(certificate)
    title = certificate.course_title + (f" ({certificate.track_title})" if certificate.track_title else "")
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": title,
        "description": f"A self-paced professional learning course of {certificate.hours:g} {certificate.credit_type}.",
        "criteria": {"narrative": criteria(certificate)},
        "creator": provider_profile(certificate),
        "creditsAvailable": certificate.hours,
        "humanCode": certificate.course_slug,
        "version": certificate.course_version,
    }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            email_identity(learner.email, certificate.code),
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": certificate.learner_name,
            },
        ],
        "activityEndDate": timestamp(certificate.completed_at),
        "creditsEarned": certificate.hours,
        "achievement": achievement,
    }
    if certificate.credit_profile and certificate.credit_amount is not None:
        description_id = f"{achievement_id}#credit-{certificate.credit_profile}"
        achievement["resultDescription"] = [
            {
                "id": description_id,
                "type": ["ResultDescription"],
                "name": certificate.credit_name or certificate.credit_profile,
                "resultType": "Result",
            }
        ]
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": description_id,
                "value": f"{certificate.credit_amount:g} {certificate.credit_unit or ''}".strip(),
            }
        ]
    credential: dict[str, Any] = {
        "@context": [proofs.CREDENTIALS_V2, proofs.OPEN_BADGES_V3],
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "description": f"{certificate.credit_text} for completing {title}. Certificate: {verify_url(certificate.code)}",
        "issuer": issuer_profile(),
        "validFrom": timestamp(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": status.entry_for(certificate),
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = timestamp(certificate.expires_at)
    return credential


def signed_credential(certificate: Certificate, learner: User) -> dict[str, Any] | None:
    """The certificate's credential signed with the issuer's key; None when no key is set up."""
    key = keys.key_state().key
    if key is None:
        return None
    return proofs.sign(unsigned_credential(certificate, learner), key, key_url(), timestamp(certificate.issued_at))


def key_document() -> dict[str, Any] | None:
    """The issuer's public key as a Multikey verification method."""
    multibase = keys.key_state().multibase
    if multibase is None:
        return None
    return {
        "@context": [MULTIKEY_V1],
        "id": key_url(),
        "type": "Multikey",
        "controller": issuer_url(),
        "publicKeyMultibase": multibase,
    }


def issuer_document() -> dict[str, Any]:
    """The issuer's public profile, which is also the controller document that authorizes its key for
    asserting credentials."""
    document: dict[str, Any] = {
        "@context": [DID_V1, MULTIKEY_V1, proofs.CREDENTIALS_V2, proofs.OPEN_BADGES_V3],
        **issuer_profile(),
    }
    method = key_document()
    if method is not None:
        document["verificationMethod"] = [{k: v for k, v in method.items() if k != "@context"}]
        document["assertionMethod"] = [method["id"]]
    return document
