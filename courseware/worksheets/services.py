"""State changes for worksheets: saving answers (never losing text), sharing, and the action plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from courseware.cohorts.access import can_lead
from courseware.courses import Course
from courseware.courses import catalog as course_catalog
from courseware.courses.worksheet import Field, Worksheet, is_filled
from courseware.database import affected
from courseware.extensions import db
from courseware.models import AnswerConflict, Cohort, CohortMember, User, WorksheetAnswer, WorksheetEntry
from courseware.models.base import utcnow
from courseware.progress import Outcome, settle
from courseware.worksheets.values import ValueInvalid, clean


def find_entry(user: User, course_slug: str, worksheet_id: str) -> WorksheetEntry | None:
    return db.session.scalar(
        select(WorksheetEntry).filter_by(user_id=user.id, course_slug=course_slug, worksheet_id=worksheet_id)
    )


def entries_for(user: User, course_slug: str) -> dict[str, WorksheetEntry]:
    rows = db.session.scalars(select(WorksheetEntry).filter_by(user_id=user.id, course_slug=course_slug))
    return {entry.worksheet_id: entry for entry in rows}


def _entry(user: User, course: Course, worksheet: Worksheet) -> WorksheetEntry:
    entry = find_entry(user, course.slug, worksheet.id)
    if entry is not None:
        return entry
    try:
        with db.session.begin_nested():
            entry = WorksheetEntry(
                user_id=user.id, course_slug=course.slug, worksheet_id=worksheet.id, title=worksheet.title
            )
            db.session.add(entry)
    except IntegrityError:  # another request created it first
        entry = find_entry(user, course.slug, worksheet.id)
        if entry is None:
            raise
    return entry


@dataclass
class Saved:
    revision: int
    updated_at: datetime
    value: object  # the answer as stored now (with a conflict: the newer text, not the one sent)
    conflict: AnswerConflict | None = None

    @classmethod
    def of(cls, answer: WorksheetAnswer, conflict: AnswerConflict | None = None) -> Saved:
        return cls(answer.revision, answer.updated_at, answer.value, conflict)


def save_field(
    user: User, course: Course, worksheet: Worksheet, fld: Field, value: object, based_on: int | None
) -> Saved:
    """Save one field. ``based_on`` is the revision the learner's page started from (None: never saved).

    When the stored answer has moved on since (another tab saved newer text), the incoming value is
    kept as a conflict copy beside it and nothing is overwritten. Raises ValueInvalid for bad values.
    Part of :func:`save_worksheet` and :func:`autosave`, which commit.
    """
    value = clean(fld, value)
    if based_on:
        fast = _save_in_place(user, course, worksheet, fld, value, based_on)
        if fast is not None:
            return fast
    entry = _entry(user, course, worksheet)
    entry.title = worksheet.title
    entry.updated_at = utcnow()
    answer = db.session.scalar(select(WorksheetAnswer).filter_by(entry_id=entry.id, field_id=fld.id))
    if answer is None:
        try:
            with db.session.begin_nested():
                first = WorksheetAnswer(entry_id=entry.id, field_id=fld.id, prompt=fld.prompt, value=value, revision=1)
                db.session.add(first)
            return Saved.of(first)
        except IntegrityError:  # another request saved the first answer: this one is compared with it
            answer = db.session.scalar(select(WorksheetAnswer).filter_by(entry_id=entry.id, field_id=fld.id))
            if answer is None:
                raise
    if answer.value == value:
        return Saved.of(answer)
    if based_on == answer.revision:
        moved = affected(
            db.session.execute(
                update(WorksheetAnswer)
                .where(WorksheetAnswer.id == answer.id, WorksheetAnswer.revision == based_on)
                .values(value=value, prompt=fld.prompt, revision=based_on + 1, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        )
        if moved:
            db.session.refresh(answer)
            return Saved.of(answer)
        db.session.refresh(answer)
    # One copy per answer: text sent again from the same old page (a reload, a retry) replaces it.
    conflict = db.session.scalar(
        select(AnswerConflict).where(AnswerConflict.answer_id == answer.id).order_by(AnswerConflict.id.desc())
    )
    if conflict is None:
        conflict = AnswerConflict(answer_id=answer.id, value=value, based_on=based_on or 0)
        db.session.add(conflict)
    else:
        conflict.value, conflict.based_on = value, based_on or 0
    db.session.flush()
    return Saved.of(answer, conflict)


def _save_in_place(user: User, course: Course, worksheet: Worksheet, fld: Field, value, based_on: int) -> Saved | None:
    """The common case while typing, in one statement: the answer exists and nothing newer was saved."""
    now = utcnow()
    entry_id = (
        select(WorksheetEntry.id)
        .filter_by(user_id=user.id, course_slug=course.slug, worksheet_id=worksheet.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        update(WorksheetAnswer)
        .where(WorksheetAnswer.entry_id == entry_id, WorksheetAnswer.field_id == fld.id)
        .where(WorksheetAnswer.revision == based_on)
        .values(value=value, prompt=fld.prompt, revision=based_on + 1, updated_at=now)
        .returning(WorksheetAnswer.revision)
        .execution_options(synchronize_session=False)
    ).first()
    return Saved(row.revision, now, value) if row else None


@dataclass
class WorksheetSave:
    """The result of saving a whole worksheet: nothing is stored when any value is invalid."""

    values: dict[str, object]
    errors: dict[str, str]
    conflicts: int = 0
    outcome: Outcome = field(default_factory=Outcome)


def save_worksheet(
    user: User, course: Course, worksheet: Worksheet, posted: dict[str, tuple[object, int | None]]
) -> WorksheetSave:
    """Save the posted fields (field id -> (value, revision the form was based on)) and settle the
    course, all or nothing. Commits, or rolls back when a value is invalid."""
    result = WorksheetSave(values={}, errors={})
    for fld in worksheet.fields:
        if fld.id not in posted:
            continue
        value, based_on = posted[fld.id]
        result.values[fld.id] = value
        try:
            saved = save_field(user, course, worksheet, fld, value, based_on)
        except ValueInvalid as invalid:
            result.errors[fld.id] = str(invalid)
            continue
        result.conflicts += saved.conflict is not None
    if result.errors:
        db.session.rollback()
        return result
    result.outcome = settle(user, course)
    db.session.commit()
    return result


def autosave(
    user: User, course: Course, worksheet: Worksheet, fld: Field, value: object, based_on: int | None
) -> tuple[Saved, Outcome]:
    """Save one field as the learner types, and settle the course. Commits; raises ValueInvalid
    (nothing stored) for a value that cannot be saved."""
    try:
        saved = save_field(user, course, worksheet, fld, value, based_on)
    except ValueInvalid:
        db.session.rollback()
        raise
    outcome = settle(user, course)
    db.session.commit()
    return saved, outcome


def resolve_conflict(user: User, conflict_id: int, use_copy: bool) -> AnswerConflict | None:
    """Use the kept copy as the answer, or let it go, and settle the course. Commits.
    Only the owner's conflicts are found."""
    conflict = db.session.scalar(
        select(AnswerConflict)
        .join(WorksheetAnswer, AnswerConflict.answer_id == WorksheetAnswer.id)
        .join(WorksheetEntry, WorksheetAnswer.entry_id == WorksheetEntry.id)
        .where(AnswerConflict.id == conflict_id, WorksheetEntry.user_id == user.id)
    )
    if conflict is None:
        return None
    answer = conflict.answer
    if use_copy:
        answer.value = conflict.value
        answer.revision += 1
        answer.updated_at = utcnow()
    db.session.delete(conflict)
    course = course_catalog().get(answer.entry.course_slug)
    if use_copy and course is not None and not course.is_broken:
        db.session.flush()
        settle(user, course)
    db.session.commit()
    return conflict


