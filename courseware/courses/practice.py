"""A compiled practice block: an activity done in school, between sessions, that the learner logs."""

from __future__ import annotations

from dataclasses import dataclass

# Defaults of the block's options (docs/authoring.md).
DEFAULT_MINUTES = 30  # the time the activity is expected to take
DEFAULT_ENTRY_MAX = 60  # the most one logged entry may claim


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    instructions_html: str
    minutes: int  # expected time: counted in the module's estimate, and the most its log counts
    entry_max: int  # the most minutes one entry may claim
    line: int = 0

    @property
    def cap(self) -> int:
        """The most logged minutes this block counts toward its module's time."""
        return self.minutes


@dataclass(frozen=True)
class PracticeSegment:
    """The place of a practice block on a page."""

    practice: Practice
    kind: str = "practice"

    @property
    def minutes(self) -> int:
        return self.practice.minutes
