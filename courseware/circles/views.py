"""What a discussion block on a course page shows: its prompts, and the way into the learner's circle."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.circles.access import learner_cohorts
from courseware.courses import Course, Page
from courseware.models import Cohort, User
from courseware.pages import BlockView, register_block_view


@dataclass
class DiscussionPlace:
    """The cohorts whose circle of this module the learner can open (none: they take the course alone)."""

    cohorts: list[Cohort]
    signed_in: bool


def discussion_places(
    user: User, course: Course, page: Page, overrides: dict | None = None
) -> dict[str, DiscussionPlace]:
    """The same place for every discussion block of the page: the module's circle in each of the learner's cohorts."""
    signed_in = bool(user.is_authenticated)
    cohorts = learner_cohorts(user, course.slug) if signed_in else []
    return {seg.discussion.id: DiscussionPlace(cohorts, signed_in) for seg in page.blocks("discussion")}


register_block_view(BlockView("discussion", discussion_places))
