"""Reading assignments' pacing: module dates, what is due next for a learner, whether a module is open yet.

:func:`module_opens_on` is registered with ``pages`` as a module gate, asked on every way into a
module (its pages, quizzes, worksheets and practice); the learning area asks :func:`due_next` for
the home pages; every function reads only, and loads a fixed number of rows whatever a cohort's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from courseware.courses import Course
from courseware.extensions import db
from courseware.models import Assignment, CohortMember, ModuleDate, PacingPlan, User
from courseware.pages import register_module_gate


@dataclass(frozen=True)
class DueNext:
    """The next module a learner has to finish in an assigned course, and when."""

    module_title: str
    module_number: int
    due_on: date
    overdue: bool


def plan_of(assignment: Assignment) -> PacingPlan | None:
    return db.session.get(PacingPlan, assignment.id)


def dates_of(assignment: Assignment) -> list[ModuleDate]:
    return list(db.session.scalars(select(ModuleDate).where(ModuleDate.assignment_id == assignment.id)))


def dates_by_assignment(assignment_ids: list[int]) -> dict[int, dict[str, ModuleDate]]:
    """{assignment id: {module slug: its dates}}, in one query."""
    found: dict[int, dict[str, ModuleDate]] = {}
    if not assignment_ids:
        return found
    for row in db.session.scalars(select(ModuleDate).where(ModuleDate.assignment_id.in_(assignment_ids))):
        found.setdefault(row.assignment_id, {})[row.module] = row
    return found


def module_opens_on(user: User, course_slug: str, module_slug: str, today: date) -> date | None:
    """The day the module opens to this learner, when it is not open yet; None when it is open.

    It is closed only when every assignment of the course to the learner's cohorts opens it later
    (a learner in two cohorts follows the earlier)."""
    if not user.is_authenticated:
        return None
    rows = db.session.execute(
        select(Assignment.id, ModuleDate.opens_on)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .outerjoin(ModuleDate, (ModuleDate.assignment_id == Assignment.id) & (ModuleDate.module == module_slug))
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True), Assignment.course_slug == course_slug)
    ).all()
    later = [opens for _, opens in rows if opens is not None and opens > today]
    return min(later) if rows and len(later) == len(rows) else None


def due_next(course: Course, dates: dict[str, ModuleDate], done, today: date) -> DueNext | None:
    """The first module, in course order, with a due date and not done (``done(module)`` says);
    None when every dated module is done or the assignment has no module dates."""
    for number, module in enumerate(course.modules, start=1):
        found = dates.get(module.slug)
        if found is not None and not done(module):
            return DueNext(module.title, number, found.due_on, today > found.due_on)
    return None


register_module_gate(module_opens_on)
