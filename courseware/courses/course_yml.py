"""Reading and checking ``course.yml``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import yaml

from courseware.courses.evaluation import read_evaluation
from courseware.courses.model import CompletionRules, Course, Credit, Provider
from courseware.courses.problems import ProblemList
from courseware.courses.quiz import (
    REVEAL_AFTER_EACH_ATTEMPT,
    REVEAL_AFTER_PASSING,
    REVEAL_POLICIES,
    WAIT_MAX,
    QuizSettings,
)

# The share of each module's stated minutes a learner must really spend in a course that offers credit,
# in percent (docs/authoring.md). A course without credit requires none unless it says so.
DEFAULT_ACTIVE_TIME = 80
CREDIT_TYPES = {"contact hours", "ceu", "clock hours", "pdps"}
TOP_KEYS = {
    "title", "summary", "audience", "version", "published", "credit", "provider",
    "completion", "quizzes", "certificate", "evaluation", "modules",
}  # fmt: skip
SECTION_KEYS = {
    "credit": {"hours", "type", "ceu"},
    "provider": {"name", "approval_number", "contact"},
    "completion": {"pass_mark", "worksheets_required", "min_seat_minutes", "active_time"},
    "quizzes": {"shuffle", "attempts", "wait", "reveal"},
    "certificate": {"design", "validity_months"},
}


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line number (from 1) of every mapping key and list entry, by its path: {('credit', 'hours'): 7},
    {('evaluation', 'items', '0'): 12} for the first entry of a list."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, str(key.value))
                lines[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                here = (*path, str(number))
                lines[here] = item.start_mark.line + 1
                walk(item, here)

    with contextlib.suppress(yaml.YAMLError):  # read_course_yml reports the YAML error itself
        walk(yaml.compose(text), ())
    return lines


def read_course_yml(course_dir: Path, problems: ProblemList) -> tuple[Course, list[str] | None]:
    """The course's settings and its optional module order; problems are recorded, never raised."""
    path = course_dir / "course.yml"
    course = Course(slug=course_dir.name, path=course_dir, title=course_dir.name)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except FileNotFoundError:
        problems.add(path, 1, "course.yml is missing")
        return course, None
    except UnicodeDecodeError:
        problems.add(path, 1, "course.yml must be saved as UTF-8")
        return course, None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(path, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")
        return course, None
    if not isinstance(data, dict):
        problems.add(path, 1, "course.yml must be a set of 'key: value' lines")
        return course, None

    lines = key_lines(text)
    reader = _Reader(path, problems, lines)
    reader.unknown_keys(data, TOP_KEYS, ())
    for section, allowed in SECTION_KEYS.items():
        value = data.get(section)
        if value is not None and not isinstance(value, dict):
            reader.error((section,), f"'{section}' must be a set of 'key: value' lines")
            data[section] = {}
        elif isinstance(value, dict):
            reader.unknown_keys(value, allowed, (section,))

    course.title = reader.text(data, ("title",), required=True) or course.slug
    course.summary = reader.text(data, ("summary",))
    course.audience = reader.text(data, ("audience",))
    if isinstance(data.get("version"), float):
        line = lines.get(("version",), 1)
        written = text.splitlines()[line - 1].split(":", 1)[1].split("#", 1)[0].strip()
        reader.error(
            ("version",), f'write the version in quotes, such as version: "{written}" (YAML reads it as a number)'
        )
    course.version = reader.text(data, ("version",)) or "1"
    course.published = reader.boolean(data, ("published",), True)

    credit = data.get("credit") or {}
    hours = reader.number(credit, ("credit", "hours"), 0.0, minimum=0, maximum=1000)
    credit_type = reader.text(credit, ("credit", "type")) or "contact hours"
    if credit_type.lower() not in CREDIT_TYPES:
        reader.error(
            ("credit", "type"), f"credit type '{credit_type}' is not one of: contact hours, CEU, clock hours, PDPs"
        )
    ceu = reader.number(credit, ("credit", "ceu"), round(hours / 10, 2), minimum=0, maximum=100)
    course.credit = Credit(hours=hours, credit_type=credit_type, ceu=ceu)

    provider = data.get("provider") or {}
    course.provider = Provider(
        name=reader.text(provider, ("provider", "name")),
        approval_number=reader.text(provider, ("provider", "approval_number")),
        contact=reader.text(provider, ("provider", "contact")),
    )
    completion = data.get("completion") or {}
    course.completion = CompletionRules(
        pass_mark=reader.number(completion, ("completion", "pass_mark"), 80, minimum=0, maximum=100, whole=True),
        worksheets_required=reader.boolean(completion, ("completion", "worksheets_required"), False),
        min_seat_minutes=reader.number(
            completion, ("completion", "min_seat_minutes"), 0, minimum=0, maximum=100000, whole=True
        ),
        active_time=reader.number(
            completion,
            ("completion", "active_time"),
            DEFAULT_ACTIVE_TIME if course.credit.hours > 0 else 0,  # no credit: no time to vouch for
            minimum=0,
            maximum=100,
            whole=True,
        ),
    )
    if course.credit.hours > 0 and course.completion.active_time == 0:
        reader.error(
            ("completion", "active_time"),
            "'completion.active_time' may be 0 only for a course that offers no credit: "
            f"a credit-bearing course requires active time (the default is {DEFAULT_ACTIVE_TIME} %)",
        )
    course.quizzes = _quiz_settings(reader, data.get("quizzes") or {}, offers_credit=course.credit.hours > 0)
    certificate = data.get("certificate") or {}
    course.certificate_design = reader.text(certificate, ("certificate", "design")) or "classic"
    validity = certificate.get("validity_months")
    if validity is not None:
        course.validity_months = reader.number(
            certificate, ("certificate", "validity_months"), None, minimum=1, maximum=120, whole=True
        )

    course.evaluation = read_evaluation(data, course.offers_credit, reader.error)

    order = data.get("modules")
    if order is not None and (not isinstance(order, list) or not all(isinstance(m, str) for m in order)):
        reader.error(("modules",), "'modules' must be a list of module ids, such as '- understanding-trauma'")
        order = None
    return course, order


def _quiz_settings(reader: _Reader, quizzes: dict, offers_credit: bool) -> QuizSettings:
    """The ``quizzes`` section. A course that offers credit shows the answers only after a pass or the
    last attempt unless it says otherwise, so that retrying cannot stand in for learning."""
    reveal = REVEAL_AFTER_PASSING if offers_credit else REVEAL_AFTER_EACH_ATTEMPT
    return QuizSettings(
        shuffle=reader.boolean(quizzes, ("quizzes", "shuffle"), True),
        attempts=reader.attempts(quizzes, ("quizzes", "attempts")),
        wait=reader.number(quizzes, ("quizzes", "wait"), 0, minimum=0, maximum=WAIT_MAX, whole=True),
        reveal=reader.one_of(quizzes, ("quizzes", "reveal"), reveal, REVEAL_POLICIES),
    )


class _Reader:
    def __init__(self, path: Path, problems: ProblemList, lines: dict) -> None:
        self.path, self.problems, self.lines = path, problems, lines

    def error(self, key: tuple[str, ...], message: str) -> None:
        self.problems.add(self.path, self.lines.get(key, 1), message)

    def unknown_keys(self, data: dict, allowed: set[str], prefix: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                where = f" in '{prefix[0]}'" if prefix else ""
                self.error(
                    (*prefix, str(key)),
                    f"unknown setting '{key}'{where} (expected one of: {', '.join(sorted(allowed))})",
                )

    def text(self, data: dict, key: tuple[str, ...], required: bool = False) -> str:
        value = data.get(key[-1])
        if value is None or value == "":
            if required:
                self.error(key[:-1] or key, f"'{'.'.join(key)}' is required")
            return ""
        if isinstance(value, (dict, list)):
            self.error(key, f"'{'.'.join(key)}' must be text")
            return ""
        return str(value).strip()

    def number(
        self, data: dict, key: tuple[str, ...], default: Any, minimum: float, maximum: float, whole=False
    ) -> Any:
        value = data.get(key[-1])
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(key, f"'{'.'.join(key)}' must be a number")
            return default
        if whole and value != int(value):
            self.error(key, f"'{'.'.join(key)}' must be a whole number")
            return default
        if whole:
            value = int(value)
        if not minimum <= value <= maximum:
            self.error(key, f"'{'.'.join(key)}' must be between {minimum:g} and {maximum:g}")
            return default
        return value

    def attempts(self, data: dict, key: tuple[str, ...]) -> int | None:
        """A whole number of at least 1, or ``unlimited`` (None), the default."""
        value = data.get(key[-1])
        if value is None or (isinstance(value, str) and value.strip().lower() == "unlimited"):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(key, f"'{'.'.join(key)}' must be a whole number of at least 1, or unlimited")
            return None
        return value

    def one_of(self, data: dict, key: tuple[str, ...], default: str, allowed: tuple[str, ...]) -> str:
        value = data.get(key[-1])
        if value is None:
            return default
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            self.error(key, f"'{'.'.join(key)}' must be one of: {', '.join(allowed)}")
            return default
        return value.strip().lower()

    def boolean(self, data: dict, key: tuple[str, ...], default: bool) -> bool:
        value = data.get(key[-1])
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"'{'.'.join(key)}' must be true or false")
            return default
        return value
