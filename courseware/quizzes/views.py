"""What a quiz on a page shows a learner: never the answers, only the questions and their state."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from flask import request
from werkzeug.datastructures import MultiDict

from courseware import kept
from courseware.courses import Course, Page
from courseware.courses.quiz import Quiz
from courseware.models import QuizAttempt, User
from courseware.pages import BlockView, register_block_view
from courseware.quizzes import services
from courseware.quizzes.grading import AnswersInvalid, validate


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
class QuizForm:
    """A quiz as the form shows it: questions without answers, the learner's answers, any errors."""

    quiz_id: str
    title: str
    intro_html: str
    questions: list[PublicQuestion]
    version: str
    number: int
    pass_mark: int
    attempts_allowed: int | None
    attempts: list[QuizAttempt] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    notice: str = ""

    @property
    def best(self) -> QuizAttempt | None:
        return max(self.attempts, key=lambda a: a.score, default=None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def attempts_left(self) -> int | None:
        return None if self.attempts_allowed is None else max(0, self.attempts_allowed - len(self.attempts))

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


def fit_answers(quiz: Quiz, answers: dict) -> dict:
    """Keep only the answers that still fit the questions (after an edit, or a tampered form)."""
    fitted: dict = {}
    for question in quiz.questions:
        given = answers.get(question.id)
        if question.is_choice:
            values = given if isinstance(given, list) else []
            fitted[question.id] = [v for v in values if question.choice(v) is not None]
        else:
            fitted[question.id] = given[0] if isinstance(given, list) and given else (given or "")
    return fitted


def kept_form(user, quiz: Quiz, attempts: list[QuizAttempt], payload: dict) -> QuizForm:
    """Answers kept while the learner signed in again, shown for them to submit."""
    form = MultiDict([(k, v) for k, values in payload.items() for v in values])
    answers = fit_answers(quiz, answers_as_sent(form))
    try:
        validate(quiz, answers)
        errors = {}
    except AnswersInvalid as invalid:
        errors = {k: v for k, v in invalid.errors.items() if k}
    return build_form(user, quiz, attempts, answers, errors, "Your answers were kept. Check them and submit.")


def public_questions(quiz: Quiz, seed: str) -> list[PublicQuestion]:
    rng = random.Random(seed)
    questions = []
    for q in quiz.questions:
        choices = [PublicChoice(c.id, c.html) for c in q.choices]
        if quiz.shuffle:
            rng.shuffle(choices)
        questions.append(
            PublicQuestion(q.id, q.type, q.input_type, q.prompt_html, q.details_html, choices, q.is_choice)
        )
    return questions


def quiz_forms(user: User, course: Course, page: Page, overrides: dict[str, QuizForm] | None = None) -> dict:
    """A QuizForm for each quiz on the page (``overrides`` carry answers and errors being shown again)."""
    forms: dict[str, QuizForm] = {}
    segments = page.blocks("quiz")
    if not segments:
        return forms
    attempts = services.attempts_for(user, course.slug)
    payload = kept.take("quiz", request.path) or {}
    for segment in segments:
        quiz = segment.quiz
        if overrides and quiz.id in overrides:
            forms[quiz.id] = overrides[quiz.id]
            continue
        mine = [a for a in attempts if a.quiz_id == quiz.id]
        kept_answers = payload.get("form") if payload.get("quiz") == quiz.id else None
        forms[quiz.id] = kept_form(user, quiz, mine, kept_answers) if kept_answers else build_form(user, quiz, mine)
    return forms


def build_form(user: User, quiz: Quiz, attempts: list[QuizAttempt], answers=None, errors=None, notice="") -> QuizForm:
    number = len(attempts) + 1
    return QuizForm(
        quiz_id=quiz.id,
        title=quiz.title,
        intro_html=quiz.intro_html,
        questions=public_questions(quiz, f"{user.id}:{quiz.id}:{number}"),
        version=quiz.version,
        number=number,
        pass_mark=quiz.pass_mark,
        attempts_allowed=quiz.attempts,
        attempts=attempts,
        answers=answers or {},
        errors=errors or {},
        notice=notice,
    )


register_block_view(BlockView("quiz", quiz_forms, on_view=services.remember_versions))
