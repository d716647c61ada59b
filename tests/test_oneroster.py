"""OneRoster exports as rosters: only staff are read, previewed and applied as a CSV roster is.

The files under tests/fixtures/oneroster/ are written from the OneRoster 1.1 and 1.2 CSV
specifications: users.csv with role and orgSourcedIds (1.1), users.csv with primaryOrgSourcedId and
a roles.csv (1.2), a bulk export with its manifest and class files, and files with a byte order mark,
columns that are not OneRoster's, and a malformed row.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from courseware.cohorts import oneroster, services
from courseware.extensions import db
from courseware.models import CohortMember, RosterUpload, User
from tests.helpers.html import element_text, parse, table_rows, texts_of
from tests.test_cohort_permissions import ACTORS, ROUTES, client_for, expected, place  # noqa: F401 (a fixture)
from tests.test_cohorts import (
    World,
    add_member,
    apply_roster,
    build_world,
    form_errors,
    preview_counts,
    problem_rows,
    signed_in,
    text_of,
)
from tests.test_roster import invitations, members, snapshot, users, xlsx_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "oneroster"
NOT_STAFF = ["Sam", "Student", "sam@students", "Gia", "Gardner", "gia@example.com", "Pam", "pam@example.com", "Rob"]


@pytest.fixture
def world(app, make_user) -> World:
    return build_world(make_user)


@pytest.fixture
def leader_client(app, world, sign_in):
    return signed_in(app, sign_in, world.leader)


def export(name: str, *only: str) -> list[tuple[str, bytes]]:
    """The files of a fixture export, by name, as they were written (line endings, byte order mark)."""
    return [(p.name, p.read_bytes()) for p in sorted((FIXTURES / name).iterdir()) if not only or p.name in only]


def zipped(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def bulk_zip() -> bytes:
    return zipped(export("bulk-1.2"))


def upload(client, cohort_id: int, files: list[tuple[str, bytes]] | bytes):
    """POST the files chosen together in the roster form (a zip: one file)."""
    if isinstance(files, bytes):
        files = [("export.zip", files)]
    data = {"csrf_token": client.csrf_token("/"), "file": [(io.BytesIO(b), name) for name, b in files]}
    return client.post(f"/cohorts/{cohort_id}/roster", data=data, content_type="multipart/form-data")


def preview(client, cohort_id: int, files) -> tuple[str, str]:
    response = upload(client, cohort_id, files)
    assert response.status_code == 302, (response.status_code, form_errors(text_of(response)))
    page = client.get(response.location)
    assert page.status_code == 200
    return response.location, text_of(page)


def refused(response, message: str) -> None:
    assert response.status_code == 422, response.status_code
    errors = " ".join(form_errors(text_of(response)))
    assert message in errors, errors[:3000]
    assert db.session.scalar(select(func.count(RosterUpload.id))) == 0


def new_people(page: str) -> list[list[str]]:
    return table_rows(page, "People the roster adds")


def notes(page: str) -> list[str]:
    return texts_of(page, ".roster-notes li")


def stored() -> str:
    return db.session.scalar(select(RosterUpload.content).order_by(RosterUpload.id.desc()).limit(1))


def roles_and_schools(world: World) -> dict[str, tuple[str, int | None]]:
    return {email: (m.staff_role, m.school_id) for email, m in members(world.cohort).items() if m.active}


# --- OneRoster 1.1: users.csv with its role and orgSourcedIds columns -----------------------------------


def test_a_users_and_orgs_upload_previews_the_staff_and_leaves_everyone_else_out(world, leader_client):
    url, page = preview(leader_client, world.cohort.id, export("users-1.1"))
    assert preview_counts(page) == {
        "New": 4,
        "Updated": 0,
        "Unchanged": 0,
        "To deactivate": 0,
        "Rows with problems": 0,
        "Not staff, left out": 4,
        "Staff disabled or to be deleted": 2,
    }
    assert new_people(page) == [
        ["Ana Alvarez", "ana@district.org", "Teacher", "Lincoln Elementary"],
        ["Ben Brooks", "ben@district.org", "Counselor", "Washington Middle"],  # the school, not the district
        ["Dan Diaz", "dan@district.org", "Aide", "Lincoln Elementary"],
        ["Pat Quinn, Jr.", "pat@district.org", "Administrator", "Riverside District"],  # a quoted cell
    ]
    assert "orgs.csv, users.csv (OneRoster export): 4 staff rows. Nothing has changed yet." in page
    assert any("4 rows of people who are not staff" in note and "not kept" in note for note in notes(page))
    body = element_text(parse(page).select_one("main") or parse(page))
    for name in (*NOT_STAFF, "Tom", "tom@district.org", "Val", "val@district.org"):
        assert name not in body, name
    for kept in (stored(),):  # the upload keeps the staff rows only, without OneRoster's ids
        assert "ana@district.org" in kept and "Ana Alvarez" in kept
        for left_out in (*NOT_STAFF, "tom@district.org", "val@district.org", "t-ana", "org-lincoln", "{SIS:1001}"):
            assert left_out not in kept, left_out

    summary = apply_roster(leader_client, url)
    assert summary.startswith("Roster applied: 4 added (4 invited to set a password), 0 updated, 0 unchanged")
    assert roles_and_schools(world) == {
        "ana@district.org": ("Teacher", world.school.id),
        "ben@district.org": ("Counselor", world.other_school.id),
        "dan@district.org": ("Aide", world.school.id),
        "pat@district.org": ("Administrator", world.district.id),
    }
    assert users()["pat@district.org"].name == "Pat Quinn, Jr."
    everyone = set(users())
    assert not {e for e in everyone if "students" in e or e.endswith("@example.com") or e.startswith(("tom", "val"))}
    assert len(invitations()) == 4


def test_applying_the_same_export_again_changes_nothing(world, leader_client):
    url, _ = preview(leader_client, world.cohort.id, export("users-1.1"))
    apply_roster(leader_client, url)
    before = snapshot()
    url, page = preview(leader_client, world.cohort.id, export("users-1.1"))
    assert preview_counts(page)["Unchanged"] == 4 and preview_counts(page)["New"] == 0
    assert apply_roster(leader_client, url).startswith("Roster applied: 0 added (0 invited to set a password), 0 upd")
    assert snapshot() == before


def test_disabled_staff_and_staff_to_be_deleted_count_as_not_in_the_file(world, leader_client, make_user):
    tom = make_user(name="Tom Gone", email="tom@district.org")
    val = make_user(name="Val Off", email="val@district.org")
    add_member(world.cohort, tom, "Teacher", world.school)
    add_member(world.cohort, val, "Teacher", world.other_school)
    url, page = preview(leader_client, world.cohort.id, export("users-1.1"))
    assert preview_counts(page)["To deactivate"] == 2
    assert texts_of(page, "section[aria-labelledby=missing-title] li") == [
        "Tom Gone (tom@district.org)",
        "Val Off (val@district.org)",
    ]
    assert any("disabled (enabledUser false) or marked to be deleted" in note for note in notes(page))
    apply_roster(leader_client, url)  # without the box: they stay
    assert members(world.cohort)["tom@district.org"].active

    url, _ = preview(leader_client, world.cohort.id, export("users-1.1"))
    assert "2 deactivated" in apply_roster(leader_client, url, deactivate=True)
    now = members(world.cohort)
    assert not now["tom@district.org"].active and not now["val@district.org"].active
    assert now["ana@district.org"].active


# --- files as districts' systems write them --------------------------------------------------------------


def test_a_byte_order_mark_and_columns_that_are_not_oneroster_s_are_explained(world, leader_client):
    url, page = preview(leader_client, world.cohort.id, export("bom-extra-columns"))
    assert preview_counts(page)["New"] == 2 and preview_counts(page)["Rows with problems"] == 0
    assert new_people(page)[1] == ["Eli Évans", "eli@district.org", "Teacher", "Washington Middle"]
    assert notes(page)[1:3] == [
        "users.csv starts with a byte order mark, as Excel writes it: it was read as UTF-8.",
        "users.csv has columns that are not OneRoster's, which are not read: “metadata.ext.building”, "
        "“Employee Number”.",
    ]
    assert "Building A" not in stored() and "E-1001" not in stored()
    apply_roster(leader_client, url)
    assert users()["eli@district.org"].name == "Eli Évans"


def test_each_problem_row_is_explained_and_only_its_line_number_is_kept_of_a_malformed_row(world, leader_client):
    url, page = preview(leader_client, world.cohort.id, export("malformed"))
    assert preview_counts(page) == {
        "New": 1,
        "Updated": 0,
        "Unchanged": 0,
        "To deactivate": 0,
        "Rows with problems": 5,
        "Not staff, left out": 1,
        "Staff disabled or to be deleted": 0,
    }
    assert problem_rows(page) == [
        (3, "", "", "the row has 19 cells where the header has 18 (a comma in a cell without quotes around it, or a "
         "quote that is not closed?): it was not read"),
        (4, "Gus Green", "", "missing email"),
        (5, "Finn Ford", "finn@district.org", "unknown school “Jefferson High”"),
        (6, "Ned Nowhere", "ned@district.org", "its organisation “org-nowhere” is not in orgs.csv"),
        (7, "Eve Evans", "not-an-email", "“not-an-email” is not an email address"),
    ]  # fmt: skip
    assert "Line numbers are those of users.csv" in page
    assert "Kim" not in stored() and "Sue" not in stored()
    assert apply_roster(leader_client, url).endswith("5 rows skipped.")
    assert set(members(world.cohort)) == {"ana@district.org"}


@pytest.mark.parametrize("ending", ["\n", "\r"], ids=["lf", "cr"])
def test_line_endings_do_not_change_what_is_read(world, leader_client, ending):
    files = [(name, data.replace(b"\r\n", ending.encode())) for name, data in export("users-1.1")]
    _, page = preview(leader_client, world.cohort.id, files)
    assert preview_counts(page)["New"] == 4 and preview_counts(page)["Rows with problems"] == 0


# --- OneRoster 1.2: roles.csv, and a bulk export as a zip --------------------------------------------------


def test_roles_csv_gives_each_staff_member_their_role_and_school(world, leader_client):
    url, page = preview(leader_client, world.cohort.id, export("roles-1.2"))
    assert preview_counts(page)["Not staff, left out"] == 3  # a student, a guardian, someone without a role
    apply_roster(leader_client, url)
    school, other, district = world.school.id, world.other_school.id, world.district.id
    assert roles_and_schools(world) == {
        "ana@district.org": ("Teacher", school),
        "ben@district.org": ("Teacher", other),  # primary role teacher; also a parent
        "cara@district.org": ("Principal", school),
        "dee@district.org": ("District administrator", district),
        "sid@district.org": ("Site administrator", other),
        "syd@district.org": ("System administrator", district),
        "cy@district.org": ("Counselor", other),
        "pru@district.org": ("Proctor", school),
        "ida@district.org": ("Aide", school),
    }
    assert users()["ben@district.org"].name == "Ben Brooks"  # the preferred given name


def test_no_role_is_both_staff_and_not_staff():
    assert not set(oneroster.STAFF_ROLES) & oneroster.NOT_STAFF


def test_a_bulk_export_zip_is_read_and_its_other_files_are_not_opened(world, leader_client):
    url, page = preview(leader_client, world.cohort.id, bulk_zip())
    assert preview_counts(page)["New"] == 2 and preview_counts(page)["Not staff, left out"] == 2
    assert new_people(page) == [
        ["Ana Alvarez", "ana@district.org", "Teacher", "Lincoln Elementary"],
        ["Ben Brooks", "ben@district.org", "Aide", "Washington Middle"],
    ]
    assert notes(page)[:2] == [
        "Read from users.csv, orgs.csv, roles.csv, manifest.csv. Only staff are read: other people's rows are "
        "left out and not kept. The other 4 files were not opened.",
        "OneRoster 1.2, according to manifest.csv.",
    ]
    assert "export.zip (OneRoster export): 2 staff rows." in page
    apply_roster(leader_client, url)
    assert set(members(world.cohort)) == {"ana@district.org", "ben@district.org"}


def test_a_delta_export_is_refused(world, leader_client):
    files = [f for f in export("bulk-1.2") if f[0] != "manifest.csv"] + export("delta")
    refused(upload(leader_client, world.cohort.id, zipped(files)), "holds only the changes since an earlier export")


def test_the_files_of_an_export_can_be_chosen_together_instead_of_the_zip(world, leader_client):
    files = export("bulk-1.2", "users.csv", "orgs.csv", "roles.csv", "manifest.csv")
    _, page = preview(leader_client, world.cohort.id, files)
    assert preview_counts(page)["New"] == 2


STUDENTS_ONLY = b"sourcedId,givenName,familyName,role\ns-1,Sam,Student,student\n"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (export("users-1.1", "users.csv"), "This is a OneRoster users.csv: choose orgs.csv with it"),
        (export("users-1.1", "orgs.csv"), "This is a OneRoster orgs.csv: choose it together with users.csv"),
        (export("roles-1.2", "users.csv", "orgs.csv"), "users.csv has no role column (OneRoster 1.1) and there is no"),
        ([*export("users-1.1"), ("staff.csv", b"name,email\nAna,ana@district.org\n")], "“staff.csv” is not a OneRo"),
        (export("users-1.1") + export("users-1.1", "orgs.csv"), "Two of the files are a OneRoster orgs.csv"),
        ([("students.csv", STUDENTS_ONLY), *export("users-1.1", "orgs.csv")], "no staff in it: 1 row of students"),
    ],
    ids=["users-alone", "orgs-alone", "no-roles", "with-a-csv-roster", "twice", "no-staff"],
)  # fmt: skip
def test_files_that_do_not_make_an_export_are_refused_with_a_clear_message(world, leader_client, files, message):
    before = snapshot()
    refused(upload(leader_client, world.cohort.id, files), message)
    assert snapshot() == before


# --- zip files: damaged, too large, folders ----------------------------------------------------------------


def bomb() -> bytes:
    """A small zip whose users.csv is larger than any export's once uncompressed."""
    header = export("users-1.1", "users.csv")[0][1].splitlines(keepends=True)[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("users.csv", "w", force_zip64=True) as member:
            member.write(header)
            chunk = b" " * (1024 * 1024)
            for _ in range(oneroster.MAX_FILE_BYTES // len(chunk) + 1):
                member.write(chunk)
        archive.writestr("orgs.csv", export("users-1.1", "orgs.csv")[0][1])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: zipped([("export/" + n, b) for n, b in export("bulk-1.2")]), "The zip file has folders or hidden"),
        (lambda: zipped([("../users.csv", b"x"), *export("users-1.1", "orgs.csv")]), "The zip file has folders"),
        (lambda: zipped([(f"file{n}.csv", b"x") for n in range(101)]), "The zip file holds more than 100 files"),
        (lambda: bomb(), "users.csv is larger than 50 MB once uncompressed."),
        (lambda: b"PK\x03\x04 not really a zip", "The zip file could not be opened"),
        (lambda: zipped(export("bulk-1.2", "orgs.csv", "roles.csv")), "This zip file is not a OneRoster export"),
        (lambda: xlsx_bytes(), "This looks like a spreadsheet file, not CSV"),
    ],
    ids=["folder", "parent", "too-many-files", "bomb", "damaged", "no-users", "spreadsheet"],
)
def test_a_zip_that_cannot_be_read_safely_is_refused(world, leader_client, data, message):
    before = snapshot()
    refused(upload(leader_client, world.cohort.id, data()), message)
    assert snapshot() == before


