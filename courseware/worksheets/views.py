"""What a worksheet on a page shows: the learner's saved answers, revisions, conflicts and errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from courseware import kept
from courseware.courses import Course, Page
from courseware.courses.worksheet import CHECKLIST, TABLE, Field, Worksheet
from courseware.extensions import db
from courseware.models import User, WorksheetAnswer, WorksheetEntry
from courseware.pages import BlockView, register_block_view
from courseware.worksheets.values import from_form

PREFIX = "f-"  # form fields are named f-<field id>, so that no field id collides with the form's own names


def posted_fields(worksheet: Worksheet, form) -> list[Field]:
    """The fields of the worksheet that the form carries (a checklist with nothing ticked still says so)."""
    return [fld for fld in worksheet.fields if _posted(fld, form)]


def _posted(fld: Field, form) -> bool:
    name = f"{PREFIX}{fld.id}"
    return name in form or f"{name}-0-0" in form or f"has-{fld.id}" in form


def values_from_payload(worksheet: Worksheet, payload: dict) -> dict:
    """The values of a form kept across an expired session."""
    form = MultiDict([(k, v) for k, values in payload.items() for v in values])
    return {f.id: from_form(f, form, PREFIX) for f in posted_fields(worksheet, form)}


@dataclass
class WorksheetForm:
    worksheet: Worksheet
    entry: WorksheetEntry | None
    answers: dict[str, WorksheetAnswer] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)  # shown instead of the saved answer
    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    def value(self, fld: Field) -> object:
        if fld.id in self.values:
            return self.values[fld.id]
        answer = self.answers.get(fld.id)
        empty: object = [] if fld.type in (CHECKLIST, TABLE) else ""
        if answer is None or not isinstance(answer.value, type(empty)):
            return empty  # an answer saved when the field was of another type stays in the action plan only
        return answer.value

    def revision(self, fld: Field) -> int:
        answer = self.answers.get(fld.id)
        return answer.revision if answer else 0

    def conflicts(self, fld: Field) -> list:
        answer = self.answers.get(fld.id)
        return list(answer.conflicts) if answer else []

    def table_rows(self, fld: Field) -> list[list[str]]:
        width = len(fld.columns)
        value = self.value(fld)
        saved = value if isinstance(value, list) else []
        rows = [(list(r) + [""] * width)[:width] for r in saved if isinstance(r, list)]
        wanted = max(fld.rows, len(rows) + 1)
        return rows + [[""] * len(fld.columns) for _ in range(min(wanted, 50) - len(rows))]

    @property
    def shared(self) -> bool:
        return bool(self.entry and self.entry.shared)


def load_forms(user: User, course: Course, worksheets: list[Worksheet]) -> dict[str, WorksheetForm]:
    ids = [w.id for w in worksheets]
    entries = db.session.scalars(
        select(WorksheetEntry)
        .where(WorksheetEntry.user_id == user.id, WorksheetEntry.course_slug == course.slug)
        .where(WorksheetEntry.worksheet_id.in_(ids))
        .options(selectinload(WorksheetEntry.answers).selectinload(WorksheetAnswer.conflicts))
    )
    by_id = {e.worksheet_id: e for e in entries}
    forms = {}
    for worksheet in worksheets:
        entry = by_id.get(worksheet.id)
        answers = {a.field_id: a for a in entry.answers} if entry else {}
        forms[worksheet.id] = WorksheetForm(worksheet, entry, answers)
    return forms


def worksheet_forms(user: User, course: Course, page: Page, overrides: dict | None = None) -> dict[str, WorksheetForm]:
    worksheets = [segment.worksheet for segment in page.blocks("worksheet")]
    if not worksheets:
        return {}
    forms = load_forms(user, course, worksheets)
    payload = kept.take("worksheet", request.path) or {}
    for worksheet in worksheets:
        form = forms[worksheet.id]
        if overrides and worksheet.id in overrides:
            form.values, form.errors, form.notice = overrides[worksheet.id]
        elif payload.get("worksheet") == worksheet.id:
            form.values = values_from_payload(worksheet, payload["form"])
            form.notice = "Your text was kept while you signed in again. Check it and press Save."
    return forms


register_block_view(BlockView("worksheet", worksheet_forms))
