"""Who may read, post in and moderate a circle: its cohort's active members, and leaders in scope.

A circle is the discussion of one module of a course assigned to the cohort. Members read and post;
leaders of the cohort (``cohorts.access.can_lead``: a cohort leader, a leader of its organisation,
an admin) read, post and moderate. Anyone else finds nothing: a 404, as if it did not exist. A member
removed from the roster or deactivated loses access at once: every request checks again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courseware.cohorts.access import can_lead
from courseware.courses import Course, Module, catalog
from courseware.extensions import db
from courseware.models import Assignment, Circle, Cohort, CohortMember, User

MEMBER = "member"
LEADER = "leader"


@dataclass
class Place:
    """A circle's cohort, course and module, and the role of the person asking."""

    cohort: Cohort
    course: Course
    module: Module
    role: str
    circle: Circle | None  # None until someone posts (or a leader locks it)

    @property
    def moderates(self) -> bool:
        return self.role == LEADER

    @property
    def locked(self) -> bool:
        return self.circle is not None and self.circle.locked_at is not None


def is_member(user: User, cohort_id: int) -> bool:
    return (
        db.session.scalar(
            select(CohortMember.id)
            .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id)
            .where(CohortMember.active.is_(True))
        )
        is not None
    )


def role_in(user: User, cohort: Cohort) -> str | None:
    """LEADER for a leader in scope, MEMBER for an active member, None for anyone else."""
    if not user.is_authenticated:
        return None
    if can_lead(user, cohort):
        return LEADER
    return MEMBER if is_member(user, cohort.id) else None


def find_place(user: User, cohort_id: int, course_slug: str, module_slug: str) -> Place | None:
    """The circle's place if ``user`` may read it: the course assigned to the cohort, published and
    whole, with that module. None otherwise."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return None
    role = role_in(user, cohort)
    if role is None:
        return None
    assigned = db.session.scalar(
        select(Assignment.id).where(Assignment.cohort_id == cohort.id, Assignment.course_slug == course_slug)
    )
    course = catalog().get(course_slug)
    if assigned is None or course is None or course.is_broken:
        return None
    module = course.module(module_slug)
    if module is None:
        return None
    circle = db.session.scalar(
        select(Circle).filter_by(cohort_id=cohort.id, course_slug=course.slug, module_slug=module.slug)
    )
    return Place(cohort, course, module, role, circle)


def place_of(user: User, circle: Circle) -> Place | None:
    return find_place(user, circle.cohort_id, circle.course_slug, circle.module_slug)


def learner_cohorts(user: User, course_slug: str) -> list[Cohort]:
    """The cohorts the learner is an active member of that have the course assigned, by name."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .join(Assignment, Assignment.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
            .where(Assignment.course_slug == course_slug)
            .order_by(Cohort.name)
        )
    )
