"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite: the one module that speaks JSON-LD and Ed25519.

A proof signs the SHA-256 hash of the canonical form (RDF Dataset Canonicalization, RDFC-1.0, which is
the URDNA2015 algorithm pyld implements) of the proof's options, followed by that of the document. Only
the JSON-LD contexts bundled in ``contexts/`` are ever loaded: any other address is refused, so that
nothing is fetched while a credential is signed or checked.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

CONTEXTS_DIR = Path(__file__).parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_FILES = {CREDENTIALS_V2: "credentials-v2.jsonld", OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json"}
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUBLIC_PREFIX = b"\xed\x01"  # the multicodec of an Ed25519 public key


class ProofProblem(ValueError):
    """The document cannot be signed or checked; the message says why, in words for the person checking."""


@cache
def bundled_context(url: str) -> dict[str, Any]:
    with (CONTEXTS_DIR / CONTEXT_FILES[url]).open(encoding="utf-8") as file:
        return json.load(file)


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: the bundled contexts, and nothing else."""
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(
            f"The JSON-LD context {url} is not one this site knows.",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
    }


def canonical(document: dict[str, Any]) -> str:
    """The document's canonical N-Quads (RDFC-1.0). Raises ProofProblem when it is not JSON-LD we can read."""
    contexts = document.get("@context")
    for url in contexts if isinstance(contexts, list) else [contexts]:
        if not isinstance(url, str) or url not in CONTEXT_FILES:
            raise ProofProblem(f"It uses a JSON-LD context this site does not know: {str(url)[:200]}.")
    try:
        expanded = jsonld.expand(document, {"documentLoader": load_document})
        if _scalars(document) != _expanded_scalars(expanded):
            raise ProofProblem("It holds data that its JSON-LD contexts do not define, so no signature could cover it.")
        return jsonld.normalize(
            document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load_document}
        )
    except jsonld.JsonLdError as error:
        raise ProofProblem(f"It is not valid JSON-LD: {str(error.args[0])[:300]}") from None


def _scalars(value: Any) -> int:
    """How many strings, numbers and booleans a compact JSON-LD value holds outside ``@context``."""
    if isinstance(value, dict):
        return sum(_scalars(v) for k, v in value.items() if k != "@context")
    if isinstance(value, list):
        return sum(_scalars(v) for v in value)
    return 0 if value is None else 1


def _expanded_scalars(value: Any) -> int:
    """The same count in expanded form, where a value's datatype is not one of them. Expansion keeps every
    value unless its property is undefined and dropped, so the two counts tell."""
    if isinstance(value, list):
        return sum(_expanded_scalars(v) for v in value)
    if not isinstance(value, dict):
        return 0 if value is None else 1
    if "@value" in value:
        return 0 if value["@value"] is None else 1
    return sum(
        (len(v) if isinstance(v, list) else 1) if k == "@type" else _expanded_scalars(v) for k, v in value.items()
    )


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    config = {"@context": document["@context"], **proof_options}
    return hashlib.sha256(canonical(config).encode()).digest() + hashlib.sha256(canonical(document).encode()).digest()


def sign(document: dict[str, Any], key: Ed25519PrivateKey, verification_method: str, created: str) -> dict[str, Any]:
    """A copy of ``document`` with a DataIntegrityProof for the assertion method ``verification_method``."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    return {**copy.deepcopy(document), "proof": {**options, "proofValue": "z" + base58_encode(signature)}}


@dataclass(frozen=True)
class Proof:
    verification_method: str
    created: str


def verify(secured: dict[str, Any], public_key_for: dict[str, Ed25519PublicKey]) -> Proof:
    """Check the document's proof against the key named by its verification method, which must be one of
    ``public_key_for``. Returns the proof's facts; raises ProofProblem saying what is wrong."""
    proof = secured.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofProblem("It has no proof: it was never signed, or its proof was removed.")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofProblem(f"Its proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofProblem("Its proof is not made for asserting a credential.")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or method not in public_key_for:
        raise ProofProblem("It was signed with a key this site does not hold, or by another issuer.")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofProblem("Its proof value is missing or not written in base58.")
    try:
        signature = base58_decode(value[1:])
    except ValueError:
        raise ProofProblem("Its proof value is not valid base58.") from None
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options and options.pop("@context") != secured.get("@context"):
        raise ProofProblem("Its proof names other JSON-LD contexts than the credential does.")
    document = {k: v for k, v in secured.items() if k != "proof"}
    if "@context" not in document:
        raise ProofProblem("It has no JSON-LD @context.")
    try:
        public_key_for[method].verify(signature, _hash_data(document, options))
    except InvalidSignature:
        raise ProofProblem(
            "Its signature does not match its content: it was changed after it was signed, or it is not ours."
        ) from None
    return Proof(verification_method=method, created=str(proof.get("created", "")))


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = BASE58_ALPHABET[remainder] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = BASE58_ALPHABET.find(char)
        if index < 0:
            raise ValueError(f"not a base58 character: {char!r}")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """The key as a Multikey's ``publicKeyMultibase``: z6Mk..."""
    return "z" + base58_encode(ED25519_PUBLIC_PREFIX + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    if not text.startswith("z"):
        raise ValueError("not base58btc multibase")
    data = base58_decode(text[1:])
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])
