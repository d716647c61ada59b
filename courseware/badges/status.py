"""Revocation as a W3C Bitstring Status List: one bit per certificate, set when it is revoked.

A certificate's place in the lists is its id: list ``id // LIST_SIZE``, bit ``id % LIST_SIZE``. Each list
has 131,072 bits, the smallest size the specification allows, so that a list tells nothing about whose
credential a verifier is checking.

A credential is revoked when its certificate is, or when any later certificate in its chain of
replacements is: a replaced certificate's credential stays valid as long as what replaced it does (a
corrected name changes nothing about the achievement), and stops when the achievement is revoked.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from courseware.extensions import db
from courseware.models import Certificate
from courseware.urls import external_url

LIST_SIZE = 131_072
LAST_LIST = (2**31 - 1) // LIST_SIZE  # ids are 32-bit
PURPOSE = "revocation"


def list_url(number: int) -> str:
    return external_url("badges.status_list", number=number)


def entry_for(certificate: Certificate) -> dict[str, Any]:
    """The credential's ``credentialStatus``: where its revocation bit is."""
    number, index = divmod(certificate.id, LIST_SIZE)
    url = list_url(number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def revoked_by(certificate: Certificate) -> Certificate | None:
    """The certificate whose revocation revokes this one's credential: itself, or the first later
    certificate in its chain of replacements that is revoked; None when the chain holds none. One query."""
    if certificate.revoked_at is not None:
        return certificate
    chain = select(Certificate.id).where(Certificate.id == certificate.id).cte("later", recursive=True)
    later = aliased(Certificate)
    chain = chain.union(select(later.id).where(later.replaces_id == chain.c.id))  # UNION: a loop ends
    query = (
        select(Certificate)
        .where(Certificate.id.in_(select(chain.c.id)), Certificate.revoked_at.is_not(None))
        .order_by(Certificate.id)
        .limit(1)
    )
    return db.session.scalar(query)


def revoked_indexes(number: int) -> list[int]:
    """The bits set in list ``number``: its certificates that are revoked, or whose replacement (or its
    replacement, and so on) is. One query."""
    first = number * LIST_SIZE
    chain = select(Certificate.id).where(Certificate.revoked_at.is_not(None)).cte("revoked", recursive=True)
    earlier = aliased(Certificate)
    chain = chain.union(  # UNION: a loop ends
        select(earlier.replaces_id).where(earlier.id == chain.c.id, earlier.replaces_id.is_not(None))
    )
    query = select(chain.c.id).where(chain.c.id >= first, chain.c.id < first + LIST_SIZE).order_by(chain.c.id)
    return [certificate_id - first for certificate_id in db.session.scalars(query)]


def encode(indexes: list[int]) -> str:
    """The list as the specification writes it: bit 0 is the first byte's highest bit; GZIP, then base64url
    without padding, as a multibase ``u`` string."""
    bits = bytearray(LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("not a base64url multibase string")
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if not 0 <= index < len(bits) * 8:
        raise ValueError("index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def unsigned_list(number: int, issuer: str, valid_from: str) -> dict[str, Any]:
    url = list_url(number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked_indexes(number)),
        },
    }
