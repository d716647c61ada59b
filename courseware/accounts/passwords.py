"""Password rules: long enough, and not a common or easily guessed password."""

from __future__ import annotations

from functools import lru_cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 200


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, user_inputs: list[str] | None = None) -> str | None:
    """A sentence saying what is wrong with the password, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a strong, memorable password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "This is one of the most commonly used passwords. Choose another."
    result = zxcvbn(password[:100], user_inputs=[i for i in (user_inputs or []) if i])
    if result["score"] < 3:
        warning = result["feedback"].get("warning") or "This password would be easy to guess."
        return f"{warning.rstrip('.')}. Add another word or two; uncommon words are better."
    return None