# --- who may do it: the same rules as a CSV roster ------------------------------------------------------


def test_a_oneroster_export_never_links_staff_the_leader_does_not_lead(app, world, leader_client, make_user):
    other = services.create_cohort(world.district, "Another cohort")
    ana = make_user(name="Ana Alvarez", email="ana@district.org")
    add_member(other, ana)
    url, page = preview(leader_client, world.cohort.id, export("users-1.1"))
    assert problem_rows(page) == [
        (2, "Ana Alvarez", "ana@district.org",
         "already has an account, in a cohort you do not lead: send them the join link instead"),
    ]  # fmt: skip
    apply_roster(leader_client, url)
    assert "ana@district.org" not in members(world.cohort)


UPLOAD = next(r for r in ROUTES if r.name == "upload-roster")


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_upload_preview_and_apply_an_export(app, place, sign_in, actor):  # noqa: F811 (the fixture)
    client = client_for(app, sign_in, place, actor)
    token = client.csrf_token("/")
    response = client.post(
        f"/cohorts/{place.a.id}/roster",
        data={"csrf_token": token, "file": [(io.BytesIO(bulk_zip()), "export.zip")]},
        content_type="multipart/form-data",
    )
    assert response.status_code in expected(UPLOAD, actor), response.status_code
    if actor == "anonymous":
        assert urlsplit(response.location).path == "/sign-in"
    if response.status_code != 302 or actor == "anonymous":
        assert db.session.scalar(select(func.count(RosterUpload.id))) == 2  # the fixture's two
        return
    preview_url = response.location
    assert client.get(preview_url).status_code == 200
    outsider = client_for(app, sign_in, place, "other_leader")
    assert outsider.get(preview_url).status_code == 404
    assert outsider.submit(preview_url, {}, page="/").status_code == 404
    assert client.submit(preview_url, {}).status_code == 302
    found = db.session.scalars(
        select(User.email)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == place.a.id)
    )
    assert "ana@district.org" in set(found)  # Ben's school is not one of this district's


