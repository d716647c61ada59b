"""Small helpers for WTForms fields, shared by every area's routes."""

from __future__ import annotations

from typing import Any


def text(field: Any) -> str:
    """A text field's value, '' when it was not sent (after validation, required fields always are)."""
    return field.data or ""


def add_error(field: Any, message: str) -> None:
    """Show ``message`` next to the field, as its validators' messages are."""
    field.errors = [*field.errors, message]


MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


def form_id(raw: str | None) -> int | None:
    """An id sent in a form, or None when it is missing, not a whole number, or larger than any id
    can be (so that it finds nothing, rather than overflowing the database)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None
