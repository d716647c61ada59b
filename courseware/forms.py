"""Small helpers for WTForms fields, shared by every area's routes."""

from __future__ import annotations

from typing import Any


def text(field: Any) -> str:
    """A text field's value, '' when it was not sent (after validation, required fields always are)."""
    return field.data or ""


def add_error(field: Any, message: str) -> None:
    """Show ``message`` next to the field, as its validators' messages are."""
    field.errors = [*field.errors, message]
