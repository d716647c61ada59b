"""What a quiz on a page shows a learner: never the answers, only the questions and their state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import request
from werkzeug.datastructures import MultiDict

from courseware import kept
from courseware.courses import Course, Page
from courseware.courses.quiz import Question, Quiz
from courseware.models import QuizAttempt, User
from courseware.models.base import utcnow
from courseware.pages import BlockView, register_block_view, url_for_page
from courseware.progress import current_cycle
from courseware.quizzes import services
from courseware.quizzes.grading import AnswersInvalid, validate
from courseware.quizzes.rules import AttemptState, attempt_seed, choice_orders, drawn_question_ids, state_of


@dataclass
class PublicChoice:
    id: str
    html: str


@dataclass
class PublicQuestion:
    id: str
    type: str
    input_type: str
    prompt_html: str
    details_html: str
    choices: list[PublicChoice]
    is_choice: bool


@dataclass
class Review:
    """An attempt with its answers revealed: the version it answered and the questions it asked."""

    quiz: Quiz
    attempt: QuizAttempt

    @property
    def questions(self) -> list[Question]:
        return self.quiz.asked(self.attempt.question_ids)


@dataclass
class QuizForm:
    """A quiz as the form shows it: questions without answers, the learner's answers, any errors,
    and where the learner stands (attempts left, a wait, whether the answers may be shown)."""

    quiz_id: str
    title: str
    intro_html: str
    questions: list[PublicQuestion]
    question_total: int  # the quiz's questions, of which ``questions`` may be a draw
    version: str
    number: int
    pass_mark: int
    state: AttemptState
    answers: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    notice: str = ""
    review: Review | None = None  # the last attempt, when its answers may be shown
    pre_check_url: str = ""  # for a growth check: the page of the pre-check, to be taken first

    @property
    def attempts(self) -> list[QuizAttempt]:
        return list(self.state.attempts)

    @property
    def attempts_allowed(self) -> int | None:
        return self.state.quiz.attempts

    @property
    def best(self) -> QuizAttempt | None:
        return max(self.attempts, key=lambda a: a.score, default=None)

    @property
    def passed(self) -> bool:
        return self.state.passed

    @property
    def attempts_left(self) -> int | None:
        return self.state.attempts_left

    @property
    def opens_at(self) -> datetime | None:
        return self.state.opens_at

    @property
    def show_form(self) -> bool:
        """The questions are shown while an attempt can be made, and during a wait only to hand back
        answers already written (an early submission, a form kept over a sign-in)."""
        if self.state.used_up or self.state.locked:
            return False
        return self.state.opens_at is None or bool(self.answers)

    def chosen(self, question_id: str, choice_id: str) -> bool:
        given = self.answers.get(question_id)
        return isinstance(given, list) and choice_id in given

    def text(self, question_id: str) -> str:
        given = self.answers.get(question_id)
        return given if isinstance(given, str) else ""


def answers_as_sent(form) -> dict:
    """Answers sent for an older version, read as they are; they are validated against that version."""
    answers: dict = {}
    for key in form:
        if key.startswith("q-"):
            values = form.getlist(key)
            answers[key[2:]] = values
    return answers


def fit_answers(quiz: Quiz, answers: dict, asked: list[str] | None = None) -> dict:
    """Keep only the answers that still fit the questions asked (after an edit, or a tampered form)."""
    fitted: dict = {}
    for question in quiz.asked(asked):
        given = answers.get(question.id)
        if question.is_choice:
            values = given if isinstance(given, list) else []
            fitted[question.id] = [v for v in values if question.choice(v) is not None]
        else:
            fitted[question.id] = given[0] if isinstance(given, list) and given else (given or "")
    return fitted


def kept_form(user, course: Course, quiz: Quiz, attempts: list[QuizAttempt], cycle: int, payload: dict) -> QuizForm:
    """Answers kept while the learner signed in again, shown for them to submit."""
    form = MultiDict([(k, v) for k, values in payload.items() for v in values])
    asked = asked_in_next_attempt(user, quiz, [a for a in attempts if a.quiz_id == quiz.id], cycle)
    answers = fit_answers(quiz, answers_as_sent(form), asked)
    try:
        validate(quiz, answers, asked)
        errors = {}
    except AnswersInvalid as invalid:
        errors = {k: v for k, v in invalid.errors.items() if k}
    notice = "Your answers were kept. Check them and submit."
    return build_form(user, course, quiz, attempts, cycle, answers, errors, notice)


def asked_in_next_attempt(user: User, quiz: Quiz, attempts: list[QuizAttempt], cycle: int) -> list[str]:
    return drawn_question_ids(quiz, attempt_seed(user.id, quiz.id, cycle, len(attempts) + 1))


def public_questions(quiz: Quiz, seed: str) -> list[PublicQuestion]:
    """The questions an attempt asks, as the form shows them: no answers, feedback or explanations."""
    asked = quiz.asked(drawn_question_ids(quiz, seed))
    orders = choice_orders(quiz, asked, seed)
    return [
        PublicQuestion(
            q.id,
            q.type,
            q.input_type,
            q.prompt_html,
            q.details_html,
            [PublicChoice(c.id, c.html) for c in orders[q.id]],
            q.is_choice,
        )
        for q in asked
    ]


def quiz_forms(user: User, course: Course, page: Page, overrides: dict[str, QuizForm] | None = None) -> dict:
    """A QuizForm for each quiz on the page (``overrides`` carry answers and errors being shown again)."""
    forms: dict[str, QuizForm] = {}
    segments = page.blocks("quiz")
    if not segments:
        return forms
    cycle = current_cycle(user.id, course.slug)
    attempts = services.attempts_for(user, course.slug, cycle=cycle)
    payload = kept.take("quiz", request.path) or {}
    for segment in segments:
        quiz = segment.quiz
        if overrides and quiz.id in overrides:
            forms[quiz.id] = overrides[quiz.id]
            continue
        kept_answers = payload.get("form") if payload.get("quiz") == quiz.id else None
        if kept_answers:
            forms[quiz.id] = kept_form(user, course, quiz, attempts, cycle, kept_answers)
        else:
            forms[quiz.id] = build_form(user, course, quiz, attempts, cycle)
    return forms


def form_again(user: User, course: Course, quiz: Quiz, answers: dict, errors: dict, notice: str = "") -> QuizForm:
    """The form shown again after a submission that recorded nothing, with the answers that still fit."""
    cycle = current_cycle(user.id, course.slug)
    attempts = services.attempts_for(user, course.slug, cycle=cycle)
    mine = [a for a in attempts if a.quiz_id == quiz.id]
    fitted = fit_answers(quiz, answers, asked_in_next_attempt(user, quiz, mine, cycle))
    return build_form(user, course, quiz, attempts, cycle, fitted, errors, notice)


def build_form(
    user: User,
    course: Course,
    quiz: Quiz,
    attempts: list[QuizAttempt],
    cycle: int,
    answers=None,
    errors=None,
    notice="",
) -> QuizForm:
    """The form of the learner's next attempt at the current version of ``quiz``; ``attempts`` are the
    learner's attempts at the course's quizzes in the cycle."""
    state = state_of(course, quiz, attempts, utcnow())
    number = len(state.attempts) + 1
    review = Review(services.attempt_quiz(state.last), state.last) if state.revealed and state.last else None
    return QuizForm(
        quiz_id=quiz.id,
        title=quiz.title,
        intro_html=quiz.intro_html,
        questions=public_questions(quiz, attempt_seed(user.id, quiz.id, cycle, number)),
        question_total=len(quiz.questions),
        version=quiz.version,
        number=number,
        pass_mark=quiz.pass_mark,
        state=state,
        answers=answers or {},
        errors=errors or {},
        notice=notice,
        review=review,
        pre_check_url=_pre_check_url(course) if state.locked else "",
    )


def _pre_check_url(course: Course) -> str:
    pair = course.growth_checks()
    found = course.find_block("quiz", pair[0].quiz.id) if pair else None
    return f"{url_for_page(course, found[0])}#quiz-{pair[0].quiz.id}" if pair and found else ""


register_block_view(BlockView("quiz", quiz_forms, on_view=services.remember_versions))
