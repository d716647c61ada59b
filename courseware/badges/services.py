"""Reading what the badges pages serve: a certificate's signed credential, and a signed status list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from courseware.badges import baking, credentials, keys, proofs, status
from courseware.certificates import services as certificates
from courseware.extensions import db
from courseware.models import User
from courseware.models.base import utcnow


@dataclass(frozen=True)
class Download:
    body: bytes
    headers: dict[str, str]


MEDIA_TYPES = {"json": "application/ld+json", "png": "image/png", "svg": "image/svg+xml"}


def credential_download(code: str, user: User, kind: str) -> Download | None:
    """The certificate's credential, as JSON or baked into a badge image (``kind``: json, png or svg), for
    its owner or an admin: it carries the learner's salted email hash. None when there is no such
    certificate for ``user``, no learner, or no issuer key."""
    if not keys.offered() or kind not in MEDIA_TYPES:
        return None
    certificate = certificates.find_for_download(code, user)
    learner = db.session.get(User, certificate.user_id) if certificate else None
    document = credentials.signed_credential(certificate, learner) if certificate and learner else None
    if certificate is None or document is None:
        return None
    if kind == "json":
        body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    else:
        bake = baking.svg if kind == "svg" else baking.png
        body = bake(document, certificate.course_title, certificate.credit_text)
    filename = certificates.download_name(certificate, "badge", kind)
    return Download(
        body,
        {
            "Content-Type": MEDIA_TYPES[kind],
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def signed_status_list(number: int) -> dict[str, Any] | None:
    """Status list ``number``, signed now; None without an issuer key."""
    key = keys.key_state().key
    if key is None or number > status.LAST_LIST:
        return None
    now = credentials.timestamp(utcnow())
    document = status.unsigned_list(number, credentials.issuer_url(), now)
    return proofs.sign(document, key, credentials.key_url(), now)
