"""Pacing plans: from a start date, a due date (and an opening date) for each module of a course.

Pure functions of the plan, the start date and the course's modules; nothing here reads the database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

SINGLE, SCHOOL_YEAR, SEMESTER, SUMMER, CUSTOM = "single", "school-year", "semester", "summer", "custom"
PLANS = {
    SINGLE: "One due date for the whole course",
    SCHOOL_YEAR: "A school year: a module a month",
    SEMESTER: "A semester: the modules spread over 18 weeks",
    SUMMER: "A summer intensive over two weeks",
    CUSTOM: "Custom dates per module",
}
SHORT = {
    SINGLE: "one due date",
    SCHOOL_YEAR: "a school year (a module a month)",
    SEMESTER: "a semester (18 weeks)",
    SUMMER: "a summer intensive (two weeks)",
    CUSTOM: "custom dates per module",
}
SEMESTER_DAYS = 18 * 7
SUMMER_DAYS = 14
EARLIEST_DAYS = 366  # a date more than a year in the past is refused
LATEST_YEARS = 5  # and one more than five years ahead


@dataclass(frozen=True)
class Dates:
    """One module's dates: it is due on ``due_on``, and open to learners from ``opens_on`` (None: open now)."""

    module: str
    opens_on: date | None
    due_on: date


@dataclass(frozen=True)
class Pacing:
    """A plan with the dates the leader confirmed for each module."""

    plan: str
    starts_on: date
    dates: list[Dates]

    @property
    def due_on(self) -> date:
        return max(d.due_on for d in self.dates)


def plan_dates(
    plan: str, starts_on: date, modules: list[str], opening: bool, ends_on: date | None = None
) -> list[Dates]:
    """The dates a plan gives each module, from ``starts_on``: a school year gives each module a month,
    a semester and a summer intensive share their weeks out evenly, custom dates are spread evenly up
    to ``ends_on`` (a month a module without one). With ``opening``, a module opens the day after the
    one before it is due (the first on the start date)."""
    count = len(modules)
    if not count:
        return []
    if plan == SCHOOL_YEAR or (plan == CUSTOM and ends_on is None):
        ends = [add_months_date(starts_on, i + 1) - timedelta(days=1) for i in range(count)]
    else:
        if plan == SEMESTER:
            days = SEMESTER_DAYS
        elif plan == SUMMER:
            days = SUMMER_DAYS
        else:
            days = max(count, ((ends_on or starts_on) - starts_on).days + 1)
        ends = [starts_on + timedelta(days=round(days * (i + 1) / count) - 1) for i in range(count)]
    found = []
    opens = starts_on
    for module, due in zip(modules, ends, strict=True):
        found.append(Dates(module, opens if opening else None, due))
        opens = due + timedelta(days=1)
    return found


def add_months_date(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_dates(dates: list[Dates], today: date) -> dict[str, str]:
    """What is wrong with the dates, by field name (``opens-<module>``, ``due-<module>``): an opening
    after the due date, a module due before the one before it, a date too far in the past or future."""
    problems: dict[str, str] = {}
    earliest, latest = today - timedelta(days=EARLIEST_DAYS), add_months_date(today, 12 * LATEST_YEARS)
    previous: date | None = None
    for d in dates:
        for name, value in ((f"opens-{d.module}", d.opens_on), (f"due-{d.module}", d.due_on)):
            if value is not None and value < earliest:
                problems[name] = "This date is more than a year ago: check the year."
            elif value is not None and value > latest:
                problems[name] = f"This date is more than {LATEST_YEARS} years ahead: check the year."
        if f"opens-{d.module}" not in problems and d.opens_on is not None and d.opens_on > d.due_on:
            problems[f"opens-{d.module}"] = "The module would open after it is due: open it on or before its due date."
        if f"due-{d.module}" not in problems and previous is not None and d.due_on < previous:
            problems[f"due-{d.module}"] = (
                "This module would be due before the module before it: keep the modules in order."
            )
        previous = d.due_on
    return problems


def in_range(value: date, today: date) -> str | None:
    """Why a start or due date is refused (too far in the past or the future), or None."""
    if value < today - timedelta(days=EARLIEST_DAYS):
        return "This date is more than a year ago: check the year."
    if value > add_months_date(today, 12 * LATEST_YEARS):
        return f"This date is more than {LATEST_YEARS} years ahead: check the year."
    return None
