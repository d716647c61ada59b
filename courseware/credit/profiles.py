"""Credit profiles: one YAML file per credit system in ``credit_profiles/`` (docs/certificates.md).

A profile says what its credit is called, how a course's hours convert into it, what a
certificate must print (a statement, labelled lines, the signature block, dates) and which
provider details must be on file before a certificate is issued. Files are checked strictly:
every mistake is reported as ``file:line: message`` and a file with a mistake is not loaded.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from courseware.courses.problems import Problem, ProblemList

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
TOP_KEYS = {
    "title", "credit", "unit", "unit_one", "conversion", "minimum_hours", "number_label",
    "statement", "lines", "signature", "dates", "requires", "notes",
}  # fmt: skip
REQUIRED_KEYS = ("title", "credit", "unit", "conversion", "statement", "requires")
CONVERSION_KEYS = {"factor", "round_to", "rounding"}
ROUNDING = {"down": ROUND_FLOOR, "nearest": ROUND_HALF_UP}
LINE_KEYS = {"label", "value"}
DATES = ("completed", "issued")
DATE_LABELS = {"completed": "Date completed", "issued": "Date issued"}
# The provider details a profile may require, and the placeholder that prints each one.
PROVIDER_FIELDS = {
    "name": "provider",
    "contact": "contact",
    "number": "number",
    "signatory": None,  # the signatory's name and title, printed in the signature block
    "signature": None,  # the signature image, printed in the signature block
    "logo": None,  # printed at the top of the certificate whenever the provider has one
}
# Placeholders of provider details that may be empty: a statement prints them only when they are required.
OPTIONAL_IN_STATEMENT = {
    "contact": "contact",
    "number": "number",
    "signatory": "signatory",
    "signatory_title": "signatory",
}
PLACEHOLDERS = {
    "learner": "the learner's name",
    "course": "the course's title",
    "course_version": "the course's version",
    "hours": "the course's hours",
    "amount": "the credit awarded, converted from the hours",
    "unit": "the unit, singular for an amount of 1",
    "credit": "the name of the credit",
    "provider": "the provider's name",
    "number": "the provider's number in this credit system",
    "contact": "the provider's contact",
    "signatory": "the signatory's name",
    "signatory_title": "the signatory's title",
    "completed_on": "the date of completion",
    "issued_on": "the date of issue",
}


@dataclass(frozen=True)
class Line:
    label: str
    value: str  # a template: placeholders in braces


@dataclass(frozen=True)
class Conversion:
    factor: Decimal  # credit per hour of the course
    round_to: Decimal  # the amount is a whole multiple of this
    rounding: str  # "down" or "nearest"

    def convert(self, hours: float) -> float:
        steps = (Decimal(str(hours)) * self.factor / self.round_to).quantize(
            Decimal(1), rounding=ROUNDING[self.rounding]
        )
        return float(steps * self.round_to)


@dataclass(frozen=True)
class Profile:
    key: str
    title: str  # what an admin or learner chooses, such as "Texas CPE hours"
    credit: str  # the name of the credit as printed
    unit: str
    unit_one: str
    conversion: Conversion
    statement: str
    lines: tuple[Line, ...]
    signature: bool  # the certificate has a signature block
    dates: tuple[str, ...]
    requires: tuple[str, ...]  # provider details that must be on file (PROVIDER_FIELDS)
    number_label: str = ""  # what the provider's number is called in this system ("" when it has none)
    minimum_hours: float = 0.0  # a course shorter than this cannot offer the credit
    notes: str = ""

    def amount(self, hours: float) -> float:
        return self.conversion.convert(hours)

    def unit_for(self, amount: float) -> str:
        return self.unit_one if amount == 1 else self.unit


class Profiles(dict[str, Profile]):
    """Every profile that loaded, by key, and the problems of the files that did not."""

    def __init__(self, profiles: dict[str, Profile] | None = None, problems: list[Problem] | None = None) -> None:
        super().__init__(profiles or {})
        self.problems: list[Problem] = problems or []

    def titled(self) -> list[Profile]:
        return sorted(self.values(), key=lambda p: p.title.lower())


def all_profiles() -> Profiles:
    """The profiles of the running app (CREDIT_PROFILES_DIR, loaded when the app was built)."""
    return current_app.extensions["courseware.credit_profiles"]


def load_profiles(folder: Path) -> Profiles:
    """Read every ``*.yml`` file of ``folder``; files shown relative to the folder's parent."""
    problems = ProblemList(folder.parent)
    loaded: dict[str, Profile] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.yml")):
            before = len(problems.items)
            profile = read_profile(path, problems)
            if profile is not None and len(problems.items) == before:
                loaded[profile.key] = profile
    return Profiles(loaded, problems.sorted())


