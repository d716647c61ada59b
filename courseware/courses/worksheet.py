"""A compiled worksheet: named fields with stable ids."""

from __future__ import annotations

from dataclasses import dataclass, field

SHORT_TEXT = "short-text"
LONG_TEXT = "long-text"
CHECKLIST = "checklist"
CHOICE = "choice"
DATE = "date"
TABLE = "table"
FIELD_TYPES = (SHORT_TEXT, LONG_TEXT, CHECKLIST, CHOICE, DATE, TABLE)

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000
CELL_MAX = 1_000
TABLE_ROWS_MAX = 50


@dataclass(frozen=True)
class FieldOption:
    id: str
    label: str


@dataclass
class Field:
    id: str
    type: str
    prompt: str  # plain text, as written by the author
    prompt_html: str
    details_html: str = ""
    help: str = ""
    required: bool = False
    options: list[FieldOption] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: int = 3

    def option(self, option_id: str) -> FieldOption | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass
class Worksheet:
    id: str
    title: str
    intro_html: str
    fields: list[Field]
    is_reflection: bool = False
    line: int = 0

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class WorksheetSegment:
    worksheet: Worksheet
    kind: str = "worksheet"
    minutes: int | None = None  # declared by the author, for the module's time estimate


def is_filled(value: object) -> bool:
    """Whether a saved value counts as an answer: text that is not blank, a ticked box, a table cell."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(any(c for c in v) if isinstance(v, list) else bool(v) for v in value)
    return False
