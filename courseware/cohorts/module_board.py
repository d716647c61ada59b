"""Each module of a paced assignment on the leaders' dashboard: who is on track, behind or done.

A module is done when its pages are read and its quizzes passed in the member's current round of
the course (or the course is completed); behind when it is not done after its due date. Two
queries, whatever the cohort's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from courseware.cohorts.dashboard import Dashboard
from courseware.courses import Course, Module
from courseware.extensions import db
from courseware.models import Assignment, CohortMember, Enrolment, ModuleDate, PageProgress, QuizAttempt

ON_TRACK, BEHIND, DONE = "on-track", "behind", "done"
MODULE_LABELS = {ON_TRACK: "On track", BEHIND: "Behind", DONE: "Done"}


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


def work_done(assignment: Assignment, course: Course, modules: list[Module]) -> dict[int, set[str]]:
    """{user id: the slugs of the modules whose pages are all read and quizzes all passed}."""
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
    passed: dict[int, set[str]] = {}
    for user_id, quiz_id in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id)
        .join(latest, (latest.c.user_id == QuizAttempt.user_id) & (latest.c.cycle == QuizAttempt.cycle))
        .where(QuizAttempt.course_slug == course.slug, QuizAttempt.passed.is_(True))
        .distinct()
    ).all():
        passed.setdefault(user_id, set()).add(quiz_id)
    done: dict[int, set[str]] = {}
    for user_id, read in pages.items():
        for module in modules:
            quizzes = {seg.quiz.id for p in module.pages for seg in p.blocks("quiz")}
            if read.get(module.slug, 0) >= len(module.pages) and quizzes <= passed.get(user_id, set()):
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
    done = work_done(assignment, course, [r.module for r in rows])
    statuses: dict[int, list[str]] = {}
    for member in board.rows:
        found = []
        for row in rows:
            if member.completed_at is not None or row.module.slug in done.get(member.user_id, set()):
                status = DONE
            elif today > row.dates.due_on:
                status = BEHIND
            else:
                status = ON_TRACK
            row.counts[status] += 1
            found.append(status)
        statuses[member.user_id] = found
    return ModuleBoard(rows, statuses)
