"""What a discussion block on a course page shows: its prompts, and the way into the learner's circle."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.circles.access import learner_cohorts, learner_teams
from courseware.courses import Course, Page
from courseware.models import Cohort, Team, User
from courseware.pages import BlockView, register_block_view


@dataclass
class DiscussionPlace:
    """The cohorts whose circle of this module the learner can open (none: they take the course alone), and
    the open teams whose circle of it they can open."""

    cohorts: list[Cohort]
    signed_in: bool
    teams: list[Team]


def discussion_places(
    user: User, course: Course, page: Page, overrides: dict | None = None
) -> dict[str, DiscussionPlace]:
    """The same place for every discussion block of the page: the module's circle in each of the learner's cohorts
    and teams."""
    signed_in = bool(user.is_authenticated)
    blocks = page.blocks("discussion")
    cohorts = learner_cohorts(user, course.slug) if signed_in and blocks else []
    teams = learner_teams(user, course.slug) if cohorts else []
    return {seg.discussion.id: DiscussionPlace(cohorts, signed_in, teams) for seg in blocks}


register_block_view(BlockView("discussion", discussion_places))
