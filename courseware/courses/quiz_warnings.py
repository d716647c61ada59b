"""Quiz answers a learner could guess without knowing: the patterns ``flask courses check`` warns about.

Pure functions of a compiled quiz. Each pattern is a habit of writing, not a mistake, so it is a
warning: the check prints it and passes.

- **The longest choice.** In a quiz with at least 3 single-choice questions, the right answer is
  the strictly longest choice in more than half of them.
- **The same place.** In a quiz that does not shuffle its choices, with at least 3 single-choice
  questions, the right answer is in the same place (first, second, ...) in more than half of them.
- **An id that tells.** Ids are in the page a learner's browser receives. A choice or question id
  the author wrote that has a word such as "correct", "right", "wrong" or "answer" in it, or a
  question id that contains the id of its right choice, gives the answer away. Ids made from the
  text itself tell nothing the learner cannot read, and true/false questions are left alone.

Single-choice questions are those with choices and exactly one right one, other than true/false.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from courseware.courses.blocks import slugify
from courseware.courses.quiz import SINGLE, TRUE_FALSE, Choice, Question, Quiz
from courseware.courses.render import plain_text

MIN_QUESTIONS = 3  # fewer single-choice questions than this prove no pattern
TELLING_WORD_RE = re.compile(r"^(?:correct|incorrect|right|wrong|answer|distractor)\d*$")
PLACES = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


@dataclass(frozen=True)
class QuizWarning:
    question: str | None  # the question's id, or None for the quiz as a whole
    message: str


def quiz_warnings(quiz: Quiz) -> list[QuizWarning]:
    """Every pattern found in this quiz, the quiz-wide ones first."""
    found = [w for w in (longest_choice(quiz), same_place(quiz)) if w is not None]
    for question in quiz.questions:
        found.extend(telling_ids(question))
    return found


def single_choice(quiz: Quiz) -> list[Question]:
    return [q for q in quiz.questions if q.type == SINGLE and sum(c.correct for c in q.choices) == 1]


def choice_length(choice: Choice) -> int:
    return len(plain_text(choice.html))


def right_is_longest(question: Question) -> bool:
    right = next(c for c in question.choices if c.correct)
    return all(choice_length(right) > choice_length(c) for c in question.choices if c is not right)


def longest_choice(quiz: Quiz) -> QuizWarning | None:
    questions = single_choice(quiz)
    count = sum(right_is_longest(q) for q in questions)
    if len(questions) < MIN_QUESTIONS or count * 2 <= len(questions):
        return None
    return QuizWarning(
        None,
        f"in {count} of the {len(questions)} single-choice questions of this quiz, the right answer is the "
        "longest choice, so learners can pick it without knowing it: give the wrong choices as much detail "
        "as the right one",
    )


def same_place(quiz: Quiz) -> QuizWarning | None:
    if quiz.shuffle:
        return None
    questions = single_choice(quiz)
    if len(questions) < MIN_QUESTIONS:
        return None
    places = Counter(next(i for i, c in enumerate(q.choices) if c.correct) for q in questions)
    place, count = places.most_common(1)[0]
    if count * 2 <= len(questions):
        return None
    where = PLACES[place] if place < len(PLACES) else f"number {place + 1}"
    return QuizWarning(
        None,
        f"in {count} of the {len(questions)} single-choice questions of this quiz, the right answer is the "
        f"{where} choice, so learners can pick it without knowing it: move the right answers around, or let the "
        "quiz shuffle its choices (the default; remove 'shuffle: false')",
    )


def telling_ids(question: Question) -> list[QuizWarning]:
    if question.type == TRUE_FALSE:
        return []
    found = [
        QuizWarning(
            question.id,
            f"the id of the choice '{choice.id}' says whether it is right, and learners can see ids in the page: "
            f"use an id that names the choice, such as '{slugify(plain_text(choice.html))}'",
        )
        for choice in question.choices
        if _written_by_hand(choice.id, choice.html) and _tells(choice.id)
    ]
    question_id = _telling_question_id(question)
    return found + ([question_id] if question_id else [])


def _telling_question_id(question: Question) -> QuizWarning | None:
    if not _written_by_hand(question.id, question.prompt_html):
        return None
    if _tells(question.id):
        return QuizWarning(
            question.id,
            f"the question id '{question.id}' speaks of right or wrong answers, and learners can see ids in "
            "the page: use an id that names the question's subject",
        )
    for answer in question.answers:  # a short-answer question: its accepted answers
        given = slugify(answer)
        if given != "page" and _contains(question.id, given):
            return QuizWarning(
                question.id,
                f"the question id '{question.id}' contains '{given}', an accepted answer, and learners can "
                "see ids in the page: use an id that names the question's subject",
            )
    right = [c for c in question.choices if c.correct]
    wrong = [c for c in question.choices if not c.correct]
    for choice in right:
        if _contains(question.id, choice.id) and not any(_contains(question.id, c.id) for c in wrong):
            return QuizWarning(
                question.id,
                f"the question id '{question.id}' contains '{choice.id}', the id of its right choice, and "
                "learners can see ids in the page: use an id that names the question's subject",
            )
    return None


def _written_by_hand(given_id: str, html: str) -> bool:
    """Whether an id was written with ``{#...}``: one made from the text tells nothing new."""
    return given_id != slugify(plain_text(html))


def _tells(given_id: str) -> bool:
    return any(TELLING_WORD_RE.match(word) for word in given_id.split("-"))


def _contains(outer: str, inner: str) -> bool:
    """Whether the words of the id ``inner`` come, in order, among the words of ``outer``."""
    words, part = outer.split("-"), inner.split("-")
    if len(inner) < 3:  # 'a', 'b', 'no': too short to give anything away
        return False
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))
