"""The module dates a leader reviews before assigning: read from the form, checked, and compared with
the assignment as it stands (for the confirmation page)."""

from __future__ import annotations

from datetime import date

from courseware.cohorts.pacing import SHORT, SINGLE, Dates, Pacing, check_dates
from courseware.courses import Course
from courseware.models import Assignment, ModuleDate, PacingPlan


def values_of(dates: list[Dates]) -> dict[str, str]:
    """The review form's fields (``opens-<module>``, ``due-<module>``) filled with the dates."""
    values = {}
    for d in dates:
        values[f"opens-{d.module}"] = d.opens_on.isoformat() if d.opens_on else ""
        values[f"due-{d.module}"] = d.due_on.isoformat()
    return values


def _parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def read(course: Course, formdata, opening: bool, today: date) -> tuple[list[Dates], dict[str, str], dict[str, str]]:
    """Each module's dates as sent, what is wrong with them by field name, and the values to show again.
    Only the course's own modules are read: any other field is ignored."""
    dates, problems, values = [], {}, {}
    for module in course.modules:
        opens_name, due_name = f"opens-{module.slug}", f"due-{module.slug}"
        raw_opens = str(formdata.get(opens_name, ""))[:40] if opening else ""
        raw_due = str(formdata.get(due_name, ""))[:40]
        values[opens_name], values[due_name] = raw_opens, raw_due
        opens = _parse(raw_opens) if raw_opens.strip() else None
        due = _parse(raw_due) if raw_due.strip() else None
        if raw_opens.strip() and opens is None:
            problems[opens_name] = "Enter a date like 2026-09-01, or leave it empty for a module open from the start."
        if not raw_due.strip():
            problems[due_name] = "Enter the date this module is due, like 2026-09-30."
        elif due is None:
            problems[due_name] = "Enter a date like 2026-09-30."
        if due is not None:
            dates.append(Dates(module.slug, opens, due))
    if not problems:
        problems = check_dates(dates, today)
    return dates, problems, values


def _describe(found: ModuleDate | Dates | None) -> str:
    if found is None:
        return "no date of its own"
    due = f"due {found.due_on.strftime('%-d %B %Y')}"
    return f"opens {found.opens_on.strftime('%-d %B %Y')}, {due}" if found.opens_on else due


def changes(
    existing: Assignment,
    plan: PacingPlan | None,
    dates: list[ModuleDate],
    course: Course,
    due_on: date,
    renewal_months: int | None,
    pacing: Pacing | None,
) -> list[tuple[str, str, str]]:
    """What changing the assignment would change: (what, now, after), for the rows that differ."""

    def renewal(months: int | None) -> str:
        return f"every {months} months" if months else "none: taken once"

    rows = []
    if existing.due_on != due_on:
        rows.append(("Due date", existing.due_on.strftime("%-d %B %Y"), due_on.strftime("%-d %B %Y")))
    if existing.renewal_months != renewal_months:
        rows.append(("Renewal", renewal(existing.renewal_months), renewal(renewal_months)))
    before = SHORT[plan.plan] if plan is not None and plan.plan in SHORT else SHORT[SINGLE]
    after = SHORT[pacing.plan] if pacing is not None else SHORT[SINGLE]
    if before != after:
        rows.append(("Pacing", before, after))
    now_dates = {d.module: d for d in dates}
    new_dates = {d.module: d for d in pacing.dates} if pacing is not None else {}
    for number, module in enumerate(course.modules, start=1):
        old, new = now_dates.get(module.slug), new_dates.get(module.slug)
        if _describe(old) != _describe(new):
            rows.append((f"Module {number}: {module.title}", _describe(old), _describe(new)))
    return rows
