"""Which kind of roster an upload is, and reading a stored roster back, whatever its kind.

A roster is either Courseware's own CSV (name, email, staff role, school), kept as its text, or a
OneRoster export (a zip, or users.csv with orgs.csv, and roles.csv and manifest.csv when there are),
kept as its staff list only (``oneroster.StaffList``).
"""

from __future__ import annotations

from dataclasses import dataclass

from courseware.cohorts import oneroster
from courseware.cohorts.roster import ParsedRoster, RosterUnreadable, decode, parse

MAX_FILES = 4  # users.csv, orgs.csv, roles.csv, manifest.csv
MAX_UPLOAD_BYTES = oneroster.MAX_ZIP_BYTES  # read of each file uploaded, before its own limits apply


@dataclass(frozen=True)
class Upload:
    filename: str
    content: str  # what is stored: the CSV's text, or a OneRoster staff list


def read_upload(files: list[tuple[str, bytes]]) -> Upload:
    """What to store of the files uploaded together. Raises RosterUnreadable."""
    if not files:
        raise RosterUnreadable("Choose a CSV or OneRoster file to upload.")
    if len(files) == 1:
        name, data = files[0]
        if oneroster.is_zip(data):
            return Upload(name, oneroster.read_export(*oneroster.unzip(data)).dumps())
        kind = oneroster.kind_of(data)
        if kind is None:
            return Upload(name, decode(data))
        if kind == "users.csv":
            raise RosterUnreadable(
                "This is a OneRoster users.csv: choose orgs.csv with it (both files at once), so that Courseware knows "
                "the schools; or upload the zip of the whole export."
            )
        raise RosterUnreadable(f"This is a OneRoster {kind}: choose it together with users.csv, or upload the zip.")
    if len(files) > MAX_FILES:
        raise RosterUnreadable(
            f"Choose at most {MAX_FILES} files at once: users.csv, orgs.csv, roles.csv and manifest.csv of a "
            "OneRoster export. A CSV roster is uploaded on its own."
        )
    found: dict[str, bytes] = {}
    for name, data in files:
        if oneroster.is_zip(data):
            raise RosterUnreadable("Upload a zip file on its own, not with other files.")
        kind = oneroster.kind_of(data)
        if kind is None:
            raise RosterUnreadable(
                f"“{name}” is not a OneRoster users.csv, orgs.csv, roles.csv or manifest.csv. Several files at once "
                "are read as a OneRoster export; a CSV roster is uploaded on its own."
            )
        if kind in found:
            raise RosterUnreadable(f"Two of the files are a OneRoster {kind}: choose each file once.")
        found[kind] = data
    staff = oneroster.read_export(found)
    filename = ", ".join(name for name, _ in files)
    return Upload(filename if len(filename) <= 255 else filename[:254] + "…", staff.dumps())


def read(content: str, schools: dict[str, int]) -> ParsedRoster:
    """A stored roster's rows, checked against ``schools`` (lowercase names to ids)."""
    if oneroster.is_staff_list(content):
        return oneroster.loads(content).roster(schools)
    return parse(content, schools)
