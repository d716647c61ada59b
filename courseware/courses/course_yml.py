"""Reading and checking ``course.yml``."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import yaml

from courseware.courses.evaluation import read_evaluation
from courseware.courses.model import CompletionRules, Course, Credit, Provider, Skill, Track
from courseware.courses.problems import ProblemList
from courseware.courses.quiz import (
    REVEAL_AFTER_EACH_ATTEMPT,
    REVEAL_AFTER_PASSING,
    REVEAL_POLICIES,
    WAIT_MAX,
    QuizSettings,
)
from courseware.courses.team_plan import read_team_plan

# The share of each module's stated minutes a learner must really spend in a course that offers credit,
# in percent (docs/authoring.md). A course without credit requires none unless it says so.
DEFAULT_ACTIVE_TIME = 80
CREDIT_TYPES = {"contact hours", "ceu", "clock hours", "pdps"}
# The credit profile a course offers when course.yml lists none: the one that matches its credit type.
TYPE_PROFILES = {"contact hours": "contact-hours", "clock hours": "clock-hours", "ceu": "iacet-ceu", "pdps": "ma-pdp"}
PROFILE_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
PROVIDER_KEY_RE = PROFILE_KEY_RE
PROVIDER_TEXT = ("name", "approval_number", "contact", "signatory", "signatory_title")
# Text that stands for details still to be filled in, never to be printed on a certificate.
PLACEHOLDER_RE = re.compile(
    r"\(set by [^)]*\)|\byour (organi[sz]ation|organi[sz]ation's|approval|contact|name|email|phone|number)\b"
    r"|\bTBD\b|\bTBA\b|\bto be (determined|confirmed|announced)\b|\bexample\b|\bx{3,}\b|\bplaceholder\b"
    r"|\bchange ?me\b|\blorem ipsum\b|<[^>]*>|\[[^\]]*\]",
    re.IGNORECASE,
)
TOP_KEYS = {
    "title", "summary", "audience", "version", "published", "credit", "provider",
    "completion", "quizzes", "certificate", "evaluation", "team_plan", "modules", "tracks", "growth",
}  # fmt: skip
TRACK_KEYS = {"id", "title", "staff_roles"}
TRACK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
SECTION_KEYS = {
    "credit": {"hours", "type", "ceu", "profiles", "learner_chooses"},
    "provider": {*PROVIDER_TEXT, "numbers"},
    "completion": {"pass_mark", "worksheets_required", "case_studies_required", "min_seat_minutes", "active_time"},
    "quizzes": {"shuffle", "attempts", "wait", "reveal"},
    "certificate": {"design", "validity_months"},
    "growth": {"skills"},
}


def placeholder(text: str) -> str | None:
    """The part of ``text`` that is a placeholder ("(set by the provider)", "TBD", "example.org"), or None."""
    match = PLACEHOLDER_RE.search(text)
    return match.group(0) if match else None


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


def read_course_yml(
    course_dir: Path, problems: ProblemList, profiles: list[str] | None = None
) -> tuple[Course, list[str] | None]:
    """The course's settings and its optional module order; problems are recorded, never raised.

    ``profiles`` lists the credit profiles that exist; when given, course.yml must name only those.
    """
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
        if section == "provider" and isinstance(value, str):
            continue  # the key of a provider set up by an admin
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
    course.credit = Credit(
        hours=hours,
        credit_type=credit_type,
        ceu=ceu,
        profiles=reader.profiles(credit, credit_type, profiles),
        learner_chooses=reader.boolean(credit, ("credit", "learner_chooses"), False),
    )
    course.provider = reader.provider(data.get("provider"), profiles, offers_credit=hours > 0)
    completion = data.get("completion") or {}
    course.completion = CompletionRules(
        pass_mark=reader.number(completion, ("completion", "pass_mark"), 80, minimum=0, maximum=100, whole=True),
        worksheets_required=reader.boolean(completion, ("completion", "worksheets_required"), False),
        case_studies_required=reader.boolean(completion, ("completion", "case_studies_required"), False),
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
    course.team_plan = read_team_plan(data, reader.error)

    course.tracks = reader.tracks(data.get("tracks"))
    course.skills = reader.skills((data.get("growth") or {}).get("skills"))
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

    def error(self, key: tuple, message: str) -> None:
        self.problems.add(self.path, self.lines.get(key, 1), message)

    def credit_problem(self, key: tuple, message: str) -> None:
        self.problems.add_credit(self.path, self.lines.get(key, self.lines.get(key[:1], 1)), message)

    def profiles(self, credit: dict, credit_type: str, known: list[str] | None) -> tuple[str, ...]:
        """``credit.profiles``: profile keys, each once; without it, the profile matching the credit type."""
        value = credit.get("profiles")
        if value is None:
            default = TYPE_PROFILES.get(credit_type.lower())
            return (default,) if default and (known is None or default in known) else ()
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.error(
                ("credit", "profiles"),
                "'credit.profiles' must be a list of credit profile keys, such as [contact-hours]",
            )
            return ()
        chosen: list[str] = []
        for index, key in enumerate(value):
            where = ("credit", "profiles", str(index))
            if key in chosen:
                self.error(where, f"'credit.profiles' lists '{key}' twice")
            elif known is not None and key not in known:
                self.error(where, f"unknown credit profile '{key}' (profiles: {', '.join(sorted(known)) or 'none'})")
            elif not PROFILE_KEY_RE.match(key):
                self.error(where, f"'{key}' is not a credit profile key (lowercase letters, digits and hyphens)")
            else:
                chosen.append(key)
        return tuple(chosen)

    def provider(self, value, known: list[str] | None, offers_credit: bool) -> Provider:
        """``provider``: the key of a provider an admin set up, or the provider's details themselves."""
        where = self.problems.shown(self.path), self.lines.get(("provider",), 1)
        if isinstance(value, str):
            key = value.strip()
            if not PROVIDER_KEY_RE.match(key):
                self.error(
                    ("provider",), f"'provider: {key}' is not a provider key (lowercase letters, digits and hyphens)"
                )
            return Provider(key=key, file=where[0], line=where[1])
        if value is None:
            if offers_credit:
                self.credit_problem(
                    ("credit",),
                    "a course that offers credit names its provider: 'provider: <key>' for a provider set up by an "
                    "admin, or 'provider:' with the provider's name and contact",
                )
            return Provider(file=where[0], line=where[1])
        if not isinstance(value, dict):
            return Provider(file=where[0], line=where[1])  # reported with the other sections
        details = {name: self.text(value, ("provider", name)) for name in PROVIDER_TEXT}
        numbers = self.numbers(value.get("numbers"), known)
        if offers_credit:
            for name in ("name", "contact"):
                if not details[name]:
                    self.credit_problem(
                        ("provider", name), f"'provider.{name}' is empty: no certificate can be issued without it"
                    )
            written: list[tuple[tuple[str, ...], str]] = [
                (("provider", name), details[name]) for name in PROVIDER_TEXT if name in value
            ]
            written += [(("provider", "numbers", profile), number) for profile, number in numbers]
            for where_written, text in written:
                found = placeholder(text) if text else None
                shown = ".".join(where_written)
                if not text and where_written[-1] not in {"name", "contact"}:
                    self.credit_problem(where_written, f"'{shown}' is empty: fill it in or leave it out")
                elif found:
                    self.credit_problem(
                        where_written, f"'{shown}' is a placeholder (“{found}”): write the provider's real details"
                    )
        return Provider(**details, numbers=numbers, file=where[0], line=where[1])

    def numbers(self, value, known: list[str] | None) -> tuple[tuple[str, str], ...]:
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.error(("provider", "numbers"), "'provider.numbers' must be 'profile-key: number' lines")
            return ()
        numbers = []
        for key in value:
            if known is not None and key not in known:
                self.error(("provider", "numbers", str(key)), f"unknown credit profile '{key}' in 'provider.numbers'")
                continue
            numbers.append((str(key), self.text(value, ("provider", "numbers", str(key)))))
        return tuple(numbers)

    def tracks(self, value) -> list[Track]:
        """``tracks``: the role tracks, each with an id, a title and the staff roles that start on it."""
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.error(("tracks",), "'tracks' must be a list of tracks, each with an 'id', a 'title' and 'staff_roles'")
            return []
        tracks: list[Track] = []
        roles: dict[str, str] = {}
        for index, item in enumerate(value):
            where = ("tracks", str(index))
            if not isinstance(item, dict):
                self.error(where, "each track is a set of 'key: value' lines: id, title and staff_roles")
                continue
            for key in item:
                if key not in TRACK_KEYS:
                    self.error(
                        (*where, str(key)),
                        f"unknown setting '{key}' in a track (expected one of: {', '.join(sorted(TRACK_KEYS))})",
                    )
            track_id = str(item.get("id") or "").strip()
            title = self.text(item, (*where, "title"))
            if not track_id:
                self.error(where, "a track needs an 'id', such as 'id: classroom'")
                continue
            if not TRACK_ID_RE.match(track_id):
                self.error((*where, "id"), f"track id '{track_id}' must use lowercase letters, digits and hyphens")
                continue
            if any(t.id == track_id for t in tracks):
                self.error((*where, "id"), f"two tracks have the id '{track_id}'")
                continue
            if not title:
                self.error(where, f"the track '{track_id}' needs a 'title', which learners choose it by")
            staff_roles = item.get("staff_roles") or []
            if not isinstance(staff_roles, list) or not all(isinstance(r, str) and r.strip() for r in staff_roles):
                self.error(
                    (*where, "staff_roles"),
                    "'staff_roles' must be a list of roster staff roles, such as [Teacher, Aide]",
                )
                staff_roles = []
            for role in staff_roles:
                other = roles.setdefault(role.strip().casefold(), track_id)
                if other != track_id:
                    self.error(
                        (*where, "staff_roles"),
                        f"the staff role '{role.strip()}' is in two tracks: '{other}' and '{track_id}'",
                    )
            tracks.append(Track(track_id, title or track_id, tuple(r.strip() for r in staff_roles)))
        if len(tracks) == 1 and len(value) == 1:
            self.error(("tracks",), "a course with tracks names at least two (with one, leave 'tracks' out)")
        return tracks

    def skills(self, value) -> tuple[Skill, ...]:
        """``growth.skills``: the skills the pre-check and the growth check measure, as 'id: title' lines."""
        if value is None:
            return ()
        if not isinstance(value, dict) or not value:
            self.error(
                ("growth", "skills"),
                "'growth.skills' lists the skills measured, one 'skill-id: Title' line each, such as "
                "'recognizing-stress: Recognizing stress responses'",
            )
            return ()
        skills: list[Skill] = []
        for key in value:
            where = ("growth", "skills", str(key))
            skill_id = str(key).strip()
            if not TRACK_ID_RE.match(skill_id):
                self.error(where, f"skill id '{skill_id}' must use lowercase letters, digits and hyphens")
                continue
            text = self.text(value, where)
            if not text:
                self.error(where, f"the skill '{skill_id}' needs a title, which learners and leaders see")
                continue
            skills.append(Skill(skill_id, text, self.lines.get(where, 1)))
        return tuple(skills)

    def unknown_keys(self, data: dict, allowed: set[str], prefix: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                where = f" in '{prefix[0]}'" if prefix else ""
                self.error(
                    (*prefix, str(key)),
                    f"unknown setting '{key}'{where} (expected one of: {', '.join(sorted(allowed))})",
                )

    def text(self, data: dict, key: tuple, required: bool = False) -> str:
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
