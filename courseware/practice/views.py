"""What a practice block on a page shows the learner: the activity, their own log, and the form to add to it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from flask import request

from courseware import kept
from courseware.courses import Course, Page
from courseware.courses.practice import Practice
from courseware.models import PracticeEntry, User
from courseware.models.base import utcnow
from courseware.pages import BlockView, register_block_view
from courseware.practice.services import entries_for
from courseware.practice.values import FIELDS, SLACK, form_key
from courseware.progress import find_enrolment

KEPT_NOTICE = (
    "Your entry was kept while you signed in again. Check it, tick the statement again and press Log practice."
)


@dataclass
class PracticeForm:
    practice: Practice
    entries: list[PracticeEntry]
    form_key: str  # sent with the form, so that sending it twice logs it once
    started: date  # the day the learner's enrolment in this cycle began
    today: date
    closed: bool = False  # the course is completed in this cycle: the log is kept as it counted
    values: dict[str, str] = field(default_factory=dict)  # typed values shown again
    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    @property
    def logged(self) -> int:
        return sum(entry.minutes for entry in self.entries)

    @property
    def counted(self) -> int:
        """What counts toward the module's active time: the log, up to the block's cap."""
        return min(self.logged, self.practice.cap)

    @property
    def over_cap(self) -> bool:
        return self.logged > self.practice.cap

    @property
    def earliest(self) -> date:
        return self.started - SLACK

    @property
    def latest(self) -> date:
        return self.today + SLACK

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def practice_forms(
    user: User, course: Course, page: Page, overrides: dict[str, tuple[dict, dict]] | None = None
) -> dict[str, PracticeForm]:
    """A PracticeForm for each practice block on the page (``overrides``: typed values and errors by block id)."""
    practices = [segment.practice for segment in page.blocks("practice")]
    if not practices:
        return {}
    now = utcnow()
    enrolment = find_enrolment(user.id, course.slug)
    entries = entries_for(user, course, [p.id for p in practices], enrolment) if enrolment else []
    started = enrolment.enrolled_at.date() if enrolment else now.date()
    closed = bool(enrolment and enrolment.completed_at)
    payload = kept.take("practice", request.path) or {}
    forms = {}
    for practice in practices:
        form = PracticeForm(
            practice,
            [e for e in entries if e.practice_id == practice.id],
            secrets.token_urlsafe(16),
            started,
            now.date(),
            closed,
        )
        if overrides and practice.id in overrides:
            form.values, form.errors = overrides[practice.id]
        elif payload.get("practice") == practice.id:
            sent = payload.get("form", {})
            form.values = {name: (sent.get(name) or [""])[0] for name in (*FIELDS, "form_key")}
            form.notice = KEPT_NOTICE
        key = form_key(form.values.get("form_key"))
        form.form_key = key or form.form_key
        forms[practice.id] = form
    return forms


register_block_view(BlockView("practice", practice_forms))
