"""Reading the finish form: a rating for every statement, optional comments, and the attestation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from courseware.courses.model import LIKERT_SCALE, Evaluation
from courseware.text import clean, scrub

COMMENT_MAX = 2000  # characters of one answer to an open question
RATINGS = {str(value): value for value in range(1, len(LIKERT_SCALE) + 1)}


@dataclass(frozen=True)
class Answers:
    ratings: dict[str, int]  # item id -> 1 (strongly disagree) .. 5 (strongly agree)
    comments: dict[str, str]  # question id -> answer; questions left blank are absent
    attested: bool


@dataclass
class FinishForm:
    """The form as the page shows it: what the learner sent, kept as typed, and a message per field."""

    evaluation: Evaluation
    values: Mapping[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def rating(self, item_id: str) -> str:
        return self.values.get(rating_field(item_id), "")

    def comment(self, question_id: str) -> str:
        return self.values.get(comment_field(question_id), "")

    @property
    def attested(self) -> bool:
        return self.values.get(ATTEST_FIELD) == "yes"


ATTEST_FIELD = "attest"


def rating_field(item_id: str) -> str:
    return f"rating-{item_id}"


def comment_field(question_id: str) -> str:
    return f"comment-{question_id}"


def clean_comment(text: str) -> str:
    return clean(scrub(text), multiline=True).strip()


def read_answers(evaluation: Evaluation, form: Mapping[str, str]) -> tuple[Answers, FinishForm]:
    """The answers, and the form to show again: its ``errors`` are empty when the answers may be recorded."""
    errors: dict[str, str] = {}
    ratings: dict[str, int] = {}
    for item in evaluation.items:
        name = rating_field(item.id)
        value = RATINGS.get(form.get(name, ""))
        if value is None:
            errors[name] = "Choose how far you agree, from strongly disagree to strongly agree."
        else:
            ratings[item.id] = value
    comments: dict[str, str] = {}
    for question in evaluation.comments:
        name = comment_field(question.id)
        text = clean_comment(form.get(name, ""))
        if len(text) > COMMENT_MAX:
            errors[name] = f"Keep your answer to {COMMENT_MAX:,} characters: it has {len(text):,}."
        elif text:
            comments[question.id] = text
    attested = form.get(ATTEST_FIELD) == "yes"
    if not attested:
        errors[ATTEST_FIELD] = "Tick the box to attest that this is true: the course is completed only once you do."
    values = {name: form.get(name, "") for name in _names(evaluation)}
    return Answers(ratings, comments, attested), FinishForm(evaluation, values, errors)


def _names(evaluation: Evaluation) -> list[str]:
    return [
        *(rating_field(item.id) for item in evaluation.items),
        *(comment_field(question.id) for question in evaluation.comments),
        ATTEST_FIELD,
    ]
