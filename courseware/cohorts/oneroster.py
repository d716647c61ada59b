"""Reading a OneRoster export (CSV, versions 1.1 and 1.2): the district's staff, as roster rows.

A student information system exports OneRoster as a zip of CSV files (manifest.csv, orgs.csv,
users.csv, roles.csv and others about classes and grades, which are never opened), or as separate
files. Only staff are read: the rows of students, guardians, parents and relatives are counted
and dropped as users.csv is read, and never stored. What is kept between the preview and applying
it is a ``StaffList``: each staff row's line, name, email, staff role, school name and problem,
and the counts of the rows left out.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from courseware.cohorts.roster import (
    MAX_ROWS,
    SPREADSHEET,
    ParsedRoster,
    RosterRow,
    RosterUnreadable,
    check_row,
    decode,
)
from courseware.text import clean

MEGABYTE = 1024 * 1024
MAX_ZIP_BYTES = 20 * MEGABYTE  # the zip as uploaded (a web upload is also held to MAX_CONTENT_LENGTH)
MAX_FILE_BYTES = 50 * MEGABYTE  # each CSV file read, once uncompressed: users.csv holds the students too
MAX_TOTAL_BYTES = 100 * MEGABYTE  # the files read, together
MAX_ENTRIES = 100  # files in the zip: an export has about fifteen
MAX_USERS = 500_000  # rows of users.csv, staff or not

# OneRoster's role vocabulary (1.1 and 1.2): the staff role a member gets, shown on the dashboard.
STAFF_ROLES = {
    "teacher": "Teacher",
    "aide": "Aide",
    "administrator": "Administrator",  # 1.1
    "principal": "Principal",  # 1.2 from here on
    "siteadministrator": "Site administrator",
    "districtadministrator": "District administrator",
    "systemadministrator": "System administrator",
    "counselor": "Counselor",
    "proctor": "Proctor",
}
NOT_STAFF = frozenset({"student", "guardian", "parent", "relative"})

USER_COLUMNS = {  # 1.1 and 1.2 together, lowercase: any other column is not OneRoster's
    "sourcedid", "status", "datelastmodified", "enableduser", "orgsourcedids", "role", "username", "userids",
    "givenname", "familyname", "middlename", "identifier", "email", "sms", "phone", "agentsourcedids", "grades",
    "password", "usermasteridentifier", "resourcesourcedids", "preferredgivenname", "preferredmiddlename",
    "preferredfamilyname", "primaryorgsourcedid", "pronouns",
}  # fmt: skip
KINDS = {  # the columns that tell each file apart, whatever it is called
    "users.csv": {"sourcedid", "givenname", "familyname"},
    "orgs.csv": {"sourcedid", "name", "type"},
    "roles.csv": {"usersourcedid", "role", "orgsourcedid"},
    "manifest.csv": {"propertyname", "value"},
}
READ = tuple(KINDS)
MARK = "\x1e"  # starts a stored staff list; a CSV upload never does (control characters are removed)


@dataclass
class StaffRow:
    line: int  # in users.csv; the header is line 1
    name: str
    email: str
    staff_role: str
    school: str
    problem: str | None = None


@dataclass
class StaffList:
    """The staff of a OneRoster export, reduced to what a roster stores."""

    rows: list[StaffRow] = field(default_factory=list)
    not_staff: int = 0  # students, guardians, parents, relatives, and people without a staff role
    disabled: int = 0  # staff with enabledUser false or status "tobedeleted"
    notes: list[str] = field(default_factory=list)

    def dumps(self) -> str:
        rows = [[r.line, r.name, r.email, r.staff_role, r.school, r.problem] for r in self.rows]
        document = {"rows": rows, "not_staff": self.not_staff, "disabled": self.disabled, "notes": self.notes}
        return MARK + json.dumps({"oneroster": document}, ensure_ascii=False)

    def roster(self, schools: dict[str, int]) -> ParsedRoster:
        """The rows checked as every roster's are (email, duplicates, the school among ``schools``)."""
        parsed = ParsedRoster(kind="OneRoster", notes=list(self.notes))
        parsed.left_out = {"not staff": self.not_staff, "disabled": self.disabled}
        seen: dict[str, int] = {}
        for r in self.rows:
            if r.problem:
                parsed.rows.append(
                    RosterRow(r.line, r.name, r.email.lower(), r.staff_role, r.school, problem=r.problem)
                )
            else:
                parsed.rows.append(check_row(r.line, r.name, r.email, r.staff_role, r.school, schools, seen))
        return parsed