def set_shared(user: User, course: Course, worksheet: Worksheet, shared: bool) -> WorksheetEntry:
    """Share the learner's entry with the leaders of their cohorts, or make it private again. Commits."""
    entry = _entry(user, course, worksheet)
    entry.shared = shared
    db.session.commit()
    return entry


@dataclass
class PlanItem:
    field: Field | None
    prompt: str
    answer: WorksheetAnswer | None


@dataclass
class PlanSection:
    module_title: str
    worksheet: Worksheet
    entry: WorksheetEntry | None
    items: list[PlanItem] = field(default_factory=list)


@dataclass
class ActionPlan:
    sections: list[PlanSection]
    earlier: list[tuple[WorksheetEntry, list[WorksheetAnswer]]]

    @property
    def answered(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.answer and is_filled(i.answer.value))


def action_plan(user: User, course: Course) -> ActionPlan:
    """Every worksheet answer in course order under its prompt; answers to fields or worksheets no
    longer in the course come last, under the prompt they were given."""
    entries = entries_for(user, course.slug)
    answers: dict[int, dict[str, WorksheetAnswer]] = {}
    if entries:
        rows = db.session.scalars(
            select(WorksheetAnswer).where(WorksheetAnswer.entry_id.in_([e.id for e in entries.values()]))
        )
        for answer in rows:
            answers.setdefault(answer.entry_id, {})[answer.field_id] = answer
    sections: list[PlanSection] = []
    placed: set[int] = set()
    for module in course.modules:
        for page in module.pages:
            for segment in page.blocks("worksheet"):
                worksheet = segment.worksheet
                entry = entries.get(worksheet.id)
                mine = answers.get(entry.id, {}) if entry else {}
                section = PlanSection(module.title, worksheet, entry)
                for fld in worksheet.fields:
                    given = mine.get(fld.id)
                    if given is not None:
                        placed.add(given.id)
                    section.items.append(PlanItem(fld, fld.prompt, given))
                sections.append(section)
    earlier = []
    for entry in entries.values():
        leftover = [a for a in answers.get(entry.id, {}).values() if a.id not in placed and is_filled(a.value)]
        if leftover:
            earlier.append((entry, leftover))
    return ActionPlan(sections, earlier)


def readable_entry(reader: User, entry_id: int) -> tuple[WorksheetEntry, str] | None:
    """An entry and its author's name, if ``reader`` may read it: its author always; a leader of a
    cohort the author is in, only once the author has shared it. Otherwise None, as if it did not exist."""
    entry = db.session.get(WorksheetEntry, entry_id)
    if entry is None:
        return None
    if entry.user_id != reader.id:
        if not entry.shared:
            return None
        cohorts = db.session.scalars(
            select(Cohort)
            .join(CohortMember)
            .where(CohortMember.user_id == entry.user_id, CohortMember.active.is_(True))
        )
        if not any(can_lead(reader, cohort) for cohort in cohorts):
            return None
    author = db.session.get(User, entry.user_id)
    return entry, author.name if author else ""
