"""A compiled case study: a situation, a prompt, a model response and a rubric the learner scores themselves on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_MINUTES = 12  # reading the situation, writing a response and scoring it
RESPONSE_MAX = 4_000  # characters in a learner's response
FEWEST_CRITERIA = 3
MOST_CRITERIA = 6

# How a learner scores their response on each criterion, and the points each level is worth.
MET, PARTLY, NOT_YET = "met", "partly", "not-yet"
LEVELS: tuple[tuple[str, str, int], ...] = ((MET, "Met", 2), (PARTLY, "Partly", 1), (NOT_YET, "Not yet", 0))
POINTS = {level: points for level, _, points in LEVELS}
LEVEL_LABELS = {level: label for level, label, _ in LEVELS}


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str  # plain, as written by the author
    html: str


@dataclass(frozen=True)
class CaseStudy:
    id: str
    title: str
    situation_html: str
    prompt_html: str
    model_html: str
    criteria: list[Criterion]
    minutes: int
    line: int = 0

    @property
    def most_points(self) -> int:
        return POINTS[MET] * len(self.criteria)


@dataclass(frozen=True)
class CaseStudySegment:
    """The place of a case study on a page."""

    case_study: CaseStudy
    declared: bool = False  # the author wrote its minutes; else the default
    kind: str = "case_study"

    @property
    def minutes(self) -> int:
        return self.case_study.minutes


@dataclass(frozen=True)
class Score:
    """A learner's self-score of one response against the rubric as it stands."""

    points: int
    most: int
    met: int  # criteria scored "Met"
    criteria: int
    complete: bool  # every criterion of the rubric is scored

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.most) if self.most else 0


def score_of(case_study: CaseStudy, scores: Any) -> Score:
    """The score the learner gave, counting only the rubric's current criteria (a criterion the author
    removed no longer counts; one they added is unscored until the learner scores it)."""
    given = scores if isinstance(scores, dict) else {}
    levels = [given.get(c.id) for c in case_study.criteria]
    return Score(
        points=sum(POINTS.get(level, 0) for level in levels if isinstance(level, str)),
        most=case_study.most_points,
        met=sum(1 for level in levels if level == MET),
        criteria=len(case_study.criteria),
        complete=all(isinstance(level, str) and level in POINTS for level in levels),
    )


def is_done(case_study: CaseStudy, response: str | None, scores: Any) -> bool:
    """Done: a response is written and every criterion of the rubric is scored."""
    return bool(response and response.strip()) and score_of(case_study, scores).complete
