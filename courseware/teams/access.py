"""Who may do what with a team. Every request asks again, so that someone removed from a team, or
deactivated in its cohort, loses access at once.

- a **member** (in the team, and active in its cohort) reads and edits the team's plans;
- a **leader** of the cohort (``cohorts.access``) does too, and manages the team;
- anyone else is told nothing: the team does not exist for them.
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import select

from courseware.cohorts.access import can_lead
from courseware.extensions import db
from courseware.models import Cohort, CohortMember, Team, TeamMember, User


class Standing:
    """What the person asking is to a team. Whether they lead its cohort is asked only when needed."""

    def __init__(self, user: User, team: Team, cohort: Cohort, member: TeamMember | None) -> None:
        self.user, self.team, self.cohort, self.member = user, team, cohort, member

    @cached_property
    def leads(self) -> bool:
        return can_lead(self.user, self.cohort)

    @property
    def facilitator(self) -> bool:
        return self.member is not None and self.member.facilitator

    @property
    def may_edit(self) -> bool:
        """Plans are edited by members and leaders, never in an archived team."""
        return not self.team.archived


def member_row(user: User, team: Team) -> TeamMember | None:
    """The user's membership of the team, if they are also still active in its cohort."""
    return db.session.scalar(
        select(TeamMember)
        .join(
            CohortMember,
            (CohortMember.user_id == TeamMember.user_id) & (CohortMember.cohort_id == team.cohort_id),
        )
        .where(TeamMember.team_id == team.id, TeamMember.user_id == user.id, CohortMember.active.is_(True))
    )


def standing(user: User, team_id: int) -> Standing | None:
    """The team and what ``user`` is to it, or None when they may not see it (as if it did not exist)."""
    team = db.session.get(Team, team_id)
    if team is None:
        return None
    cohort = db.session.get(Cohort, team.cohort_id)
    if cohort is None:
        return None
    found = Standing(user, team, cohort, member_row(user, team))
    if found.member is None and not found.leads:
        return None
    return found
