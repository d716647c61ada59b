"""State changes for quizzes: remembering the version a learner saw, and recording attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from courseware import events
from courseware.courses import Course, Page
from courseware.courses.quiz import Quiz
from courseware.extensions import db
from courseware.models import QuizAttempt, QuizShown, QuizVersion, User
from courseware.models.base import utcnow
from courseware.progress import Outcome, current_cycle, settle
from courseware.quizzes.grading import AnswersInvalid, Grade, answers_from_form, grade
from courseware.quizzes.rules import attempt_seed, drawn_question_ids, wait_ends


def _known_versions() -> dict[tuple[str, str, str], int]:
    """Versions this process has already stored, so a page view does not ask the database again."""
    return current_app.extensions.setdefault("courseware.quiz_versions", {})


def remember_version(course: Course, quiz: Quiz) -> int:
    """Store this version of the quiz once, in the caller's transaction (a page view shows it): its id."""
    key = (course.slug, quiz.id, quiz.version)
    known = _known_versions()
    if key in known:
        return known[key]
    query = select(QuizVersion.id).filter_by(course_slug=course.slug, quiz_id=quiz.id, version=quiz.version)
    version_id = db.session.scalar(query)
    if version_id is not None:
        known[key] = version_id  # committed by an earlier request: safe to remember in this process
        return version_id
    try:
        with db.session.begin_nested():
            row = QuizVersion(course_slug=course.slug, quiz_id=quiz.id, version=quiz.version, content=quiz.content())
            db.session.add(row)
        return row.id
    except IntegrityError:  # another request stored it first
        return db.session.execute(query).scalar_one()


def record_shown(user: User, course: Course, quiz: Quiz) -> None:
    """Store the current version of ``quiz`` and record it as the version shown to the learner for their
    next attempt in this cycle; the latest showing counts. Does not commit (part of a page view, or of
    ``show_again``)."""
    version_id = remember_version(course, quiz)
    cycle = current_cycle(user.id, course.slug)
    last = _last_attempt(user, course.slug, quiz.id, cycle)
    number = (last.number if last is not None else 0) + 1
    now = utcnow()
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(QuizShown).values(
        user_id=user.id, course_slug=course.slug, quiz_id=quiz.id, cycle=cycle, number=number,
        quiz_version_id=version_id, shown_at=now,
    )  # fmt: skip
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "course_slug", "quiz_id", "cycle", "number"],
            set_={"quiz_version_id": version_id, "shown_at": now},
        )
    )


def remember_versions(user: User, course: Course, page: Page) -> None:
    """The page-view hook: every quiz on the page, as shown to the learner."""
    for segment in page.blocks("quiz"):
        record_shown(user, course, segment.quiz)


def show_again(user: User, course: Course, quiz: Quiz) -> None:
    """The quiz's form is shown again after a submission that recorded no attempt: record the version it
    now shows for the learner's next attempt. Commits."""
    record_shown(user, course, quiz)
    db.session.commit()


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


def attempt_quiz(attempt: QuizAttempt) -> Quiz:
    """The version of the quiz an attempt answered; each process keeps the versions it has read."""
    cache = current_app.extensions.setdefault("courseware.quiz_contents_by_id", {})
    if attempt.quiz_version_id not in cache:
        cache[attempt.quiz_version_id] = Quiz.from_content(attempt.quiz_version.content)
    return cache[attempt.quiz_version_id]


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


@dataclass
class Submission:
    attempt: QuizAttempt
    grade: Grade | None
    duplicate: bool  # the same attempt was already recorded (double click, second tab)
    outcome: Outcome = field(default_factory=Outcome)  # what the attempt did to the course as a whole


class AttemptsUsedUp(Exception):
    pass


class AttemptTooSoon(Exception):
    """The quiz asks the learner to wait after an attempt that did not pass; ``opens_at`` is when."""

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(opens_at)
        self.opens_at = opens_at


