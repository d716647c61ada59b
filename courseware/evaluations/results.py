"""Evaluation results in aggregate: how many responded, how each statement was rated, and the comments.

Every function takes a :class:`Scope`: every response (admins), or those linked to a leader's
cohorts. Nothing here returns one person's answers: ratings come out counted, and comments come
out without their response and with their month only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select

from courseware.courses import Course
from courseware.courses.model import LIKERT_SCALE
from courseware.extensions import db
from courseware.models import (
    EvaluationComment,
    EvaluationRating,
    EvaluationResponse,
    EvaluationResponseCohort,
    EvaluationResponseOrganisation,
)

# Leaders see a group's results only once this many people have answered: with fewer, they could
# tell who said what. Admins, who run the evaluation for the provider, see every result.
MIN_RESPONSES = 3


@dataclass(frozen=True)
class Scope:
    """Whose responses are counted: every one (``cohort_ids`` and ``organisation_ids`` both None), or
    those of people who were in one of these cohorts, or in a cohort of one of these organisations."""

    cohort_ids: frozenset[int] | None = None
    organisation_ids: frozenset[int] | None = None
    minimum: int = 1  # fewer responses than this: nothing but their number is shown

    @classmethod
    def everyone(cls) -> Scope:
        return cls()

    @classmethod
    def cohort(cls, cohort_id: int) -> Scope:
        return cls(cohort_ids=frozenset({cohort_id}), minimum=MIN_RESPONSES)

    @classmethod
    def organisations(cls, organisation_ids: Iterable[int]) -> Scope:
        return cls(organisation_ids=frozenset(organisation_ids), minimum=MIN_RESPONSES)


@dataclass(frozen=True)
class ItemResult:
    id: str
    statement: str
    counts: tuple[int, ...]  # how many chose each point of the scale, strongly disagree first

    @property
    def responses(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        """The mean rating, from 1 (strongly disagree) to 5 (strongly agree); None without ratings."""
        if not self.responses:
            return None
        return round(sum(point * n for point, n in enumerate(self.counts, start=1)) / self.responses, 2)

    @property
    def percents(self) -> tuple[int, ...]:
        """Each point's share, in whole percent."""
        total = self.responses
        return tuple(round(100 * n / total) if total else 0 for n in self.counts)


@dataclass(frozen=True)
class Comment:
    question_id: str
    question: str
    text: str
    month: date  # the first day of the month it was written in; the day is not shown


@dataclass
class Results:
    course_slug: str
    version: str | None  # None: every version
    responses: int
    minimum: int
    items: list[ItemResult] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # newest first

    @property
    def shown(self) -> bool:
        """Enough responses to show the ratings and comments."""
        return self.responses >= max(self.minimum, 1)

    def comments_by_question(self) -> list[tuple[str, list[Comment]]]:
        grouped: dict[str, list[Comment]] = {}
        for comment in self.comments:
            grouped.setdefault(comment.question, []).append(comment)
        return list(grouped.items())


def summarise(rows: Iterable[tuple[str, int, int]], statements: dict[str, str], order: list[str]) -> list[ItemResult]:
    """Item results from (item id, rating, count) rows; items in ``order`` first, then the others by id."""
    counts: dict[str, list[int]] = {}
    for item_id, rating, count in rows:
        if 1 <= rating <= len(LIKERT_SCALE):
            counts.setdefault(item_id, [0] * len(LIKERT_SCALE))[rating - 1] += count
    ranked = [i for i in order if i in counts] + sorted(set(counts) - set(order))
    return [ItemResult(i, statements.get(i, i), tuple(counts[i])) for i in ranked]


def results(course: Course, scope: Scope, version: str | None = None) -> Results:
    """The course's results for the scope, for one version or all of them."""
    ids = _response_ids(course.slug, scope, version)
    responses = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    found = Results(course.slug, version, responses, scope.minimum)
    if not found.shown:
        return found
    rows = db.session.execute(
        select(EvaluationRating.item_id, EvaluationRating.rating, func.count())
        .where(EvaluationRating.response_id.in_(ids))
        .group_by(EvaluationRating.item_id, EvaluationRating.rating)
    ).all()
    order = [item.id for item in course.evaluation.items] if course.evaluation else []
    found.items = summarise(rows, _statements(course, ids), order)
    found.comments = [
        Comment(question_id, question, text, submitted_on.replace(day=1))
        for question_id, question, text, submitted_on in db.session.execute(
            select(
                EvaluationComment.question_id,
                EvaluationComment.question,
                EvaluationComment.text,
                EvaluationResponse.submitted_on,
            )
            .join(EvaluationResponse, EvaluationResponse.id == EvaluationComment.response_id)
            .where(EvaluationComment.response_id.in_(ids))
            .order_by(EvaluationResponse.submitted_on.desc(), EvaluationComment.response_id)
        )
    ]
    return found


def versions(course_slug: str, scope: Scope) -> list[tuple[str, int]]:
    """The course versions that have responses in the scope, with how many each, newest answered first."""
    ids = _response_ids(course_slug, scope, None)
    rows = db.session.execute(
        select(EvaluationResponse.course_version, func.count(), func.max(EvaluationResponse.submitted_on))
        .where(EvaluationResponse.id.in_(ids))
        .group_by(EvaluationResponse.course_version)
    ).all()
    return [(version, count) for version, count, _ in sorted(rows, key=lambda r: (r[2], r[0]), reverse=True)]


def counts_by_course(scope: Scope) -> dict[str, int]:
    """How many responses each course has in the scope."""
    query = select(EvaluationResponse.course_slug, func.count()).group_by(EvaluationResponse.course_slug)
    rows = db.session.execute(_scoped(query, scope)).all()
    return {slug: count for slug, count in rows}  # noqa: C416 (rows are Row objects)


def _response_ids(course_slug: str, scope: Scope, version: str | None) -> Select:
    query = select(EvaluationResponse.id).where(EvaluationResponse.course_slug == course_slug)
    if version is not None:
        query = query.where(EvaluationResponse.course_version == version)
    return _scoped(query, scope)


def _scoped(query: Select, scope: Scope) -> Select:
    if scope.cohort_ids is not None:
        linked = select(EvaluationResponseCohort.response_id).where(
            EvaluationResponseCohort.cohort_id.in_(scope.cohort_ids)
        )
        query = query.where(EvaluationResponse.id.in_(linked))
    if scope.organisation_ids is not None:
        linked = select(EvaluationResponseOrganisation.response_id).where(
            EvaluationResponseOrganisation.organisation_id.in_(scope.organisation_ids)
        )
        query = query.where(EvaluationResponse.id.in_(linked))
    return query


def _statements(course: Course, ids: Select) -> dict[str, str]:
    """Each item's statement: as the course words it now, or as it was last rated if it is gone."""
    current = {item.id: item.text for item in course.evaluation.items} if course.evaluation else {}
    rows = db.session.execute(
        select(EvaluationRating.item_id, EvaluationRating.statement, func.max(EvaluationResponse.submitted_on))
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationRating.response_id)
        .where(EvaluationRating.response_id.in_(ids))
        .group_by(EvaluationRating.item_id, EvaluationRating.statement)
    ).all()
    rated: dict[str, str] = {}
    for item_id, statement, _ in sorted(rows, key=lambda r: r[2]):
        rated[item_id] = statement
    return {**rated, **current}
