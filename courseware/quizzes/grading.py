"""Checking a learner's answers against a version of a quiz. Pure functions, no database."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from courseware.courses.quiz import MULTIPLE, SHORT_ANSWER, SHORT_ANSWER_MAX, Quiz
from courseware.text import clean, scrub


def normalise(text: str) -> str:
    """Ignore case, punctuation and extra spaces: 'Self-regulation.' matches 'self regulation'."""
    kept = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text.casefold())
    return " ".join(kept.split())


class AnswersInvalid(Exception):
    """The answers cannot be graded; ``errors`` maps a question id (or '' for the form) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class QuestionResult:
    question_id: str
    correct: bool
    answer: list[str] | str


@dataclass
class Grade:
    score: int
    passed: bool
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def correct_count(self) -> int:
        return sum(1 for r in self.results if r.correct)


def answers_from_form(quiz: Quiz, form, asked: list[str] | None = None) -> dict[str, list[str] | str]:
    """Read the ``q-<question id>`` fields of the questions ``asked`` (None: all); an answer to any other
    question is refused, whether it belongs to another quiz or to a question this attempt did not ask."""
    answers: dict[str, list[str] | str] = {}
    errors: dict[str, str] = {}
    questions = quiz.asked(asked)
    known = {f"q-{q.id}" for q in questions}
    strays = [key for key in form if key.startswith("q-") and key not in known]
    if any(quiz.question(key[2:]) is not None for key in strays):
        errors[""] = "Some answers are for questions this attempt does not ask. Reload the page and answer again."
    elif strays:
        errors[""] = "Some answers sent do not belong to this quiz. Reload the page and answer again."
    for question in questions:
        key = f"q-{question.id}"
        if question.type == SHORT_ANSWER:
            answers[question.id] = clean(scrub(form.get(key) or ""))
        else:
            values = [v for v in form.getlist(key) if v]
            answers[question.id] = values
    if errors:
        raise AnswersInvalid(errors)
    return answers


def validate(quiz: Quiz, answers: dict[str, list[str] | str], asked: list[str] | None = None) -> None:
    errors: dict[str, str] = {}
    for question in quiz.asked(asked):
        given = answers.get(question.id)
        if question.type == SHORT_ANSWER:
            if not isinstance(given, str) or not given:
                errors[question.id] = "Type an answer to this question."
            elif len(given) > SHORT_ANSWER_MAX:
                errors[question.id] = f"Keep your answer under {SHORT_ANSWER_MAX} characters (yours has {len(given)})."
            continue
        if not isinstance(given, list) or not given:
            errors[question.id] = "Choose all answers that apply." if question.type == MULTIPLE else "Choose an answer."
        elif any(question.choice(c) is None for c in given) or len(set(given)) != len(given):
            errors[question.id] = "That answer is not one of the choices. Reload the page and choose again."
        elif question.type != MULTIPLE and len(given) > 1:
            errors[question.id] = "Choose only one answer."
    if errors:
        raise AnswersInvalid(errors)


def grade(quiz: Quiz, answers: dict[str, list[str] | str], asked: list[str] | None = None) -> Grade:
    """The score is over the questions ``asked`` (None: all of them)."""
    validate(quiz, answers, asked)
    results = []
    for question in quiz.asked(asked):
        given = answers[question.id]
        if question.type == SHORT_ANSWER:
            correct = isinstance(given, str) and normalise(given) in {normalise(a) for a in question.answers}
        else:
            correct = set(given) == {c.id for c in question.choices if c.correct}
        results.append(QuestionResult(question.id, correct, given))
    right = sum(r.correct for r in results)
    score = (200 * right + len(results)) // (2 * len(results))  # rounded half up: 5 of 8 is 63%
    return Grade(score, score >= quiz.pass_mark, results)
