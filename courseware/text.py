"""Text as people send it, made safe to store and to show. Every form and JSON endpoint that stores
text passes it through ``clean`` (or the WTForms validator ``CleanText``), and every request's
form, query and JSON strings through ``scrub`` first (``courseware.guard``)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markupsafe import Markup, escape
from wtforms.validators import StopValidation

# Control characters no one types: C0 except tab, line feed and carriage return, and DEL.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Half of a character that UTF-16 splits in two, sent alone: it cannot be stored nor shown.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Characters that reorder the text around them: embeddings, overrides, isolates and marks.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")

SURROGATE_MESSAGE = (
    "This text contains a broken character (half of an emoji or symbol) that cannot be saved. Retype it and try again."
)


class TextProblem(ValueError):
    """Text that cannot be stored; the message says why, in the words of whoever typed it."""


def has_surrogates(value: str) -> bool:
    return _SURROGATES.search(value) is not None


def scrub(value: str) -> str:
    """``value`` without control characters (tab and line endings stay) and with any lone surrogate
    replaced by U+FFFD. Applied to every string a request brings, before anything reads it."""
    value = _CONTROLS.sub("", value)
    return _SURROGATES.sub("\ufffd", value) if has_surrogates(value) else value


def plain_line(value: str) -> str:
    """A short single-line text (a name, a title) without the characters that reorder text: safe to
    print in a PDF, whatever was stored before they were refused."""
    return _BIDI.sub("", value)


def clean(value: str, *, multiline: bool = False, limit: int | None = None) -> str:
    """The text to store, or TextProblem: control characters removed (tab and line feeds stay in
    multi-line text, whose line endings become line feeds), lone surrogates refused, NFC, and for
    single-line text: spaces collapsed and bidirectional controls removed; at most ``limit`` characters."""
    if has_surrogates(value):
        raise TextProblem(SURROGATE_MESSAGE)
    value = _CONTROLS.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else " ".join(plain_line(value).split())
    value = unicodedata.normalize("NFC", value)
    if limit is not None and len(value) > limit:
        raise TextProblem(f"This is {len(value):,} characters long; use at most {limit:,}.")
    return value


def isolated(value: Any) -> Markup:
    """User-provided short text in HTML, isolated so that it cannot reorder the text around it."""
    return Markup("<bdi>%s</bdi>") % escape(plain_line(str(value)) if value is not None else "")


class CleanText:
    """WTForms validator: the field's data becomes ``clean(data)``; a problem is shown next to the field."""

    def __init__(self, multiline: bool = False, limit: int | None = None) -> None:
        self.multiline, self.limit = multiline, limit

    def __call__(self, form: Any, field: Any) -> None:
        if not isinstance(field.data, str):
            return
        try:
            field.data = clean(field.data, multiline=self.multiline, limit=self.limit)
        except TextProblem as problem:
            raise StopValidation(str(problem)) from None