def read_profile(path: Path, problems: ProblemList) -> Profile | None:
    """One profile file, or None; its mistakes are added to ``problems``."""
    key = path.stem
    if not KEY_RE.match(key):
        problems.add(
            path, 1, f"name the file after the profile's key: lowercase letters, digits and hyphens, not '{key}'"
        )
        return None
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        problems.add(path, 1, "save the file as UTF-8")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(path, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(data, dict):
        problems.add(path, 1, "a profile is a set of 'key: value' lines")
        return None
    return _Reader(path, problems, _lines(node)).profile(key, data)


def _lines(node: Any) -> dict[tuple, int]:
    """Line number (from 1) of every key and list item, by its path: {('lines', 0, 'label'): 12}."""
    lines: dict[tuple, int] = {}

    def walk(node: Any, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, str(key.value))
                lines[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*path, index)] = item.start_mark.line + 1
                walk(item, (*path, index))

    if node is not None:
        walk(node, ())
    return lines


def placeholders(template: str) -> list[str]:
    """The placeholder names a template uses; ValueError when it is not a valid template."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"'{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}'")
        names.append(name)
    return names


class _Reader:
    def __init__(self, path: Path, problems: ProblemList, lines: dict[tuple, int]) -> None:
        self.path, self.problems, self.lines = path, problems, lines

    def error(self, where: tuple, message: str) -> None:
        while where and where not in self.lines:
            where = where[:-1]
        self.problems.add(self.path, self.lines.get(where, 1), message)

    def text(self, data: dict, where: tuple, required: bool = False) -> str:
        value = data.get(where[-1])
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(where[:-1] or where, f"'{'.'.join(map(str, where))}' is required")
            return ""
        if not isinstance(value, str):
            self.error(where, f"'{'.'.join(map(str, where))}' must be text")
            return ""
        return " ".join(value.split())

    def template(self, data: dict, where: tuple, allowed: set[str], required: bool = True) -> str:
        value = self.text(data, where, required)
        try:
            names = placeholders(value)
        except ValueError as exc:
            self.error(
                where, f"{exc} is not a placeholder: write a name in braces, such as {{learner}}, and {{{{ for a brace"
            )
            return value
        for name in names:
            if name == "number" and name not in allowed:
                self.error(where, "{number} prints the provider's number: say what it is called with 'number_label'")
            elif name not in allowed:
                known = ", ".join(f"{{{n}}}" for n in sorted(allowed))
                self.error(where, f"unknown placeholder '{{{name}}}' (known: {known})")
        return value

    def decimal(self, data: dict, where: tuple, minimum: float, maximum: float) -> Decimal | None:
        value = data.get(where[-1])
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(where, f"'{'.'.join(map(str, where))}' must be a number")
            return None
        if not minimum < value <= maximum:
            self.error(where, f"'{'.'.join(map(str, where))}' must be more than {minimum:g} and at most {maximum:g}")
            return None
        return Decimal(str(value))

    def names(self, data: dict, key: str, allowed, default: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error((key,), f"'{key}' must be a list, such as [{', '.join(list(allowed)[:2])}]")
            return default
        for index, name in enumerate(value):
            if name not in allowed:
                self.error((key, index), f"'{name}' in '{key}' is not one of: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            self.error((key,), f"'{key}' names something twice")
        return tuple(n for n in value if n in allowed)

    def profile(self, key: str, data: dict) -> Profile | None:
        for name in data:
            if name not in TOP_KEYS:
                self.error((str(name),), f"unknown setting '{name}' (expected one of: {', '.join(sorted(TOP_KEYS))})")
        for name in REQUIRED_KEYS:
            if data.get(name) in (None, ""):
                self.error((), f"'{name}' is required")
        title = self.text(data, ("title",))
        credit = self.text(data, ("credit",))
        unit = self.text(data, ("unit",))
        unit_one = self.text(data, ("unit_one",)) or unit
        number_label = self.text(data, ("number_label",))
        notes = self.text(data, ("notes",))
        conversion = self.conversion(data.get("conversion"))
        minimum = data.get("minimum_hours", 0)
        if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or not 0 <= minimum <= 1000:
            self.error(("minimum_hours",), "'minimum_hours' must be a number of hours from 0 to 1000")
            minimum = 0
        requires = self.names(data, "requires", tuple(PROVIDER_FIELDS), ())
        dates = self.names(data, "dates", DATES, DATES)
        signature = data.get("signature", False)
        if not isinstance(signature, bool):
            self.error(("signature",), "'signature' must be true or false")
            signature = False

        allowed = set(PLACEHOLDERS) - (set() if number_label else {"number"})
        statement = self.template(data, ("statement",), allowed) if data.get("statement") else ""
        for name in sorted(set(self._names(statement)) & set(OPTIONAL_IN_STATEMENT)):
            if OPTIONAL_IN_STATEMENT[name] not in requires:
                self.error(
                    ("statement",),
                    f"the statement prints {{{name}}}, which may be empty: add '{OPTIONAL_IN_STATEMENT[name]}' to "
                    "'requires', or print it on a line (a line whose value is empty is left out)",
                )
        lines = self.line_list(data.get("lines"), allowed)
        if "number" in requires and not number_label:
            self.error(("requires",), "'requires' names 'number': say what the number is called with 'number_label'")
        printed = " ".join([statement, *(line.value for line in lines)])
        used = set(placeholders(printed)) if not self._broken(printed) else set()
        for field in requires:
            placeholder = PROVIDER_FIELDS[field]
            if field in {"signatory", "signature"}:
                if not signature:
                    self.error(("requires",), f"'requires' names '{field}': print it with 'signature: true'")
            elif placeholder and placeholder not in used:
                self.error(
                    ("requires",),
                    f"'requires' names '{field}', but neither the statement nor a line prints {{{placeholder}}}",
                )
        if conversion is None or not (title and credit and unit and statement):
            return None
        return Profile(
            key=key,
            title=title,
            credit=credit,
            unit=unit,
            unit_one=unit_one,
            conversion=conversion,
            statement=statement,
            lines=lines,
            signature=signature,
            dates=dates,
            requires=requires,
            number_label=number_label,
            minimum_hours=float(minimum),
            notes=notes,
        )

    @staticmethod
    def _names(template: str) -> list[str]:
        try:
            return placeholders(template)
        except ValueError:
            return []

    @staticmethod
    def _broken(template: str) -> bool:
        try:
            placeholders(template)
        except ValueError:
            return True
        return False

    def conversion(self, value: Any) -> Conversion | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(("conversion",), "'conversion' must be a set of 'key: value' lines: factor, round_to, rounding")
            return None
        for name in value:
            if name not in CONVERSION_KEYS:
                self.error(
                    ("conversion", str(name)),
                    f"unknown setting '{name}' in 'conversion' (expected one of: {', '.join(sorted(CONVERSION_KEYS))})",
                )
        factor = self.decimal(value, ("conversion", "factor"), 0, 100)
        round_to = self.decimal(value, ("conversion", "round_to"), 0, 100)
        rounding = value.get("rounding")
        if rounding not in ROUNDING:
            self.error(("conversion", "rounding"), "'conversion.rounding' must be 'down' or 'nearest'")
            return None
        if factor is None or round_to is None:
            return None
        return Conversion(factor, round_to, rounding)

    def line_list(self, value: Any, allowed: set[str]) -> tuple[Line, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(("lines",), "'lines' must be a list of '- label: ...' and 'value: ...' pairs")
            return ()
        lines = []
        for index, item in enumerate(value):
            where = ("lines", index)
            if not isinstance(item, dict):
                self.error(
                    where,
                    "each line is a 'label' and a 'value', such as '- label: Provider' and 'value: \"{provider}\"'",
                )
                continue
            for name in item:
                if name not in LINE_KEYS:
                    self.error((*where, str(name)), f"unknown setting '{name}' in a line (expected: label, value)")
            label = self.text(item, (*where, "label"), required=True)
            template = self.template(item, (*where, "value"), allowed)
            if label and template:
                lines.append(Line(label, template))
        return tuple(lines)
