"""Reading a roster file: CSV as Excel and Google Sheets export it, checked row by row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from courseware.text import clean, scrub

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS = {
    "name": {"name", "full name", "fullname", "staff name", "employee name", "person", "learner"},
    "first_name": {"first name", "firstname", "given name", "first"},
    "last_name": {"last name", "lastname", "surname", "family name", "last"},
    "email": {"email", "e mail", "email address", "e mail address", "mail", "work email", "school email"},
    "staff_role": {"staff role", "role", "position", "job title", "title", "job", "staff type", "job role"},
    "school": {"school", "building", "site", "campus", "location", "school name", "work location"},
}


SPREADSHEET = (
    "This looks like a spreadsheet file, not CSV. In Excel or Google Sheets, choose "
    "File, then Save as or Download, then CSV, and upload that file."
)


class RosterUnreadable(ValueError):
    """The file as a whole cannot be used; the message says why and what to do."""


@dataclass
class RosterRow:
    line: int
    name: str
    email: str
    staff_role: str
    school: str
    school_id: int | None = None
    problem: str | None = None


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # our column -> the header as written
    kind: str = "CSV"  # or "OneRoster"
    notes: list[str] = field(default_factory=list)  # what the preview says about the file as a whole
    left_out: dict[str, int] = field(default_factory=dict)  # rows not read, by reason ("not staff", ...)

    @property
    def valid(self) -> list[RosterRow]:
        return [r for r in self.rows if r.problem is None]

    @property
    def problems(self) -> list[RosterRow]:
        return [r for r in self.rows if r.problem is not None]


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.strip().lower().replace("\ufeff", "")).split())


def decode(data: bytes, limit: int = MAX_BYTES, name: str = "The file") -> str:
    """The file's text, without control characters (tab and line endings stay)."""
    return scrub(_decode(data, limit, name))


def _decode(data: bytes, limit: int, name: str) -> str:
    if len(data) > limit:
        raise RosterUnreadable(f"{name} is larger than {limit // (1024 * 1024)} MB. Split it, or upload fewer columns.")
    if not data.strip():
        raise RosterUnreadable(f"{name} is empty.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RosterUnreadable(f"{name} could not be read. Save it as “CSV UTF-8” and upload it again.") from None
    if b"\x00" in data[:4096]:
        raise RosterUnreadable(SPREADSHEET)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def parse(text: str, schools: dict[str, int]) -> ParsedRoster:
    """Rows of the roster with a problem noted on each one that cannot be used.

    ``schools`` maps lowercase school names to their ids; an empty school cell is allowed.
    """
    sample = text[:4096]
    first_line = sample.splitlines()[0] if sample.splitlines() else ""  # splitlines knows every line ending
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RosterUnreadable(
            "The file has no header row. The first row names the columns: name, email, staff role, school."
        )
    columns: dict[str, int] = {}
    written: dict[str, str] = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        for column, names in COLUMNS.items():
            if key in names and column not in columns:
                columns[column] = index
                written[column] = cell.strip()
    if "email" not in columns or ("name" not in columns and "first_name" not in columns):
        found = ", ".join(f"“{h.strip()}”" for h in header if h.strip()) or "none"
        raise RosterUnreadable(
            f"The first row must name the columns: name, email, staff role, school (found: {found}). "
            "Rename the headers and upload the file again."
        )
    roster = ParsedRoster(columns=written)
    seen: dict[str, int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(roster.rows) >= MAX_ROWS:
                raise RosterUnreadable(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
            roster.rows.append(_row(line, cells, columns, schools, seen))
    except csv.Error as exc:
        raise RosterUnreadable(f"The file could not be read as CSV near line {reader.line_num}: {exc}.")
    if not roster.rows:
        raise RosterUnreadable("The file has a header row but no people in it.")
    return roster


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return clean(cells[index]) if index is not None and index < len(cells) else ""


def _row(
    line: int, cells: list[str], columns: dict[str, int], schools: dict[str, int], seen: dict[str, int]
) -> RosterRow:
    name = _cell(cells, columns, "name") or " ".join(
        p for p in (_cell(cells, columns, "first_name"), _cell(cells, columns, "last_name")) if p
    )
    email, role, school = (_cell(cells, columns, c) for c in ("email", "staff_role", "school"))
    return check_row(line, name, email, role, school, schools, seen)


def check_row(
    line: int, name: str, raw_email: str, staff_role: str, school: str, schools: dict[str, int], seen: dict[str, int]
) -> RosterRow:
    """One person of a roster, whatever its format, with its first problem noted: every roster row
    is checked by these rules. ``seen`` holds the emails of the rows accepted so far, with their line."""
    row = RosterRow(line, name, raw_email.lower(), staff_role, school)
    if not name:
        row.problem = "missing name"
    elif len(name) > 300:
        row.problem = "the name is longer than 300 characters"
    elif not raw_email:
        row.problem = "missing email"
    else:
        try:
            row.email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.problem = f"“{raw_email}” is not an email address"
    if row.problem is None and row.email in seen:
        row.problem = f"duplicate: {row.email} is already on line {seen[row.email]}"
    if row.problem is None and len(row.staff_role) > 100:
        row.problem = "the staff role is longer than 100 characters"
    if row.problem is None and row.school:
        row.school_id = schools.get(row.school.lower())
        if row.school_id is None:
            row.problem = f"unknown school “{row.school}”"
    if row.problem is None:
        seen[row.email] = line
    return row
