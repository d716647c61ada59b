"""Grading a quiz: reading the form, refusing what cannot be graded, scoring (no app, no database)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from courseware.courses.quiz import MULTIPLE, SHORT_ANSWER, SHORT_ANSWER_MAX, SINGLE, TRUE_FALSE, Choice, Question, Quiz
from courseware.quizzes.grading import AnswersInvalid, answers_from_form, grade, normalise, validate


def choices(*ids: str, right: tuple[str, ...] = ()) -> list[Choice]:
    return [Choice(id=c, html=c.title(), correct=c in right) for c in ids]


SKY = Question("sky", SINGLE, "Sky?", choices=choices("blue", "green", right=("blue",)))
FRUITS = Question("fruits", MULTIPLE, "Fruits?", choices=choices("apple", "pear", "carrot", right=("apple", "pear")))
BOILING = Question("boiling", TRUE_FALSE, "Boils at 100°C?", choices=choices("true", "false", right=("true",)))
CALM = Question("calm", SHORT_ANSWER, "Calm is...", answers=["self-regulation", "Self regulation"])
QUIZ = Quiz("check", "Check", "", [SKY, FRUITS, BOILING, CALM], pass_mark=80, attempts=3, shuffle=False)
RIGHT = {"sky": ["blue"], "fruits": ["apple", "pear"], "boiling": ["true"], "calm": "Self-Regulation!"}


# --- normalising short answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Self-Regulation! ", "self regulation"),
        ("self   regulation", "self regulation"),
        ("«Self» regulation…", "self regulation"),  # any punctuation, not only ASCII
        ("Café", "café"),  # letters keep their accents
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("", ""),
        ("?!", ""),
    ],
)
def test_normalise(typed, expected):
    assert normalise(typed) == expected


# --- reading the form ----------------------------------------------------------------------------


def test_answers_come_from_q_fields_lists_for_choices_text_stripped():
    fields = [("q-sky", "blue"), ("q-fruits", "apple"), ("q-fruits", "pear"), ("q-fruits", ""), ("q-boiling", "true")]
    form = MultiDict([*fields, ("q-calm", "  calm  "), ("csrf_token", "x"), ("version", "v")])
    assert answers_from_form(QUIZ, form) == {
        "sky": ["blue"],
        "fruits": ["apple", "pear"],  # an empty value is no choice
        "boiling": ["true"],
        "calm": "calm",
    }


def test_unanswered_questions_are_read_as_empty():
    assert answers_from_form(QUIZ, MultiDict()) == {"sky": [], "fruits": [], "boiling": [], "calm": ""}


def test_answers_to_questions_of_another_quiz_are_refused():
    with pytest.raises(AnswersInvalid) as refused:
        answers_from_form(QUIZ, MultiDict([*RIGHT_FORM, ("q-other", "a")]))
    assert list(refused.value.errors) == [""]


RIGHT_FORM = [("q-sky", "blue"), ("q-fruits", "apple"), ("q-fruits", "pear"), ("q-boiling", "true"), ("q-calm", "x")]


# --- what cannot be graded -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "question", "message"),
    [
        ({"sky": []}, "sky", "Choose an answer."),
        ({"fruits": []}, "fruits", "Choose all answers that apply."),
        ({"calm": ""}, "calm", "Type an answer to this question."),
        ({"calm": ["a list"]}, "calm", "Type an answer to this question."),
        ({"calm": "x" * (SHORT_ANSWER_MAX + 1)}, "calm", f"yours has {SHORT_ANSWER_MAX + 1}"),
        ({"sky": ["purple"]}, "sky", "That answer is not one of the choices."),
        ({"fruits": ["apple", "apple"]}, "fruits", "That answer is not one of the choices."),  # twice
        ({"sky": ["blue", "green"]}, "sky", "Choose only one answer."),
        ({"boiling": ["true", "false"]}, "boiling", "Choose only one answer."),
        ({"sky": "blue"}, "sky", "Choose an answer."),  # a choice question needs a list
    ],
)
def test_answers_that_cannot_be_graded_name_their_question(changes, question, message):
    with pytest.raises(AnswersInvalid) as refused:
        validate(QUIZ, {**RIGHT, **changes})
    assert list(refused.value.errors) == [question]
    assert message in refused.value.errors[question]


def test_every_mistake_is_reported_at_once():
    with pytest.raises(AnswersInvalid) as refused:
        grade(QUIZ, {"sky": [], "fruits": [], "boiling": [], "calm": ""})
    assert set(refused.value.errors) == {"sky", "fruits", "boiling", "calm"}


def test_a_short_answer_of_exactly_the_limit_is_graded():
    assert grade(QUIZ, {**RIGHT, "calm": "x" * SHORT_ANSWER_MAX}).score == 75


# --- scores ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "score", "passed"),
    [
        ({}, 100, True),
        ({"sky": ["green"]}, 75, False),
        ({"fruits": ["apple"]}, 75, False),  # every right choice is needed
        ({"fruits": ["apple", "pear", "carrot"]}, 75, False),  # and no wrong one
        ({"fruits": ["pear", "apple"]}, 100, True),  # in any order
        ({"calm": "self regulation"}, 100, True),
        ({"calm": "SELF-REGULATION."}, 100, True),
        ({"calm": "regulation"}, 75, False),
        ({"sky": ["green"], "boiling": ["false"]}, 50, False),
        ({"sky": ["green"], "fruits": ["carrot"], "boiling": ["false"], "calm": "no"}, 0, False),
    ],
)
def test_scores_and_the_pass_mark(changes, score, passed):
    result = grade(QUIZ, {**RIGHT, **changes})
    assert (result.score, result.passed) == (score, passed)
    assert result.correct_count == round(score / 25)
    assert [r.question_id for r in result.results] == ["sky", "fruits", "boiling", "calm"]


def quiz_of(count: int, pass_mark: int) -> Quiz:
    questions = [Question(f"q{n}", TRUE_FALSE, "?", choices=choices("true", "false", right=("true",)))
                 for n in range(count)]  # fmt: skip
    return Quiz("many", "Many", "", questions, pass_mark=pass_mark, attempts=None, shuffle=False)


@pytest.mark.parametrize(
    ("count", "correct", "score"),
    [(8, 5, 63), (8, 3, 38), (3, 2, 67), (3, 1, 33), (6, 1, 17), (7, 1, 14), (2, 1, 50), (1, 1, 100), (1, 0, 0)],
)
def test_scores_are_whole_percentages_rounded_half_up(count, correct, score):
    quiz = quiz_of(count, 50)
    answers = {q.id: ["true"] if n < correct else ["false"] for n, q in enumerate(quiz.questions)}
    assert grade(quiz, answers).score == score


@pytest.mark.parametrize(("pass_mark", "passed"), [(62, True), (63, True), (64, False), (0, True), (100, False)])
def test_the_pass_mark_is_a_minimum(pass_mark, passed):
    quiz = quiz_of(8, pass_mark)
    answers = {q.id: ["true"] if n < 5 else ["false"] for n, q in enumerate(quiz.questions)}  # 63%
    assert grade(quiz, answers).passed is passed
