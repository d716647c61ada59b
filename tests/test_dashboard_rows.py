"""The leaders' dashboard, its pure parts: a member's status, filtering and sorting rows (no app, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from courseware.cohorts.dashboard import STATUSES, Dashboard, MemberRow, _status, select_rows

DUE = date(2030, 3, 15)


def row(name: str, status: str = "not-started", **fields) -> MemberRow:
    values = {"member_id": 0, "user_id": 0, "name": name, "email": f"{name.split()[0].lower()}@district.org",
              "staff_role": "", "school": "", "active": True, "status": status}  # fmt: skip
    values.update(fields)
    return MemberRow(**values)


def board(*rows: MemberRow) -> Dashboard:
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r.status] += 1
    return Dashboard(rows=list(rows), counts=counts, roles=[], schools=[], inactive=0)


def names(rows: list[MemberRow]) -> list[str]:
    return [r.name for r in rows]


# --- status ------------------------------------------------------------------------------------------


def status(today: date, pages: int = 0, completed: bool = False) -> str:
    member = row("Someone", pages=pages, completed_at=datetime(2030, 1, 2, tzinfo=UTC) if completed else None)
    return _status(member, SimpleNamespace(due_on=DUE), today)


@pytest.mark.parametrize(
    ("today", "pages", "completed", "expected"),
    [
        (DUE - timedelta(days=1), 0, False, "not-started"),
        (DUE - timedelta(days=1), 2, False, "in-progress"),
        (DUE, 0, False, "not-started"),  # the due date itself is not late
        (DUE, 3, False, "in-progress"),
        (DUE + timedelta(days=1), 0, False, "overdue"),
        (DUE + timedelta(days=1), 4, False, "overdue"),
        (DUE - timedelta(days=1), 5, True, "completed"),
        (DUE + timedelta(days=30), 5, True, "completed"),  # completed late is completed
    ],
)
def test_a_members_status(today, pages, completed, expected):
    assert status(today, pages, completed) == expected


# --- filtering -------------------------------------------------------------------------------------

NIA = row("Nia Notstarted", "not-started", staff_role="Teacher", school="Lincoln Elementary", percent=0)
IAN = row("ian Inprogress", "in-progress", staff_role="Counselor", school="Washington Middle", percent=40,
          last_activity=datetime(2030, 1, 1, 9, tzinfo=UTC))  # fmt: skip
CAL = row("Cal Completed", "completed", staff_role="Teacher", school="Washington Middle", percent=100,
          last_activity=datetime(2030, 1, 1, 10, tzinfo=UTC))  # fmt: skip
OLA = row("Ola Overdue", "overdue", staff_role="", school="", percent=40,
          last_activity=datetime(2029, 12, 1, tzinfo=UTC))  # fmt: skip
EVERYONE = board(NIA, IAN, CAL, OLA)


@pytest.mark.parametrize(
    ("status", "role", "school", "expected"),
    [
        ("", "", "", ["Cal Completed", "ian Inprogress", "Nia Notstarted", "Ola Overdue"]),
        ("completed", "", "", ["Cal Completed"]),
        ("overdue", "", "", ["Ola Overdue"]),
        ("", "Teacher", "", ["Cal Completed", "Nia Notstarted"]),
        ("", "teacher", "", []),  # roles are matched exactly, as the filter offers them
        ("", "", "Washington Middle", ["Cal Completed", "ian Inprogress"]),
        ("", "Teacher", "Washington Middle", ["Cal Completed"]),
        ("in-progress", "Teacher", "", []),
        ("nonsense", "", "", []),
    ],
)
def test_filters_combine(status, role, school, expected):
    assert names(select_rows(EVERYONE, status, role, school, "name", False)) == expected


# --- sorting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("name", False, ["Cal Completed", "ian Inprogress", "Nia Notstarted", "Ola Overdue"]),  # case ignored
        ("name", True, ["Ola Overdue", "Nia Notstarted", "ian Inprogress", "Cal Completed"]),
        ("status", False, ["Nia Notstarted", "ian Inprogress", "Cal Completed", "Ola Overdue"]),
        ("status", True, ["Ola Overdue", "Cal Completed", "ian Inprogress", "Nia Notstarted"]),
        ("progress", False, ["Nia Notstarted", "ian Inprogress", "Ola Overdue", "Cal Completed"]),  # ties by name
        ("progress", True, ["Cal Completed", "Ola Overdue", "ian Inprogress", "Nia Notstarted"]),
        ("activity", False, ["Nia Notstarted", "Ola Overdue", "ian Inprogress", "Cal Completed"]),  # never first
        ("activity", True, ["Cal Completed", "ian Inprogress", "Ola Overdue", "Nia Notstarted"]),
        ("role", False, ["Ola Overdue", "ian Inprogress", "Cal Completed", "Nia Notstarted"]),  # no role first
        ("school", False, ["Ola Overdue", "Nia Notstarted", "Cal Completed", "ian Inprogress"]),
        ("nonsense", False, ["Cal Completed", "ian Inprogress", "Nia Notstarted", "Ola Overdue"]),  # by name
    ],
)
def test_sorting(sort, descending, expected):
    assert names(select_rows(EVERYONE, "", "", "", sort, descending)) == expected


def test_sorting_filters_first_and_leaves_the_dashboard_alone():
    before = list(EVERYONE.rows)
    assert names(select_rows(EVERYONE, "", "Teacher", "", "progress", True)) == ["Cal Completed", "Nia Notstarted"]
    assert EVERYONE.rows == before


def test_an_empty_dashboard_selects_nothing():
    assert select_rows(board(), "completed", "Teacher", "Lincoln Elementary", "status", True) == []
