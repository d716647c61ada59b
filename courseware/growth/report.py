"""Comparing a pre-check with a growth check: pure functions of attempts already loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from courseware.courses.model import Course, Skill
from courseware.courses.quiz import Quiz
from courseware.models import QuizAttempt


def check_done(quiz: Quiz, attempts: Sequence[QuizAttempt]) -> bool:
    """The growth check is done: passed, or every attempt used. Until then the pre-check keeps its answers,
    and the learner's growth is not shown (it would tell which of the check's questions were right)."""
    if any(a.passed for a in attempts):
        return True
    return quiz.attempts is not None and len(attempts) >= quiz.attempts


@dataclass(frozen=True)
class SkillGrowth:
    skill: Skill
    right_before: int
    asked_before: int
    right_after: int
    asked_after: int

    @property
    def before(self) -> int:
        return percent(self.right_before, self.asked_before)

    @property
    def after(self) -> int:
        return percent(self.right_after, self.asked_after)

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Growth:
    """A learner's first try at the pre-check and first try at the growth check, in one round."""

    before: int  # score, in percent
    after: int
    skills: tuple[SkillGrowth, ...]

    @property
    def change(self) -> int:
        return self.after - self.before


def percent(right: int, asked: int) -> int:
    return (200 * right + asked) // (2 * asked) if asked else 0  # rounded half up, as quiz scores are


def _tally(quiz: Quiz, attempt: QuizAttempt) -> dict[str, tuple[int, int]]:
    """Right and asked, by skill, in one attempt (the version it answered names each question's skill)."""
    found: dict[str, tuple[int, int]] = {}
    for question in quiz.asked(attempt.question_ids):
        right, asked = found.get(question.skill, (0, 0))
        found[question.skill] = (right + bool(attempt.results.get(question.id)), asked + 1)
    return found


def compare(course: Course, before: tuple[Quiz, QuizAttempt], after: tuple[Quiz, QuizAttempt]) -> Growth:
    """The two attempts, each with the version of its quiz it answered, skill by skill in course.yml's order."""
    was, now = _tally(*before), _tally(*after)
    skills = tuple(
        SkillGrowth(skill, *was.get(skill.id, (0, 0)), *now.get(skill.id, (0, 0)))
        for skill in course.skills
        if skill.id in was or skill.id in now
    )
    return Growth(before[1].score, after[1].score, skills)