class PreCheckFirst(Exception):
    """The growth check opens once the course's pre-check is taken in the learner's round;
    ``quiz_id`` is the pre-check's."""

    def __init__(self, quiz_id: str) -> None:
        super().__init__(quiz_id)
        self.quiz_id = quiz_id


class VersionUnknown(Exception):
    """The form names a version of the quiz that was never shown to anyone."""


class VersionNotShown(Exception):
    """The form names a version of the quiz other than the one last shown to this learner for this
    attempt (an old tab after the quiz was shown again, or a forged form)."""


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

    The version must be the one recorded as shown to this learner for attempt ``number`` (the latest page
    view that showed it): a learner cannot choose another stored version to be graded by. The questions
    graded are those the attempt asks, drawn here from that version exactly as its form drew them; the
    score is over them.

    Raises AnswersInvalid (nothing stored), AttemptsUsedUp, AttemptTooSoon, PreCheckFirst (a growth check
    before the pre-check), VersionUnknown or VersionNotShown (nothing stored).
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
    last = _last_attempt(user, course.slug, quiz_id, cycle)
    recorded = last.number if last is not None else 0
    if number <= recorded:
        existing = last if number == recorded else _attempt(user, course.slug, quiz_id, number, cycle)
        if existing is not None:
            return Submission(existing, None, duplicate=True)
    if current.attempts is not None and number > current.attempts:
        raise AttemptsUsedUp()
    pair = course.growth_checks() if current.is_growth_check else None
    if pair is not None and _last_attempt(user, course.slug, pair[0].quiz.id, cycle) is None:
        raise PreCheckFirst(pair[0].quiz.id)
    opens_at = wait_ends(current, last, utcnow())
    if opens_at is not None:
        raise AttemptTooSoon(opens_at)
    if number != recorded + 1:
        raise AnswersInvalid({"": "This attempt is out of date. Reload the page and answer again."})
    shown = db.session.scalar(
        select(QuizShown.quiz_version_id).filter_by(
            user_id=user.id, course_slug=course.slug, quiz_id=quiz_id, cycle=cycle, number=number
        )
    )
    if shown != version_id:
        raise VersionNotShown(version)
    asked = drawn_question_ids(quiz, attempt_seed(user.id, quiz_id, cycle, number))
    answers = answers_from_form(quiz, form, asked)
    result = grade(quiz, answers, asked)
    result.passed = result.score >= current.pass_mark
    attempt = QuizAttempt(
        user_id=user.id,
        course_slug=course.slug,
        quiz_id=quiz_id,
        cycle=cycle,
        number=number,
        quiz_version_id=version_id,
        question_ids=asked,
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
    events.publish(
        events.QuizSubmitted(
            user_id=user.id,
            course_slug=course.slug,
            cycle=cycle,
            quiz_id=quiz_id,
            attempt_id=attempt.id,
            number=number,
            score=attempt.score,
            passed=attempt.passed,
            at=attempt.submitted_at,
        )
    )
    outcome = settle(user, course)
    db.session.commit()
    return Submission(attempt, result, duplicate=False, outcome=outcome)


def _attempt(user: User, course_slug: str, quiz_id: str, number: int, cycle: int) -> QuizAttempt | None:
    query = select(QuizAttempt).filter_by(
        user_id=user.id, course_slug=course_slug, quiz_id=quiz_id, number=number, cycle=cycle
    )
    return db.session.scalar(query)


def _last_attempt(user: User, course_slug: str, quiz_id: str, cycle: int) -> QuizAttempt | None:
    """The learner's latest attempt in the cycle. Attempts are numbered 1, 2, 3 ... without a gap (each
    is recorded only as the next number), so its number is also how many there are."""
    query = (
        select(QuizAttempt)
        .filter_by(user_id=user.id, course_slug=course_slug, quiz_id=quiz_id, cycle=cycle)
        .order_by(QuizAttempt.number.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def find_attempt(user: User, course_slug: str, quiz_id: str, number: int, cycle: int | None = None):
    return _attempt(user, course_slug, quiz_id, number, cycle or current_cycle(user.id, course_slug))
