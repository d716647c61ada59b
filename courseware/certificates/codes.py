"""Verification codes: 160 random bits, written in base32 and shown in groups of four."""

from __future__ import annotations

import base64
import re
import secrets

CODE_BYTES = 20  # 160 bits
CODE_RE = re.compile(r"^[A-Z2-7]{32}$")


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()


def normalise(text: str) -> str | None:
    """The code as stored, from what someone typed (any case, with or without dashes or spaces)."""
    code = re.sub(r"[\s-]", "", text).upper()
    return code if CODE_RE.match(code) else None


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
