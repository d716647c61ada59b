"""The rules of quiz attempts, as pure functions of what is already loaded: which questions an
attempt asks and in which order, when the next attempt opens, and when the answers are shown."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from courseware.courses import Course
from courseware.courses.quiz import (
    REVEAL_AFTER_EACH_ATTEMPT,
    REVEAL_NEVER,
    TRUE_FALSE,
    Choice,
    Question,
    Quiz,
)
from courseware.growth import check_done
from courseware.models import QuizAttempt


def attempt_seed(user_id: int, quiz_id: str, cycle: int, number: int) -> str:
    """What an attempt's draw and order follow: the same for one attempt (a reload, a kept form),
    different for the next attempt and for the same attempt of a later renewal cycle."""
    return f"{user_id}:{quiz_id}:{cycle}:{number}"


def drawn_question_ids(quiz: Quiz, seed: str) -> list[str]:
    """The ids of the questions an attempt asks, in the quiz's order: ``quiz.draw`` of them, or all."""
    ids = [q.id for q in quiz.questions]
    if quiz.draw is None or quiz.draw >= len(ids):
        return ids
    picked = set(random.Random(f"{seed}:draw").sample(ids, quiz.draw))
    return [qid for qid in ids if qid in picked]


def choice_orders(quiz: Quiz, questions: Sequence[Question], seed: str) -> dict[str, list[Choice]]:
    """The choices of each question in the order the attempt shows them. With ``shuffle`` they are
    shuffled, except True and False, which stay as written."""
    rng = random.Random(seed)
    orders: dict[str, list[Choice]] = {}
    for question in questions:
        choices = list(question.choices)
        if quiz.shuffle and question.type != TRUE_FALSE:
            rng.shuffle(choices)
        orders[question.id] = choices
    return orders


def wait_ends(quiz: Quiz, last: QuizAttempt | None, now: datetime) -> datetime | None:
    """When the next attempt opens, while the quiz's ``wait`` after a failed ``last`` attempt runs."""
    if last is None or last.passed or not quiz.wait:
        return None
    opens = last.submitted_at + timedelta(minutes=quiz.wait)
    return opens if opens > now else None


@dataclass(frozen=True)
class AttemptState:
    """Where a learner stands with a quiz in the current cycle, under the quiz's current rules.

    ``attempts`` are the learner's attempts at this quiz in the cycle, by number. For a growth check,
    ``pre_check_taken`` says whether the course's pre-check has been taken in the cycle (it opens only then);
    for a pre-check, ``growth_done`` whether the growth check is done (its answers are shown only then)."""

    quiz: Quiz
    attempts: Sequence[QuizAttempt]
    now: datetime
    pre_check_taken: bool = True
    growth_done: bool = False

    @property
    def locked(self) -> bool:
        """A growth check waits for the pre-check, so that there is a before to compare with."""
        return self.quiz.is_growth_check and not self.pre_check_taken

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def last(self) -> QuizAttempt | None:
        return max(self.attempts, key=lambda a: a.number, default=None)

    @property
    def attempts_left(self) -> int | None:
        """None: no limit."""
        if self.quiz.attempts is None:
            return None
        return max(0, self.quiz.attempts - len(self.attempts))

    @property
    def used_up(self) -> bool:
        return self.attempts_left == 0

    @property
    def opens_at(self) -> datetime | None:
        return None if self.used_up else wait_ends(self.quiz, self.last, self.now)

    @property
    def minutes_to_wait(self) -> int:
        opens = self.opens_at
        if opens is None:
            return 0
        return max(1, math.ceil((opens - self.now).total_seconds() / 60))

    @property
    def revealed(self) -> bool:
        """Whether the right answers, the feedback on choices and the explanations may be shown."""
        if not self.attempts or self.quiz.reveal == REVEAL_NEVER:
            return False
        if self.quiz.is_pre_check:  # its answers would spoil the growth check, which asks the same skills
            return self.growth_done
        if self.quiz.reveal == REVEAL_AFTER_EACH_ATTEMPT:
            return True
        return self.passed or self.used_up


def state_of(course: Course, quiz: Quiz, attempts: Sequence[QuizAttempt], now: datetime) -> AttemptState:
    """The learner's state with ``quiz``, from their ``attempts`` at any of the course's quizzes in the cycle
    (a pre-check and a growth check each depend on the other's attempts)."""
    mine = [a for a in attempts if a.quiz_id == quiz.id]
    pair = course.growth_checks() if quiz.growth else None
    if pair is None:
        return AttemptState(quiz, mine, now)
    before, after = pair[0].quiz, pair[1].quiz
    return AttemptState(
        quiz,
        mine,
        now,
        pre_check_taken=any(a.quiz_id == before.id for a in attempts),
        growth_done=check_done(after, [a for a in attempts if a.quiz_id == after.id]),
    )
