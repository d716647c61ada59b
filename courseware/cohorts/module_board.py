"""Each module of a paced assignment on the leaders' dashboard: who is on track, behind or done.

A module is done when its pages are read and its quizzes passed in the member's current round of
the course (or the course is completed); behind when it is not done after its due date. In a course
with role tracks, a module counts the pages and quizzes of the member's track, and a module their
track leaves out is marked so. Two queries, whatever the cohort's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from courseware.cohorts.dashboard import Dashboard
from courseware.courses import Course, Module
from courseware.extensions import db
from courseware.models import Assignment, CohortMember, Enrolment, ModuleDate, PageProgress, QuizAttempt

ON_TRACK, BEHIND, DONE, NOT_THEIRS = "on-track", "behind", "done", "not-theirs"
MODULE_LABELS = {ON_TRACK: "On track", BEHIND: "Behind", DONE: "Done", NOT_THEIRS: "Not on their track"}


@dataclass
class ModuleRow:
    number: int
    module: Module
    dates: ModuleDate
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MODULE_LABELS, 0))


@dataclass
class ModuleBoard:
    modules: list[ModuleRow]
    statuses: dict[int, list[str]]  # user id -> a status per module, in the order of ``modules``

    def behind(self, module_slug: str) -> list[int]:
        index = next((i for i, m in enumerate(self.modules) if m.module.slug == module_slug), None)
        if index is None:
            return []
        return [user_id for user_id, found in self.statuses.items() if found[index] == BEHIND]


def _current_cycles(assignment: Assignment, course: Course):
    return (
        select(Enrolment.user_id, func.max(Enrolment.cycle).label("cycle"))
        .where(Enrolment.course_slug == course.slug)
        .where(
            Enrolment.user_id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == assignment.cohort_id))
        )
        .group_by(Enrolment.user_id)
        .subquery()
    )


def work_done(
    assignment: Assignment, course: Course, modules: list[Module], tracks: dict[int, str] | None = None
) -> dict[int, set[str]]:
    """{user id: the slugs of the modules whose pages are all read and quizzes all passed}; in a course
    with role tracks, the pages and quizzes of each member's track (``tracks``: user id -> track id)."""
    if course.tracks:
        return _track_work_done(assignment, course, modules, tracks or {})
    latest = _current_cycles(assignment, course)
    module_of = case(
        *[(PageProgress.page_key.in_([p.key for p in m.pages]), m.slug) for m in modules if m.pages], else_=None
    ).label("module")
    pages: dict[int, dict[str, int]] = {}
    for user_id, module, read in db.session.execute(
        select(Enrolment.user_id, module_of, func.count(PageProgress.id))
        .join(PageProgress, PageProgress.enrolment_id == Enrolment.id)
        .join(latest, (latest.c.user_id == Enrolment.user_id) & (latest.c.cycle == Enrolment.cycle))
        .where(Enrolment.course_slug == course.slug)
        .group_by(Enrolment.user_id, module_of)
    ).all():
        if module is not None:
            pages.setdefault(user_id, {})[module] = read
    passed = _passed(course, latest)
    done: dict[int, set[str]] = {}
    for user_id, read in pages.items():
        for module in modules:
            quizzes = {seg.quiz.id for p in module.pages for seg in p.blocks("quiz")}
            if read.get(module.slug, 0) >= len(module.pages) and quizzes <= passed.get(user_id, set()):
                done.setdefault(user_id, set()).add(module.slug)
    return done


def _passed(course: Course, latest) -> dict[int, set[str]]:
    passed: dict[int, set[str]] = {}
    for user_id, quiz_id in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id)
        .join(latest, (latest.c.user_id == QuizAttempt.user_id) & (latest.c.cycle == QuizAttempt.cycle))
        .where(QuizAttempt.course_slug == course.slug, QuizAttempt.passed.is_(True))
        .distinct()
    ).all():
        passed.setdefault(user_id, set()).add(quiz_id)
    return passed


def _track_work_done(
    assignment: Assignment, course: Course, modules: list[Module], tracks: dict[int, str]
) -> dict[int, set[str]]:
    """``work_done`` for a course with role tracks: the pages read, by key, compared with each module
    as the member's track holds it (the views are compiled: no query per member)."""
    latest = _current_cycles(assignment, course)
    read: dict[int, set[str]] = {}
    for user_id, key in db.session.execute(
        select(Enrolment.user_id, PageProgress.page_key)
        .join(PageProgress, PageProgress.enrolment_id == Enrolment.id)
        .join(latest, (latest.c.user_id == Enrolment.user_id) & (latest.c.cycle == Enrolment.cycle))
        .where(Enrolment.course_slug == course.slug)
    ).all():
        read.setdefault(user_id, set()).add(key)
    passed = _passed(course, latest)
    done: dict[int, set[str]] = {}
    for user_id, keys in read.items():
        track = course.whole.track_named(tracks.get(user_id))
        view = course.for_track(track.id) if track is not None else course.whole
        for module in modules:
            held = view.module(module.slug)
            if held is None:
                continue
            quizzes = {seg.quiz.id for p in held.pages for seg in p.blocks("quiz")}
            if all(p.key in keys for p in held.pages) and quizzes <= passed.get(user_id, set()):
                done.setdefault(user_id, set()).add(module.slug)
    return done


def build(assignment: Assignment, course: Course, board: Dashboard, dates: dict[str, ModuleDate], today: date):
    """The module rows of a paced assignment, with every active member's status in each; None without dates."""
    rows = [
        ModuleRow(number, module, dates[module.slug])
        for number, module in enumerate(course.modules, start=1)
        if module.slug in dates
    ]
    if not rows:
        return None
    done = work_done(assignment, course, [r.module for r in rows], {m.user_id: m.track_id for m in board.rows})
    statuses: dict[int, list[str]] = {}
    for member in board.rows:
        found = []
        view = course.for_track(member.track_id) if course.tracks and member.track_id else None
        for row in rows:
            if view is not None and view.module(row.module.slug) is None:
                status = NOT_THEIRS
            elif member.completed_at is not None or row.module.slug in done.get(member.user_id, set()):
                status = DONE
            elif today > row.dates.due_on:
                status = BEHIND
            else:
                status = ON_TRACK
            row.counts[status] += 1
            found.append(status)
        statuses[member.user_id] = found
    return ModuleBoard(rows, statuses)
