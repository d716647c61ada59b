"""Who may read, post in and moderate a circle: its cohort's active members, and leaders in scope.

A circle is the discussion of one module of a course assigned to the cohort. Members read and post;
leaders of the cohort (``cohorts.access.can_lead``: a cohort leader, a leader of its organisation,
an admin) read, post and moderate. Anyone else finds nothing: a 404, as if it did not exist. A member
removed from the roster or deactivated loses access at once: every request checks again.

A team's circle (the discussion of one module among one team of the cohort) is read and posted in by
the team's members who are active in the cohort, and by the cohort's leaders; the team's facilitators
moderate it beside the leaders. A facilitator moderates nothing else: not another team's circle, not
the cohort's. Someone removed from the team, or deactivated in the cohort, loses access at once. An
archived team's circles can be read, not posted in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from courseware.cohorts.access import can_lead
from courseware.courses import Course, Module, catalog
from courseware.extensions import db
from courseware.models import Assignment, Circle, Cohort, CohortMember, Team, TeamMember, User

MEMBER = "member"
LEADER = "leader"
FACILITATOR = "facilitator"  # of the team whose circle it is


@dataclass
class Place:
    """A circle's cohort (and team, for a team's circle), course and module, and the role of the person asking."""

    cohort: Cohort
    course: Course
    module: Module
    role: str
    circle: Circle | None  # None until someone posts (or a leader locks it)
    team: Team | None = None  # None: the cohort's circle

    @property
    def moderates(self) -> bool:
        return self.role in (LEADER, FACILITATOR)

    @property
    def locked(self) -> bool:
        return self.circle is not None and self.circle.locked_at is not None

    @property
    def archived(self) -> bool:
        """A team's circle once the team is archived: read-only."""
        return self.team is not None and self.team.archived

    @property
    def closed(self) -> bool:
        """No new posts, replies or edits: locked, or the team is archived."""
        return self.locked or self.archived

    @property
    def address(self) -> dict[str, Any]:
        """The values of the circle's address (the team's or the cohort's route)."""
        owner = {"team_id": self.team.id} if self.team else {"cohort_id": self.cohort.id}
        return {**owner, "slug": self.course.slug, "module": self.module.slug}

    @property
    def endpoint(self) -> str:
        """The prefix of the circle's routes: ``circles.`` for a cohort's, ``circles.team_`` for a team's."""
        return "circles.team_" if self.team else "circles."

    @property
    def audience(self) -> str:
        """Who the circle is among: the team's or the cohort's name."""
        return self.team.name if self.team else self.cohort.name


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


def team_role_in(user: User, team: Team, cohort: Cohort) -> str | None:
    """LEADER for a leader in scope of the team's cohort, FACILITATOR or MEMBER for someone in the team
    and active in the cohort, None for anyone else."""
    if not user.is_authenticated:
        return None
    if can_lead(user, cohort):
        return LEADER
    facilitator = db.session.scalar(
        select(TeamMember.facilitator)
        .join(
            CohortMember,
            (CohortMember.user_id == TeamMember.user_id) & (CohortMember.cohort_id == team.cohort_id),
        )
        .where(TeamMember.team_id == team.id, TeamMember.user_id == user.id, CohortMember.active.is_(True))
    )
    if facilitator is None:
        return None
    return FACILITATOR if facilitator else MEMBER


def find_place(user: User, cohort_id: int, course_slug: str, module_slug: str) -> Place | None:
    """The cohort's circle's place if ``user`` may read it: the course assigned to the cohort, published and
    whole, with that module. None otherwise."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return None
    role = role_in(user, cohort)
    if role is None:
        return None
    return _place(cohort, None, role, course_slug, module_slug)


def find_team_place(user: User, team_id: int, course_slug: str, module_slug: str) -> Place | None:
    """The team's circle's place if ``user`` may read it (see the module's docstring); None otherwise."""
    team = db.session.get(Team, team_id)
    cohort = db.session.get(Cohort, team.cohort_id) if team is not None else None
    if team is None or cohort is None:
        return None
    role = team_role_in(user, team, cohort)
    if role is None:
        return None
    return _place(cohort, team, role, course_slug, module_slug)


def _place(cohort: Cohort, team: Team | None, role: str, course_slug: str, module_slug: str) -> Place | None:
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
        select(Circle).filter_by(
            cohort_id=cohort.id, team_id=team.id if team else None, course_slug=course.slug, module_slug=module.slug
        )
    )
    return Place(cohort, course, module, role, circle, team)


def place_of(user: User, circle: Circle) -> Place | None:
    if circle.team_id is not None:
        return find_team_place(user, circle.team_id, circle.course_slug, circle.module_slug)
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


def learner_teams(user: User, course_slug: str) -> list[Team]:
    """The open teams the learner is in, in cohorts they are active in that have the course assigned, by name."""
    return list(
        db.session.scalars(
            select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .join(
                CohortMember,
                (CohortMember.cohort_id == Team.cohort_id) & (CohortMember.user_id == TeamMember.user_id),
            )
            .join(Assignment, Assignment.cohort_id == Team.cohort_id)
            .where(TeamMember.user_id == user.id, CohortMember.active.is_(True), Team.archived_at.is_(None))
            .where(Assignment.course_slug == course_slug)
            .order_by(Team.name, Team.id)
        )
    )
