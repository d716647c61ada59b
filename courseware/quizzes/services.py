"""State changes for quizzes: remembering the version a learner saw, and recording attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courseware.courses import Course, Page
from courseware.courses.quiz import Quiz
from courseware.extensions import db
from courseware.models import QuizAttempt, QuizVersion, User
from courseware.models.base import utcnow
from courseware.progress import Outcome, current_cycle, settle
from courseware.quizzes.grading import AnswersInvalid, Grade, answers_from_form, grade


def _known_versions() -> dict[tuple[str, str, str], int]:
    """Versions this process has already stored, so a page view does not ask the database again."""
    return current_app.extensions.setdefault("courseware.quiz_versions", {})


def remember_version(course: Course, quiz: Quiz) -> None:
    """Store this version of the quiz once, in the caller's transaction (a page view shows it)."""
    key = (course.slug, quiz.id, quiz.version)
    known = _known_versions()
    if key in known:
        return
    query = select(QuizVersion.id).filter_by(course_slug=course.slug, quiz_id=quiz.id, version=quiz.version)
    version_id = db.session.scalar(query)
    if version_id is not None:
        known[key] = version_id  # committed by an earlier request: safe to remember in this process
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                QuizVersion(course_slug=course.slug, quiz_id=quiz.id, version=quiz.version, content=quiz.content())
            )
    except IntegrityError:  # another request stored it first
        pass


def remember_versions(course: Course, page: Page) -> None:
    """The page-view hook: every quiz on the page, as shown."""
    for segment in page.blocks("quiz"):
        remember_version(course, segment.quiz)


def stored_version(course_slug: str, quiz_id: str, version: str) -> tuple[int, Quiz] | None:
    """A stored version of a quiz; versions never change, so each process keeps those it has read."""
    cache = current_app.extensions.setdefault("courseware.quiz_contents", {})
    key = (course_slug, quiz_id, version)
    if key not in cache:
        row = db.session.scalar(
            select(QuizVersion).filter_by(course_slug=course_slug, quiz_id=quiz_id, version=version)
        )
        if row is None:
            return None
        cache[key] = (row.id, Quiz.from_content(row.content))
    return cache[key]


def attempts_for(
    user: User, course_slug: str, quiz_id: str | None = None, cycle: int | None = None
) -> list[QuizAttempt]:
    """The learner's attempts in one cycle (the current one unless named), by quiz and number."""
    cycle = cycle or current_cycle(user.id, course_slug)
    query = select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_slug == course_slug, QuizAttempt.cycle == cycle
    )
    if quiz_id is not None:
        query = query.where(QuizAttempt.quiz_id == quiz_id)
    return list(db.session.scalars(query.order_by(QuizAttempt.quiz_id, QuizAttempt.number)))


def attempt_count(user: User, course_slug: str, quiz_id: str, cycle: int) -> int:
    query = select(func.count(QuizAttempt.id)).filter_by(
        user_id=user.id, course_slug=course_slug, quiz_id=quiz_id, cycle=cycle
    )
    return db.session.scalar(query) or 0


@dataclass
class Submission:
    attempt: QuizAttempt
    grade: Grade | None
    duplicate: bool  # the same attempt was already recorded (double click, second tab)
    outcome: Outcome = field(default_factory=Outcome)  # what the attempt did to the course as a whole


class AttemptsUsedUp(Exception):
    pass


class VersionUnknown(Exception):
    """The form names a version of the quiz that was never shown to anyone."""


def submit_attempt(
    user: User,
    course: Course,
    quiz_id: str,
    version: str,
    number: int,
    form,
    started_at: datetime | None = None,
) -> Submission:
    """Grade the answers in ``form`` against the version the learner saw; record attempt ``number`` once,
    and settle the course in the same transaction. Commits.

    Raises AnswersInvalid (nothing stored), AttemptsUsedUp or VersionUnknown.
    """
    found = stored_version(course.slug, quiz_id, version)
    if found is None:
        raise VersionUnknown(version)
    version_id, quiz = found
    block = course.find_block("quiz", quiz_id)
    if block is None:  # the quiz is no longer in the course
        raise VersionUnknown(version)
    current = block[1].quiz  # its rules apply, whatever version was answered
    cycle = current_cycle(user.id, course.slug)
    recorded = attempt_count(user, course.slug, quiz_id, cycle)
    if number <= recorded:
        existing = _attempt(user, course.slug, quiz_id, number, cycle)
        if existing is not None:
            return Submission(existing, None, duplicate=True)
    if current.attempts is not None and number > current.attempts:
        raise AttemptsUsedUp()
    if number != recorded + 1:
        raise AnswersInvalid({"": "This attempt is out of date. Reload the page and answer again."})
    answers = answers_from_form(quiz, form)
    result = grade(quiz, answers)
    result.passed = result.score >= current.pass_mark
    attempt = QuizAttempt(
        user_id=user.id,
        course_slug=course.slug,
        quiz_id=quiz_id,
        cycle=cycle,
        number=number,
        quiz_version_id=version_id,
        answers=answers,
        results={r.question_id: r.correct for r in result.results},
        score=result.score,
        passed=result.passed,
        started_at=started_at,
        submitted_at=utcnow(),
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:  # the same attempt, recorded by a request that raced this one
        db.session.rollback()
        existing = _attempt(user, course.slug, quiz_id, number, cycle)
        if existing is None:
            raise
        return Submission(existing, None, duplicate=True)
    outcome = settle(user, course)
    db.session.commit()
    return Submission(attempt, result, duplicate=False, outcome=outcome)


def _attempt(user: User, course_slug: str, quiz_id: str, number: int, cycle: int) -> QuizAttempt | None:
    query = select(QuizAttempt).filter_by(
        user_id=user.id, course_slug=course_slug, quiz_id=quiz_id, number=number, cycle=cycle
    )
    return db.session.scalar(query)


def find_attempt(user: User, course_slug: str, quiz_id: str, number: int, cycle: int | None = None):
    return _attempt(user, course_slug, quiz_id, number, cycle or current_cycle(user.id, course_slug))
