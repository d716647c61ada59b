"""The ``team_plan`` section of course.yml: the sections of a team's shared action plan for the course.

Without it, a team's plan has the default sections (``model.DEFAULT_TEAM_PLAN``): priorities, actions,
owners and supports, measures of progress, supports needed.
"""

from __future__ import annotations

from collections.abc import Callable

from courseware.courses.blocks import SLUG_RE
from courseware.courses.model import DEFAULT_TEAM_PLAN, TeamPlanSection

KEYS = {"sections"}
SECTION_KEYS = {"id", "title", "prompt"}
MAX_SECTIONS = 12
MAX_ID = 60
MAX_TITLE = 100
MAX_PROMPT = 300

Report = Callable[[tuple[str, ...], str], None]  # (path of the key in course.yml, message)


def read_team_plan(data: dict, error: Report) -> tuple[TeamPlanSection, ...]:
    """The plan's sections from course.yml's top-level settings; mistakes go to ``error``."""
    value = data.get("team_plan")
    if value is None:
        return DEFAULT_TEAM_PLAN
    if not isinstance(value, dict):
        error(("team_plan",), "'team_plan' must be a set of 'key: value' lines (sections)")
        return DEFAULT_TEAM_PLAN
    for key in value:
        if key not in KEYS:
            error(("team_plan", str(key)), f"unknown setting '{key}' in 'team_plan' (expected one of: sections)")
    entries = value.get("sections")
    where = ("team_plan", "sections")
    if not isinstance(entries, list) or not entries:
        error(where, "'team_plan.sections' must be a list of one or more sections, each with an id and a title")
        return DEFAULT_TEAM_PLAN
    if len(entries) > MAX_SECTIONS:
        error(where, f"'team_plan.sections' has {len(entries)} sections; a plan may have at most {MAX_SECTIONS}")
    sections: list[TeamPlanSection] = []
    for number, entry in enumerate(entries):
        section = _section(entry, (*where, str(number)), f"section {number + 1} of 'team_plan.sections'", error)
        if section is None:
            continue
        if any(s.id == section.id for s in sections):
            error((*where, str(number), "id"), f"two sections of 'team_plan.sections' have the id '{section.id}'")
            continue
        sections.append(section)
    return tuple(sections) or DEFAULT_TEAM_PLAN


def _section(entry: object, here: tuple[str, ...], label: str, error: Report) -> TeamPlanSection | None:
    if not isinstance(entry, dict):
        error(here, f"{label} must be 'id', 'title' and (optionally) 'prompt' lines")
        return None
    for key in entry:
        if key not in SECTION_KEYS:
            error((*here, str(key)), f"unknown setting '{key}' in {label} (expected id, title and prompt)")
    section_id = str(entry.get("id") or "").strip()
    if not section_id:
        error(here, f"{label} needs an 'id' (lowercase letters, digits and hyphens), which keeps its items")
        return None
    if not SLUG_RE.match(section_id) or len(section_id) > MAX_ID:
        error(
            (*here, "id"),
            f"the id '{section_id}' of {label} must use lowercase letters, digits and hyphens "
            f"(at most {MAX_ID} characters)",
        )
        return None
    title = _text(entry, "title", here, label, MAX_TITLE, error)
    if not title:
        if "title" not in entry:
            error(here, f"{label} needs a 'title'")
        return None
    prompt = _text(entry, "prompt", here, label, MAX_PROMPT, error)
    return TeamPlanSection(section_id, title, prompt)


def _text(entry: dict, key: str, here: tuple[str, ...], label: str, most: int, error: Report) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list, bool)):
        error((*here, key), f"'{key}' of {label} must be text")
        return ""
    text = " ".join(str(value).split())
    if len(text) > most:
        error((*here, key), f"'{key}' of {label} is {len(text)} characters long; keep it to {most}")
        return ""
    return text
