"""Bringing one's own worksheet answer into a team plan: which answers can be brought, and the text of one.

Only the asker's own answers in worksheets of the course are offered (never reflections), one at a
time; the copy is plain text, and the private original stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courseware.courses import Course
from courseware.courses.worksheet import CHECKLIST, CHOICE, TABLE, Field, Worksheet, is_filled
from courseware.extensions import db
from courseware.models import User, WorksheetAnswer, WorksheetEntry


@dataclass
class Bringable:
    key: str  # "worksheet-id/field-id"
    worksheet: Worksheet
    field: Field
    text: str

    @property
    def label(self) -> str:
        preview = " ".join(self.text.split())
        preview = preview if len(preview) <= 60 else preview[:59].rstrip() + "…"
        return f"{self.worksheet.title}: {self.field.prompt} ({preview})"


def as_text(fld: Field, value: object) -> str:
    """An answer as plain text: options by their labels, a table a row per line."""
    if isinstance(value, str):
        if fld.type == CHOICE:
            option = fld.option(value)
            return option.label if option else value
        return value.strip()
    if isinstance(value, list) and fld.type == CHECKLIST:
        return "\n".join((o.label if (o := fld.option(str(v))) else str(v)) for v in value)
    if isinstance(value, list) and fld.type == TABLE:
        rows = [row for row in value if isinstance(row, list) and any(row)]
        return "\n".join(" · ".join(str(cell) for cell in row) for row in rows)
    return ""


def bringable(user: User, course: Course) -> list[Bringable]:
    """The user's own filled answers in the course's worksheets, in course order (one query)."""
    sheets = [
        segment.worksheet
        for page in course.pages
        for segment in page.blocks("worksheet")
        if not segment.worksheet.is_reflection
    ]
    if not sheets:
        return []
    rows = db.session.execute(
        select(WorksheetEntry.worksheet_id, WorksheetAnswer.field_id, WorksheetAnswer.value)
        .join(WorksheetAnswer, WorksheetAnswer.entry_id == WorksheetEntry.id)
        .where(WorksheetEntry.user_id == user.id, WorksheetEntry.course_slug == course.slug)
    ).all()
    answers = {(worksheet_id, field_id): value for worksheet_id, field_id, value in rows}
    found = []
    for sheet in sheets:
        for fld in sheet.fields:
            value = answers.get((sheet.id, fld.id))
            if value is not None and is_filled(value):
                text = as_text(fld, value)
                if text.strip():
                    found.append(Bringable(f"{sheet.id}/{fld.id}", sheet, fld, text))
    return found


def one(user: User, course: Course, key: str) -> Bringable | None:
    """The user's own answer named by ``key``; None for anything else."""
    return next((b for b in bringable(user, course) if b.key == key), None)
