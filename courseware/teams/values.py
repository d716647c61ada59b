"""The words and limits of a team plan: statuses, lengths, and reading an item sent in a form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from courseware.forms import form_id
from courseware.text import TextProblem, clean

STATUSES = {"not-started": "Not started", "under-way": "Under way", "done": "Done", "dropped": "Dropped"}
ITEM_MAX = 2_000
COMMENT_MAX = 2_000
OWNER_MAX = 200
TEAM_NAME_MAX = 200


@dataclass
class ItemValues:
    """An item as sent: its text, owner (a member's id, or a name written in), due date and status."""

    text: str = ""
    owner_id: int | None = None
    owner_text: str = ""
    due_on: date | None = None
    status: str = "not-started"


def read_item(form, in_team: Callable[[int], bool]) -> tuple[ItemValues, dict[str, str]]:
    """The item from a posted form, and a message for each field that cannot be used (by field name).
    ``in_team`` says whether a person (the owner chosen) is a member of the team."""
    values, errors = ItemValues(), {}
    try:
        values.text = clean(form.get("text") or "", multiline=True, limit=ITEM_MAX).strip()
    except TextProblem as problem:
        values.text, errors["text"] = (form.get("text") or "")[: ITEM_MAX * 2], str(problem)
    else:
        if not values.text:
            errors["text"] = "Write what the item is."
    raw_owner = form.get("owner") or ""
    if raw_owner:
        owner = form_id(raw_owner)
        if owner is None or not in_team(owner):
            errors["owner"] = "Choose a member of the team, or write a name in the box below."
        else:
            values.owner_id = owner
    try:
        values.owner_text = clean(form.get("owner_text") or "", limit=OWNER_MAX)
    except TextProblem as problem:
        errors["owner_text"] = str(problem)
    raw_due = (form.get("due_on") or "").strip()
    if raw_due:
        try:
            values.due_on = date.fromisoformat(raw_due) if len(raw_due) == 10 else None
        except ValueError:
            values.due_on = None
        if values.due_on is None or not 2000 <= values.due_on.year <= 2100:
            values.due_on = None
            errors["due_on"] = "Enter a date like 2027-03-31, or leave it empty."
    status = form.get("status") or "not-started"
    if status not in STATUSES:
        errors["status"] = "Choose a status from the list."
    else:
        values.status = status
    return values, errors


def read_comment(form) -> tuple[str, str | None]:
    """The comment's text and a message when it cannot be saved."""
    raw = form.get("body") or ""
    try:
        body = clean(raw, multiline=True, limit=COMMENT_MAX).strip()
    except TextProblem as problem:
        return raw[: COMMENT_MAX * 2], str(problem)
    return body, None if body else "Write the comment first."


def read_team_name(raw: str | None) -> tuple[str, str | None]:
    try:
        name = clean(raw or "", limit=TEAM_NAME_MAX)
    except TextProblem as problem:
        return (raw or "")[:TEAM_NAME_MAX], str(problem)
    return name, None if name else "Give the team a name, such as “Grade 3 team”."


def shortened(text: str, most: int = 80) -> str:
    """The start of an item's text, for the history."""
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"
