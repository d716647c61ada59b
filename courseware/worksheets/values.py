"""Reading and checking a field's value, from a form post or from an autosave."""

from __future__ import annotations

from datetime import date

from courseware.courses.worksheet import (
    CELL_MAX,
    CHECKLIST,
    CHOICE,
    DATE,
    LONG_TEXT,
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    TABLE,
    TABLE_ROWS_MAX,
    Field,
)
from courseware.text import TextProblem
from courseware.text import clean as clean_text


class ValueInvalid(ValueError):
    """A value that cannot be saved; the message says why, in the learner's words."""


def from_form(field: Field, form, prefix: str) -> object:
    """The raw value of ``field`` in a posted form, before checking."""
    name = f"{prefix}{field.id}"
    if field.type == CHECKLIST:
        return form.getlist(name)
    if field.type == TABLE:
        rows = []
        for r in range(TABLE_ROWS_MAX + 1):
            if f"{name}-{r}-0" not in form:
                break
            rows.append([form.get(f"{name}-{r}-{c}", "") for c in range(len(field.columns))])
        return rows
    return form.get(name, "")


def clean(field: Field, value: object) -> object:
    """The value to store, or ValueInvalid. Text keeps what was typed (line endings made uniform)."""
    if field.type == CHECKLIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueInvalid("Choose from the list.")
        if any(field.option(v) is None for v in value):
            raise ValueInvalid("That is not one of the options. Reload the page and choose again.")
        return [o.id for o in field.options if o.id in value]
    if field.type == TABLE:
        return _clean_table(field, value)
    if not isinstance(value, str):
        raise ValueInvalid("This answer could not be read. Reload the page and try again.")
    try:
        text = clean_text(value, multiline=True)
    except TextProblem as problem:
        raise ValueInvalid(str(problem)) from None
    if field.type == CHOICE:
        if text and field.option(text) is None:
            raise ValueInvalid("That is not one of the options. Reload the page and choose again.")
        return text
    if field.type == DATE:
        text = text.strip()
        if text:
            try:
                date.fromisoformat(text)
            except ValueError:
                raise ValueInvalid("Enter a date like 2026-09-15.")
        return text
    limit = LONG_TEXT_MAX if field.type == LONG_TEXT else SHORT_TEXT_MAX
    if len(text) > limit:
        raise ValueInvalid(f"This answer is {len(text):,} characters long; the limit is {limit:,}. Shorten it to save.")
    return text


def _clean_table(field: Field, value: object) -> list[list[str]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise ValueInvalid("This table could not be read. Reload the page and try again.")
    if len(value) > TABLE_ROWS_MAX:
        raise ValueInvalid(f"A table has at most {TABLE_ROWS_MAX} rows.")
    rows = []
    for row in value:
        if len(row) != len(field.columns) or not all(isinstance(cell, str) for cell in row):
            raise ValueInvalid("This table could not be read. Reload the page and try again.")
        if any(len(cell) > CELL_MAX for cell in row):
            raise ValueInvalid(f"Each cell holds at most {CELL_MAX:,} characters.")
        try:
            rows.append([clean_text(cell, multiline=True).strip() for cell in row])
        except TextProblem as problem:
            raise ValueInvalid(str(problem)) from None
    while rows and not any(rows[-1]):
        rows.pop()  # blank rows at the end are not kept
    return rows
