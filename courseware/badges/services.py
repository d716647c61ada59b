"""Reading what the badges pages serve: a certificate's signed credential, and a signed status list."""

from __future__ import annotations

from typing import Any

from courseware.badges import credentials, keys, proofs, status
from courseware.certificates import services as certificates
from courseware.extensions import db
from courseware.models import Certificate, User
from courseware.models.base import utcnow


def credential_for(code: str) -> tuple[Certificate, dict[str, Any]] | None:
    """The certificate with this verification code and its signed credential; None when there is no such
    certificate or no issuer key."""
    if not keys.offered():
        return None
    certificate = certificates.find(code)
    if certificate is None:
        return None
    learner = db.session.get(User, certificate.user_id)
    document = credentials.signed_credential(certificate, learner) if learner else None
    return (certificate, document) if document else None


def signed_status_list(number: int) -> dict[str, Any] | None:
    """Status list ``number``, signed now; None without an issuer key."""
    key = keys.key_state().key
    if key is None or number > status.LAST_LIST:
        return None
    now = credentials.timestamp(utcnow())
    document = status.unsigned_list(number, credentials.issuer_url(), now)
    return proofs.sign(document, key, credentials.key_url(), now)
