"""Reading growth: one learner's, for their own pages, and a cohort's, for its leaders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select

from courseware.courses import Course
from courseware.courses.quiz import Quiz
from courseware.extensions import db
from courseware.growth.report import Growth, check_done, compare
from courseware.models import QuizAttempt, QuizVersion, User
from courseware.progress import current_cycle


def growth_for(user: User, course: Course) -> Growth | None:
    """The learner's growth in their current round, once the growth check is done; None before that, or in
    a course without a pre-check and growth check. Two queries."""
    pair = course.growth_checks()
    if pair is None or not user.is_authenticated:
        return None
    before_quiz, after_quiz = pair[0].quiz, pair[1].quiz
    cycle = current_cycle(user.id, course.slug)
    rows = db.session.execute(
        select(QuizAttempt, QuizVersion.content)
        .join(QuizVersion, QuizVersion.id == QuizAttempt.quiz_version_id)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.course_slug == course.slug, QuizAttempt.cycle == cycle)
        .where(QuizAttempt.quiz_id.in_([before_quiz.id, after_quiz.id]))
        .order_by(QuizAttempt.number)
    ).all()
    attempts = [attempt for attempt, _ in rows if attempt.quiz_id == after_quiz.id]
    firsts = {
        attempt.quiz_id: (Quiz.from_content(content), attempt) for attempt, content in rows if attempt.number == 1
    }
    if before_quiz.id not in firsts or after_quiz.id not in firsts or not check_done(after_quiz, attempts):
        return None
    return compare(course, firsts[before_quiz.id], firsts[after_quiz.id])


@dataclass(frozen=True)
class CohortGrowth:
    """The members' scores, before (the pre-check) and after (the first try at the growth check)."""

    scores: Mapping[int, tuple[int | None, int | None]]  # user id -> (before, after)

    @property
    def both(self) -> list[tuple[int, int]]:
        return [(b, a) for b, a in self.scores.values() if b is not None and a is not None]

    @property
    def took_both(self) -> int:
        return len(self.both)

    @property
    def average_before(self) -> int | None:
        both = self.both
        return round(sum(b for b, _ in both) / len(both)) if both else None

    @property
    def average_after(self) -> int | None:
        both = self.both
        return round(sum(a for _, a in both) / len(both)) if both else None

    def of(self, user_id: int) -> tuple[int | None, int | None]:
        return self.scores.get(user_id, (None, None))


def cohort_growth(course: Course, users: Select, cycles: Mapping[int, int]) -> CohortGrowth | None:
    """Each member's first score at the pre-check and at the growth check in their current round
    (``cycles``: user id -> current cycle). One query, whatever the cohort's size; None in a course
    without them."""
    pair = course.growth_checks()
    if pair is None:
        return None
    before_id, after_id = pair[0].quiz.id, pair[1].quiz.id
    scores: dict[int, tuple[int | None, int | None]] = {}
    for user_id, quiz_id, cycle, score in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.cycle, QuizAttempt.score)
        .where(QuizAttempt.course_slug == course.slug, QuizAttempt.user_id.in_(users))
        .where(QuizAttempt.quiz_id.in_([before_id, after_id]), QuizAttempt.number == 1)
    ).all():
        if cycle != cycles.get(user_id, 1):
            continue
        before, after = scores.get(user_id, (None, None))
        scores[user_id] = (score, after) if quiz_id == before_id else (before, score)
    return CohortGrowth(scores)