def is_staff_list(content: str) -> bool:
    return content.startswith(MARK)


def loads(content: str) -> StaffList:
    try:
        document = json.loads(content[len(MARK) :])["oneroster"]
        rows = [StaffRow(int(a), str(b), str(c), str(d), str(e), f if f is None else str(f))
                for a, b, c, d, e, f in document["rows"]]  # fmt: skip
        notes = [str(note) for note in document["notes"]]
        return StaffList(rows, int(document["not_staff"]), int(document["disabled"]), notes)
    except (ValueError, KeyError, TypeError):
        raise RosterUnreadable("The stored OneRoster staff list could not be read. Upload the export again.") from None


# --- recognising the files ------------------------------------------------------------------------


def _key(cell: str) -> str:
    return cell.strip().replace("\ufeff", "").lower()


def kind_of(data: bytes) -> str | None:
    """Which OneRoster file this is, from its header row ("users.csv", ...), or None."""
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines:
        return None
    try:
        header = {_key(c) for c in next(csv.reader([lines[0]]))}
    except csv.Error:
        return None
    for kind, needed in KINDS.items():
        if needed <= header:
            return kind
    return None


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def unzip(data: bytes) -> tuple[dict[str, bytes], int]:
    """The files of a OneRoster zip that are read, each capped in size, and how many others it holds,
    which are left closed."""
    if len(data) > MAX_ZIP_BYTES:
        raise RosterUnreadable(f"The zip file is larger than {MAX_ZIP_BYTES // MEGABYTE} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterUnreadable("The zip file could not be opened: it is damaged, or not a zip file.") from None
    names = [e.filename for e in entries]
    if "[Content_Types].xml" in names:
        raise RosterUnreadable(SPREADSHEET)
    if len(entries) > MAX_ENTRIES:
        raise RosterUnreadable(
            f"The zip file holds more than {MAX_ENTRIES} files; a OneRoster export has about fifteen. "
            "Upload the export as your student information system made it."
        )
    nested = [n for n in names if "/" in n or "\\" in n or n.startswith(".") or ":" in n]
    if nested:
        raise RosterUnreadable(
            f"The zip file has folders or hidden files in it (“{nested[0]}”). A OneRoster export has its CSV files "
            "at the top: zip the files themselves, not the folder they are in."
        )
    wanted = [e for e in entries if e.filename.lower() in READ]
    if len({e.filename.lower() for e in wanted}) != len(wanted):
        raise RosterUnreadable("The zip file holds the same file twice. Upload the export as it was made.")
    if sum(e.file_size for e in wanted) > MAX_TOTAL_BYTES:
        raise RosterUnreadable(f"The files of the export are larger than {MAX_TOTAL_BYTES // MEGABYTE} MB together.")
    found: dict[str, bytes] = {}
    for entry in wanted:
        name = entry.filename.lower()
        if entry.flag_bits & 0x1:
            raise RosterUnreadable("The zip file is protected by a password. Export it again without one.")
        too_big = RosterUnreadable(f"{name} is larger than {MAX_FILE_BYTES // MEGABYTE} MB once uncompressed.")
        if entry.file_size > MAX_FILE_BYTES:
            raise too_big
        try:
            with archive.open(entry) as member:
                content = member.read(MAX_FILE_BYTES + 1)  # never more, whatever the zip says about its size
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise RosterUnreadable(f"{name} in the zip file could not be read: the zip file is damaged.") from None
        if len(content) > MAX_FILE_BYTES:
            raise too_big
        found[name] = content
    if "users.csv" not in found:
        raise RosterUnreadable(
            "This zip file is not a OneRoster export: it has no users.csv. Upload the zip of the OneRoster "
            "(CSV) export of your student information system."
        )
    return found, len(entries) - len(found)


# --- reading ------------------------------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    columns: dict[str, int]
    header: list[str]  # as written
    records: Iterator[tuple[int, list[str]]]

    def get(self, cells: list[str], column: str) -> str:
        index = self.columns.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""


def _table(name: str, data: bytes, notes: list[str]) -> _Table:
    text = decode(data, MAX_FILE_BYTES, name)
    if data[:3] == b"\xef\xbb\xbf":
        notes.append(f"{name} starts with a byte order mark, as Excel writes it: it was read as UTF-8.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RosterUnreadable(f"{name} has no header row.") from None
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        columns.setdefault(_key(cell), index)

    def records() -> Iterator[tuple[int, list[str]]]:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise RosterUnreadable(f"{name} could not be read as CSV near line {reader.line_num}: {exc}.") from None
            if any(c.strip() for c in cells):
                yield line, cells

    return _Table(name, columns, [c.strip().replace("\ufeff", "") for c in header], records())


def _manifest(data: bytes, files: dict[str, bytes], notes: list[str]) -> None:
    """Refuse what the manifest says Courseware cannot read: another version, or a delta export."""
    table = _table("manifest.csv", data, notes)
    properties = {table.get(cells, "propertyname"): table.get(cells, "value") for _, cells in table.records}
    version = properties.get("oneroster.version", "")
    if version and not version.startswith("1."):
        raise RosterUnreadable(
            f"manifest.csv says this is OneRoster {version}; Courseware reads OneRoster 1.1 and 1.2."
        )
    for name in ("users", "orgs", "roles"):
        mode = properties.get(f"file.{name}", "").lower()
        if mode == "delta":
            raise RosterUnreadable(
                f"manifest.csv says {name}.csv holds only the changes since an earlier export (“delta”). Courseware "
                "reads the whole staff list: export in bulk mode (“bulk”) and upload that export."
            )
        if mode == "bulk" and f"{name}.csv" not in files:
            raise RosterUnreadable(f"manifest.csv lists {name}.csv, but the export has no {name}.csv.")
        if mode == "absent" and name == "roles":
            files.pop("roles.csv", None)
    if version:
        notes.append(f"OneRoster {version}, according to manifest.csv.")


def _orgs(data: bytes, notes: list[str]) -> dict[str, tuple[str, str]]:
    """Each organisation's sourcedId: its name and type ("school", "district", ...)."""
    table = _table("orgs.csv", data, notes)
    if "sourcedid" not in table.columns or "name" not in table.columns:
        raise RosterUnreadable("orgs.csv must have the columns sourcedId, name and type.")
    orgs: dict[str, tuple[str, str]] = {}
    for _, cells in table.records:
        if len(orgs) >= MAX_USERS:
            raise RosterUnreadable(f"orgs.csv has more than {MAX_USERS:,} rows.")
        if table.get(cells, "status").lower() != "tobedeleted":
            orgs[table.get(cells, "sourcedid")] = (clean(table.get(cells, "name")), table.get(cells, "type").lower())
    return orgs


@dataclass
class _Role:
    primary: bool
    staff_role: str | None  # None: not a staff role
    org: str


def _roles(data: bytes, notes: list[str]) -> dict[str, list[_Role]]:
    """Each user's roles (1.2), primary role first; a role marked to be deleted does not count."""
    table = _table("roles.csv", data, notes)
    roles: dict[str, list[_Role]] = {}
    for count, (_, cells) in enumerate(table.records, start=1):
        if count > MAX_USERS * 4:
            raise RosterUnreadable(f"roles.csv has more than {MAX_USERS * 4:,} rows.")
        if table.get(cells, "status").lower() == "tobedeleted":
            continue
        role = table.get(cells, "role")
        primary = table.get(cells, "roletype").lower() == "primary"
        role_of = _Role(primary, STAFF_ROLES.get(role.lower()), table.get(cells, "orgsourcedid"))
        roles.setdefault(table.get(cells, "usersourcedid"), []).append(role_of)
    for found in roles.values():
        found.sort(key=lambda r: (r.staff_role is None, not r.primary))
    return roles


def read_export(files: dict[str, bytes], unopened: int = 0) -> StaffList:
    """The staff of a OneRoster export, from its files by name (users.csv, orgs.csv, and manifest.csv
    and roles.csv when there are; ``unopened`` other files were not read). Raises RosterUnreadable
    for an export that cannot be used."""
    files = dict(files)
    staff = StaffList()
    notes = staff.notes
    if "manifest.csv" in files:
        _manifest(files["manifest.csv"], files, notes)
    if "users.csv" not in files:
        raise RosterUnreadable("A OneRoster export is read from its users.csv: upload it, with orgs.csv.")
    if "orgs.csv" not in files:
        raise RosterUnreadable(
            "users.csv names schools by their OneRoster id only: upload orgs.csv with it (choose both files at once)."
        )
    orgs = _orgs(files["orgs.csv"], notes)
    roles = _roles(files["roles.csv"], notes) if "roles.csv" in files else None
    users = _table("users.csv", files["users.csv"], notes)
    _check_users_header(users, roles is not None, notes)
    for total, (line, cells) in enumerate(users.records, start=1):
        if total > MAX_USERS:
            raise RosterUnreadable(f"users.csv has more than {MAX_USERS:,} rows. Split the export into smaller ones.")
        row = _staff_row(line, cells, users, orgs, roles, staff)
        if row is not None:
            if len(staff.rows) >= MAX_ROWS:
                raise RosterUnreadable(
                    f"users.csv has more than {MAX_ROWS:,} staff. Split the export into smaller ones."
                )
            staff.rows.append(row)
    if not staff.rows:
        raise RosterUnreadable(
            f"users.csv has no staff in it: {_rows(staff.not_staff)} of students, guardians and others who are not "
            f"staff, and {_rows(staff.disabled)} of staff disabled or to be deleted."
        )
    read = ", ".join(name for name in READ if name in files)
    others = ""
    if unopened:
        others = f" The other {unopened} file{'s were' if unopened != 1 else ' was'} not opened."
    notes.insert(0, f"Read from {read}. Only staff are read: other people's rows are left out and not kept.{others}")
    return staff


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def _check_users_header(users: _Table, has_roles: bool, notes: list[str]) -> None:
    if "sourcedid" not in users.columns:
        raise RosterUnreadable("users.csv has no sourcedId column: it is not a OneRoster users.csv.")
    if "role" not in users.columns and not has_roles:
        raise RosterUnreadable(
            "users.csv has no role column (OneRoster 1.1) and there is no roles.csv (OneRoster 1.2): upload roles.csv "
            "too, or the zip of the whole export, so that Courseware can tell staff from students."
        )
    extra = [h for h in users.header if h and h.lower() not in USER_COLUMNS]
    if extra:
        shown = ", ".join(f"“{h}”" for h in extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10 else "")
        notes.append(f"users.csv has columns that are not OneRoster's, which are not read: {shown}.")


def _staff_row(
    line: int,
    cells: list[str],
    users: _Table,
    orgs: dict[str, tuple[str, str]],
    roles: dict[str, list[_Role]] | None,
    staff: StaffList,
) -> StaffRow | None:
    """The row as a roster row, if it is a staff member's; None (counted) for anyone else."""
    width = len(users.header)
    if len(cells) != width:
        # Which of the cells is the role cannot be known: nothing of the row is kept but its line.
        return StaffRow(line, "", "", "", "", (
            f"the row has {len(cells)} cells where the header has {width} (a comma in a cell without quotes "
            "around it, or a quote that is not closed?): it was not read"
        ))  # fmt: skip
    user_id = users.get(cells, "sourcedid")
    found = roles.get(user_id) if roles is not None else None
    if found:
        staff_role = found[0].staff_role
        role_orgs = [r.org for r in found if r.staff_role is not None]
    else:
        staff_role = STAFF_ROLES.get(users.get(cells, "role").lower())
        role_orgs = []
    if staff_role is None:
        staff.not_staff += 1
        return None
    if users.get(cells, "status").lower() == "tobedeleted" or users.get(cells, "enableduser").lower() == "false":
        staff.disabled += 1
        return None
    given = users.get(cells, "preferredgivenname") or users.get(cells, "givenname")
    family = users.get(cells, "preferredfamilyname") or users.get(cells, "familyname")
    name = clean(" ".join(p for p in (given, family) if p))
    email = clean(users.get(cells, "email"))
    listed = [o.strip() for o in users.get(cells, "orgsourcedids").split(",") if o.strip()]
    candidates = [o for o in (users.get(cells, "primaryorgsourcedid"), *role_orgs, *listed) if o]
    school, problem = _school(candidates, orgs)
    return StaffRow(line, name, email, staff_role, school, problem)


def _school(candidates: list[str], orgs: dict[str, tuple[str, str]]) -> tuple[str, str | None]:
    """The member's school: the first of their organisations that is a school (the primary one comes
    first), or else the first one (a district); its name, or a problem when orgs.csv lacks it."""
    if not candidates:
        return "", None
    missing = [o for o in candidates if o not in orgs]
    known = [o for o in candidates if o in orgs]
    if not known:
        return "", f"its organisation “{missing[0]}” is not in orgs.csv"
    schools = [o for o in known if orgs[o][1] == "school"]
    return orgs[(schools or known)[0]][0], None
