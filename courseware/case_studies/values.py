"""Reading a case study's forms: the learner's response, and their score on each criterion of the rubric."""

from __future__ import annotations

from dataclasses import dataclass, field

from courseware.courses.case_study import LEVELS, POINTS, RESPONSE_MAX, CaseStudy
from courseware.text import clean, scrub

RESPONSE = "response"
SCORE_PREFIX = "score-"  # a criterion's radio buttons are named score-<criterion id>


@dataclass
class ReadResponse:
    typed: str  # what was sent, shown again with the message
    error: str = ""

    @property
    def text(self) -> str | None:
        return None if self.error else self.typed.strip()


def read_response(form) -> ReadResponse:
    value = form.get(RESPONSE)
    typed = clean(scrub(value), multiline=True) if isinstance(value, str) else ""
    text = typed.strip()
    if not text:
        return ReadResponse(typed, "Write your response before you send it: a few sentences are enough.")
    if len(text) > RESPONSE_MAX:
        return ReadResponse(typed, f"Keep your response to {RESPONSE_MAX:,} characters (this has {len(text):,}).")
    return ReadResponse(typed)


def read_revision(form) -> int | None:
    """The revision of the saved response the form was opened on (0: none yet), or None when the form does
    not say (then nothing is compared)."""
    value = form.get("revision")
    if isinstance(value, str) and value.isdigit() and len(value) <= 9:
        return int(value)
    return None


STALE = (
    "Your response was changed in another window after this one was opened, so this text was not saved over "
    "it. The saved response is shown above; your text from this window is kept here. Combine what you want to "
    "keep and send it again."
)


@dataclass
class ReadScores:
    typed: dict[str, str]  # criterion id -> the level chosen, shown again with the messages
    errors: dict[str, str] = field(default_factory=dict)  # criterion id -> what to do

    @property
    def scores(self) -> dict[str, str] | None:
        return None if self.errors else dict(self.typed)


def read_scores(form, case_study: CaseStudy) -> ReadScores:
    """A level for every criterion of the rubric: each one must be scored."""
    names = ", ".join(label for _, label, _ in LEVELS[:-1]) + f" or {LEVELS[-1][1]}"
    read = ReadScores({})
    for number, criterion in enumerate(case_study.criteria, start=1):
        value = form.get(f"{SCORE_PREFIX}{criterion.id}")
        if isinstance(value, str) and value in POINTS:
            read.typed[criterion.id] = value
        else:
            read.errors[criterion.id] = f"Choose {names} for criterion {number}."
    return read
