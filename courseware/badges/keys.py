"""The issuer's Ed25519 key: a PEM file outside the database, named by ``BADGES_KEY_FILE``.

The key is read when the app is built. Without one (or with one that cannot be read) the site works as
before and simply offers no Open Badges credentials; ``KeyState.problem`` says why, for the admin pages
and ``flask badges check``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from flask import Flask, current_app

from courseware.badges.proofs import public_key_multibase
from courseware.key_files import write_private_key

EXTENSION = "courseware.badges"
NO_KEY = (
    "No issuer key is set up: set BADGES_KEY_FILE to a key file made by `flask badges generate-key PATH` "
    "(see docs/badges.md)."
)


@dataclass(frozen=True)
class KeyState:
    path: str
    key: Ed25519PrivateKey | None
    problem: str | None

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        return self.key.public_key() if self.key else None

    @property
    def multibase(self) -> str | None:
        return public_key_multibase(self.key.public_key()) if self.key else None


def read_key(path: str) -> KeyState:
    """The key in ``path``, or why there is none."""
    if not path:
        return KeyState(path="", key=None, problem=NO_KEY)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return KeyState(path, None, f"The issuer key file {path} cannot be read: {error.strerror or error}.")
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        return KeyState(path, None, f"The issuer key file {path} is not an unencrypted PEM private key.")
    if not isinstance(key, Ed25519PrivateKey):
        return KeyState(path, None, f"The issuer key in {path} is not an Ed25519 key.")
    return KeyState(path, key, None)


def generate_key_file(path: Path) -> Ed25519PublicKey:
    """Write a new Ed25519 private key to ``path``, readable by its owner only (0600). Raises FileExistsError
    rather than overwrite a file."""
    key = Ed25519PrivateKey.generate()
    write_private_key(path, key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return key.public_key()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = read_key(app.config.get("BADGES_KEY_FILE") or "")


def key_state() -> KeyState:
    return current_app.extensions[EXTENSION]


def offered() -> bool:
    """Whether the site issues Open Badges credentials: it has its key."""
    return key_state().key is not None