# --- the command line ------------------------------------------------------------------------------------


def test_the_import_command_reads_a_zip(world, runner, tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(bulk_zip())
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 rows (2 not staff and 0 disabled left out): 2 new (2 without an account)" in result.output
    assert "Note: OneRoster 1.2, according to manifest.csv." in result.output
    assert not members(world.cohort)
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "Applied: 2 added (2 invited), 0 updated, 0 unchanged, 0 deactivated." in result.output
    before = snapshot()
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert "Applied: 0 added (0 invited), 0 updated, 2 unchanged, 0 deactivated." in result.output
    assert snapshot() == before


def test_the_import_command_reads_users_csv_with_its_orgs_and_roles(world, runner, tmp_path):
    for name, data in export("malformed") + export("roles-1.2", "roles.csv"):
        (tmp_path / name).write_bytes(data)
    users_csv, orgs = str(tmp_path / "users.csv"), str(tmp_path / "orgs.csv")
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), users_csv, "--orgs", orgs])
    assert result.exit_code == 0, result.output
    assert "users.csv:4: skipped: missing email" in result.output
    assert "users.csv:5: skipped: unknown school “Jefferson High”" in result.output
    assert "Applied: 1 added (1 invited)" in result.output
    assert set(members(world.cohort)) == {"ana@district.org"}

    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), users_csv])
    assert result.exit_code == 1 and "choose orgs.csv with it" in result.output


def test_the_import_command_refuses_a_delta_export(world, runner, tmp_path):
    path = tmp_path / "delta.zip"
    path.write_bytes(zipped([f for f in export("bulk-1.2") if f[0] != "manifest.csv"] + export("delta")))
    before = snapshot()
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert result.exit_code == 1 and "(“delta”)" in result.output
    assert snapshot() == before


def test_a_csv_file_never_passes_for_a_stored_staff_list(world, leader_client):
    forged = oneroster.StaffList([oneroster.StaffRow(2, "Zed Zero", "zed@district.org", "Teacher", "")]).dumps()
    assert forged.startswith("\x1e")
    response = upload(leader_client, world.cohort.id, [("roster.csv", forged.encode())])
    refused(response, "The first row must name the columns")  # read as a CSV roster, whose header it lacks
