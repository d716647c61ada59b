"""The ``evaluation`` section of course.yml: the end-of-course evaluation and attestation, and their defaults.

A course that offers credit always asks for them before it is completed (continuing-education
providers require it); when course.yml says nothing, the default items and question below are
used. A course without credit asks for them only when course.yml has an ``evaluation`` section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from courseware.courses.blocks import SLUG_RE, slugify
from courseware.courses.model import CommentQuestion, Evaluation, EvaluationItem

# The standard continuing-education items, listed in docs/authoring.md.
DEFAULT_ITEMS = (
    EvaluationItem("objectives", "The course met its stated learning objectives."),
    EvaluationItem("relevant", "The content is relevant to my work."),
    EvaluationItem("organised", "The course was well organised and easy to follow."),
    EvaluationItem("time", "The estimated time for the course was accurate."),
    EvaluationItem("apply", "I will apply what I learned in my work."),
    EvaluationItem("recommend", "I would recommend this course to a colleague."),
)
DEFAULT_COMMENTS = (CommentQuestion("improve", "What would make this course better for you and your colleagues?"),)
DEFAULT_ATTESTATION = "I completed this course myself, and the time recorded is mine."
DEFAULT = Evaluation(DEFAULT_ITEMS, DEFAULT_COMMENTS, DEFAULT_ATTESTATION)

KEYS = {"items", "comments", "attestation"}
MAX_ITEMS = 30
MAX_QUESTIONS = 10
MAX_STATEMENT = 300  # characters of an item or a question
MAX_ATTESTATION = 500
MAX_ID = 60

Report = Callable[[tuple[str, ...], str], None]  # (path of the key in course.yml, message)


def read_evaluation(data: dict, offers_credit: bool, error: Report) -> Evaluation | None:
    """The course's evaluation from course.yml's top-level settings; mistakes go to ``error``."""
    if "evaluation" not in data:
        return DEFAULT if offers_credit else None
    value = data["evaluation"]
    if value is False:
        if offers_credit:
            error(
                ("evaluation",),
                "a course that offers credit always asks for the evaluation and attestation: "
                "remove 'evaluation: false' (the default items are used) or list your own",
            )
            return DEFAULT
        return None
    if value is None or value is True:
        return DEFAULT
    if not isinstance(value, dict):
        error(("evaluation",), "'evaluation' must be a set of 'key: value' lines (items, comments, attestation)")
        return DEFAULT if offers_credit else None
    for key in value:
        if key not in KEYS:
            error(
                ("evaluation", str(key)),
                f"unknown setting '{key}' in 'evaluation' (expected one of: {', '.join(sorted(KEYS))})",
            )
    items = _statements(value, "items", MAX_ITEMS, error)
    questions = _statements(value, "comments", MAX_QUESTIONS, error)
    return Evaluation(
        items=tuple(EvaluationItem(i, t) for i, t in items) if items is not None else DEFAULT_ITEMS,
        comments=tuple(CommentQuestion(i, t) for i, t in questions) if questions is not None else DEFAULT_COMMENTS,
        attestation=_attestation(value, error),
    )


def _attestation(section: dict, error: Report) -> str:
    value = section.get("attestation")
    if value is None:
        return DEFAULT_ATTESTATION
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        error(("evaluation", "attestation"), "'evaluation.attestation' must be the sentence the learner attests")
        return DEFAULT_ATTESTATION
    if len(text) > MAX_ATTESTATION:
        error(
            ("evaluation", "attestation"),
            f"'evaluation.attestation' is {len(text)} characters long; keep it to {MAX_ATTESTATION}",
        )
    return text


def _statements(section: dict, key: str, most: int, error: Report) -> list[tuple[str, str]] | None:
    """(id, text) of each entry of ``items`` or ``comments``; None when the key is absent (the defaults)."""
    if key not in section:
        return None
    where = ("evaluation", key)
    name = f"evaluation.{key}"
    what = "statement" if key == "items" else "question"
    entries = section[key]
    if not isinstance(entries, list) or not entries:
        error(where, f"'{name}' must be a list of one or more {what}s, one per '- ' line")
        return []
    if len(entries) > most:
        error(where, f"'{name}' has {len(entries)} {what}s; a course may ask at most {most}")
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries):
        here = (*where, str(number))
        read = _entry(entry, here, f"{what} {number + 1} of '{name}'", what, error)
        if read is None:
            continue
        entry_id = read[0]
        if entry_id in seen:
            error(here, f"two {what}s of '{name}' have the id '{entry_id}' (give one of them an 'id' of its own)")
            continue
        seen.add(entry_id)
        found.append(read)
    return found


def _entry(entry: Any, here: tuple[str, ...], label: str, what: str, error: Report) -> tuple[str, str] | None:
    """A plain sentence, or ``{id: ..., text: ...}`` (an id keeps results together when the text changes)."""
    explicit: Any = None
    if isinstance(entry, dict):
        for key in entry:
            if key not in {"id", "text"}:
                error((*here, str(key)), f"unknown setting '{key}' in {label} (expected id and text)")
        explicit, entry = entry.get("id"), entry.get("text")
    text = " ".join(entry.split()) if isinstance(entry, str) else ""
    if not text:
        error(here, f"{label} needs its text: write the {what} itself, or 'text: ...' beside its 'id'")
        return None
    if len(text) > MAX_STATEMENT:
        error(here, f"{label} is {len(text)} characters long; keep it to {MAX_STATEMENT}")
        return None
    if explicit is None:
        return slugify(text)[:MAX_ID].rstrip("-") or "item", text
    entry_id = str(explicit).strip()
    if not SLUG_RE.match(entry_id) or len(entry_id) > MAX_ID:
        error(
            (*here, "id"),
            f"the id '{entry_id}' of {label} must use lowercase letters, digits and hyphens "
            f"(at most {MAX_ID} characters)",
        )
        return None
    return entry_id, text
