"""Reading one entry of a practice log from a form: every value checked, with a message for each field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from courseware.courses.practice import Practice
from courseware.text import clean as clean_text
from courseware.text import scrub

TEXT_MAX = 2000  # characters in "what I tried" and "what I noticed": a short log, not an essay
FIELDS = ("done_on", "minutes", "tried", "noticed")  # the fields typed, shown again as they were
ATTESTED = "attested"
# A learner's day can be the server's day before or after (time zones): one day of slack each way.
SLACK = timedelta(days=1)
FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


@dataclass(frozen=True)
class EntryValues:
    done_on: date
    minutes: int
    tried: str
    noticed: str


@dataclass
class ReadEntry:
    typed: dict[str, str]  # what was sent, to show again with the messages
    errors: dict[str, str] = field(default_factory=dict)  # field name -> what to do
    values: EntryValues | None = None  # None when anything is wrong


def read_entry(form, practice: Practice, started: date, today: date, renewal: bool = False) -> ReadEntry:
    """Check an entry for ``practice``. ``started`` is the day the learner's enrolment (in this cycle,
    ``renewal`` when it is not the first) began; ``today`` is the server's UTC date."""
    typed = {name: _text(form.get(name)) for name in FIELDS}
    typed[ATTESTED] = "yes" if form.get(ATTESTED) == "yes" else ""
    read = ReadEntry(typed)
    done_on = _date(typed["done_on"], started, today, renewal, read.errors)
    minutes = _minutes(typed["minutes"], practice.entry_max, read.errors)
    tried = _required_text(typed["tried"], "what you tried", "tried", read.errors)
    noticed = _required_text(typed["noticed"], "what you noticed", "noticed", read.errors)
    if not typed[ATTESTED]:
        read.errors[ATTESTED] = (
            "Tick this box to confirm that you did this activity yourself and that the minutes are your own."
        )
    if not read.errors:
        assert done_on is not None and minutes is not None
        read.values = EntryValues(done_on, minutes, tried, noticed)
    return read


def _text(value: object) -> str:
    """Typed text as it is kept: lone surrogates (which no browser sends) become U+FFFD."""
    return clean_text(scrub(value), multiline=True) if isinstance(value, str) else ""


def _date(raw: str, started: date, today: date, renewal: bool, errors: dict[str, str]) -> date | None:
    raw = raw.strip()
    if not raw:
        errors["done_on"] = "Enter the date you did the activity."
        return None
    try:
        done_on = date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        done_on = None
    if done_on is None:
        errors["done_on"] = "Enter a real date, as year-month-day: for example 2026-03-14."
    elif done_on > today + SLACK:
        errors["done_on"] = "The date cannot be in the future: log an activity once you have done it."
    elif done_on < started - SLACK:
        what = "this round of the course" if renewal else "this course"
        errors["done_on"] = f"The date cannot be before you started {what}, on {started:%-d %B %Y}."
    else:
        return done_on
    return None


def _minutes(raw: str, most: int, errors: dict[str, str]) -> int | None:
    raw = raw.strip()
    if not raw:
        errors["minutes"] = f"Enter the minutes you spent: a whole number from 1 to {most}."
        return None
    if not (raw.isascii() and raw.isdigit()):
        errors["minutes"] = f"Enter the minutes as a whole number from 1 to {most}, such as {min(15, most)}."
        return None
    minutes = int(raw) if len(raw) <= 6 else most + 1
    if minutes < 1:
        errors["minutes"] = f"Enter at least 1 minute: a whole number from 1 to {most}."
    elif minutes > most:
        errors["minutes"] = f"One entry can claim at most {most} minutes: enter a whole number from 1 to {most}."
    else:
        return minutes
    return None


def _required_text(raw: str, what: str, name: str, errors: dict[str, str]) -> str:
    text = raw.strip()
    if not text:
        errors[name] = f"Write {what}, in a sentence or two."
    elif len(text) > TEXT_MAX:
        errors[name] = f"Keep {what} to {TEXT_MAX:,} characters (this has {len(text):,})."
    return text


def form_key(value: object) -> str | None:
    """The form's key as sent, if it looks like one the page gave."""
    return value if isinstance(value, str) and FORM_KEY.match(value) else None
