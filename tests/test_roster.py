"""Rosters: a CSV file of staff, previewed with every problem explained, then applied (and re-applied) safely."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from courseware.cohorts import services
from courseware.extensions import db
from courseware.models import Certificate, Cohort, CohortMember, Job, PasswordReset, RosterUpload, User
from courseware.models.base import utcnow
from tests.conftest import PASSWORD
from tests.helpers import factories
from tests.helpers.html import element_text, one, table_rows, texts_of
from tests.test_cohorts import (
    World,
    add_member,
    apply_roster,
    build_world,
    dashboard_url,
    import_roster,
    member_rows,
    preview_counts,
    preview_roster,
    problem_rows,
    signed_in,
    text_of,
    upload_roster,
)
from tests.test_jobs import QueuedEmail, queued_emails

NEW_PASSWORD = "copper-meadow-thistle-93"

FIRST = """name,email,staff role,school
Ana Alvarez,ana@district.org,Teacher,Lincoln Elementary
Ben Brooks,ben@district.org,Counselor,Washington Middle
Cara Chen,cara@district.org,Teacher,
"""

SECOND = """name,email,staff role,school
Ana Alvarez,ana@district.org,Teacher,Lincoln Elementary
Ben Brooks,ben@district.org,Principal,Washington Middle
Dan Diaz,dan@district.org,Aide,lincoln elementary
Eve Evans,not-an-email,Teacher,
Dan Again,DAN@District.org,Teacher,
,nameless@district.org,Teacher,
Finn Ford,finn@district.org,Teacher,Hogwarts
Gus Green,,Teacher,
"""


@pytest.fixture
def world(app, make_user) -> World:
    return build_world(make_user)


@pytest.fixture
def leader_client(app, world, sign_in):
    return signed_in(app, sign_in, world.leader)


def members(cohort: Cohort | None = None) -> dict[str, CohortMember]:
    """Memberships by email: of ``cohort``, or of every cohort when each person is in one at most."""
    db.session.expire_all()
    query = select(User.email, CohortMember).join(CohortMember, CohortMember.user_id == User.id)
    if cohort is not None:
        query = query.where(CohortMember.cohort_id == cohort.id)
    rows = db.session.execute(query).all()
    assert len({email for email, _ in rows}) == len(rows), "someone is in two cohorts: name the cohort"
    return dict(rows)


def users() -> dict[str, User]:
    db.session.expire_all()
    return {user.email: user for user in db.session.scalars(select(User))}


def invitations() -> list[QueuedEmail]:
    return queued_emails("invitation")


def snapshot() -> dict:
    """Everything a roster could change."""
    db.session.expire_all()
    return {
        "users": sorted(
            db.session.execute(select(User.id, User.email, User.name, User.password_hash, User.role)).all()
        ),
        "members": sorted(
            db.session.execute(
                select(
                    CohortMember.id,
                    CohortMember.user_id,
                    CohortMember.staff_role,
                    CohortMember.school_id,
                    CohortMember.active,
                    CohortMember.deactivated_at,
                )
            ).all()
        ),
        "jobs": db.session.scalar(select(func.count(Job.id))),
        "resets": db.session.scalar(select(func.count(PasswordReset.id))),
    }


def roster_refused(response, message: str) -> None:
    assert response.status_code == 422, response.status_code
    page = text_of(response)
    assert message in page, page[:3000]
    assert "Traceback" not in page
    assert db.session.scalar(select(func.count(RosterUpload.id))) == 0


# --- preview ---------------------------------------------------------------------------------------


def test_the_preview_counts_every_kind_of_row_and_explains_each_problem(world, leader_client):
    import_roster(leader_client, world.cohort.id, FIRST)
    before = snapshot()
    url, page = preview_roster(leader_client, world.cohort.id, SECOND)
    assert preview_counts(page) == {
        "New": 1,
        "Updated": 1,
        "Unchanged": 1,
        "To deactivate": 1,
        "Rows with problems": 5,
    }
    assert problem_rows(page) == [
        (5, "Eve Evans", "not-an-email", "“not-an-email” is not an email address"),
        (6, "Dan Again", "dan@district.org", "duplicate: dan@district.org is already on line 4"),
        (7, "", "nameless@district.org", "missing name"),
        (8, "Finn Ford", "finn@district.org", "unknown school “Hogwarts”"),
        (9, "Gus Green", "", "missing email"),
    ]
    assert "5 rows will be skipped" in page
    assert "Cara Chen (cara@district.org)" in page  # the one not in the file
    assert "Nothing has changed yet." in page
    assert snapshot() == before  # a preview changes nothing

    assert apply_roster(leader_client, url) == (
        "Roster applied: 1 added (1 invited to set a password), 1 updated, 1 unchanged, 0 deactivated, 5 rows skipped."
    )
    now = members()
    assert set(now) == {"ana@district.org", "ben@district.org", "cara@district.org", "dan@district.org"}
    assert now["ben@district.org"].staff_role == "Principal"
    assert now["dan@district.org"].school_id == world.school.id  # school names match in any case
    assert now["cara@district.org"].active  # not deactivated: the box was not ticked
    assert "finn@district.org" not in users() and "nameless@district.org" not in users()
    again = leader_client.get(url).get_data(as_text=True)  # the preview, opened again after applying
    assert "This roster was applied on" in again and "Nothing has changed yet." not in again


def district_staff(world, user):
    """Someone the world's leader already sees: a member of another cohort of the district that they lead."""
    other = services.create_cohort(world.district, "Bus drivers")
    services.grant_leader(world.leader, cohort=other)
    add_member(other, user)
    return user


@pytest.mark.parametrize("grant", ["cohort", "school"])
def test_a_roster_never_pulls_in_staff_the_leader_does_not_lead(app, world, make_user, sign_in, grant):
    """A cohort's or a school's leader cannot add, by roster, someone from another cohort or school of the
    district, and so can never read their progress, certificates or shared entries."""
    elsewhere = services.create_cohort(world.other_school, "Washington staff")
    colleague = make_user(name="Wes Washington", email="wes@district.org")
    add_member(elsewhere, colleague)
    lincoln = services.create_cohort(world.school, "Lincoln staff")
    leader = make_user(name="Lin Lincoln", email="lin@district.org")
    services.grant_leader(leader, **({"cohort": lincoln} if grant == "cohort" else {"organisation": world.school}))
    client = signed_in(app, sign_in, leader)
    response = upload_roster(client, lincoln.id, "name,email\nWes Washington,wes@district.org\n")
    preview = client.get(response.location).get_data(as_text=True)
    assert "already has an account, in a cohort you do not lead" in preview
    client.submit(response.location, {})
    assert db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == lincoln.id)) is None
    # The district's leader, who leads both schools' cohorts, may.
    district_leader = make_user(name="Dee District", email="dee@district.org")
    services.grant_leader(district_leader, organisation=world.district)
    client = signed_in(app, sign_in, district_leader)
    response = upload_roster(client, lincoln.id, "name,email\nWes Washington,wes@district.org\n")
    client.submit(response.location, {})
    assert db.session.scalar(select(CohortMember.user_id).where(CohortMember.cohort_id == lincoln.id)) == colleague.id


def test_the_preview_says_who_will_be_invited(world, leader_client, make_user):
    district_staff(world, make_user(name="Pat Existing", email="pat@district.org"))
    _, page = preview_roster(
        leader_client, world.cohort.id, "name,email\nPat Existing,pat@district.org\nNew Person,new@district.org\n"
    )
    assert preview_counts(page)["New"] == 2
    assert "1 of the new people has no account yet" in page
    assert "2 new people" in element_text(one(page, "#new-title"))
    assert [row[:2] for row in table_rows(page, "People the roster adds")] == [
        ["Pat Existing", "pat@district.org"],
        ["New Person", "new@district.org"],
    ]


def test_a_roster_upload_for_another_cohort_is_not_found(world, leader_client):
    url, _ = preview_roster(leader_client, world.cohort.id, FIRST)
    other = services.create_cohort(world.district, "Bus drivers")
    services.grant_leader(world.leader, cohort=other)
    upload_id = url.rsplit("/", 1)[1]
    assert leader_client.get(f"/cohorts/{other.id}/roster/{upload_id}").status_code == 404
    response = leader_client.submit(f"/cohorts/{other.id}/roster/{upload_id}", page="/")
    assert response.status_code == 404
    assert members() == {}


# --- apply -----------------------------------------------------------------------------------------


def invitation_path(message: QueuedEmail) -> str:
    link = re.search(r"https?://\S+/reset-password/\S+", message.body)
    assert link, message.body
    return urlsplit(link.group(0)).path


def test_applying_creates_accounts_without_a_password_and_invites_them(app, world, leader_client, client):
    summary = import_roster(leader_client, world.cohort.id, FIRST)
    assert summary == (
        "Roster applied: 3 added (3 invited to set a password), 0 updated, 0 unchanged, 0 deactivated, 0 rows skipped."
    )
    people = users()
    created = {"ana@district.org": "Ana Alvarez", "ben@district.org": "Ben Brooks", "cara@district.org": "Cara Chen"}
    for email, name in created.items():
        user = people[email]
        assert user.name == name and user.role == "learner" and user.is_active_account
        for guess in ("", "!", user.password_hash, PASSWORD, NEW_PASSWORD):
            assert not user.check_password(guess)
    response = client.submit("/sign-in", {"email": "ana@district.org", "password": "!"})
    assert response.status_code != 302  # no password works before the invitation is used

    roster = members()
    assert {e: (m.staff_role, m.school_id, m.active) for e, m in roster.items()} == {
        "ana@district.org": ("Teacher", world.school.id, True),
        "ben@district.org": ("Counselor", world.other_school.id, True),
        "cara@district.org": ("Teacher", None, True),
    }

    sent = invitations()
    assert sorted(m.to_address for m in sent) == ["ana@district.org", "ben@district.org", "cara@district.org"]
    ana = next(m for m in sent if m.to_address == "ana@district.org")
    assert "All staff 2026-27" in ana.subject
    assert "Hello Ana Alvarez" in ana.body and "Lee Leader" in ana.body
    assert ana.status == "queued"  # for the job worker to send, not sent during the request

    path = invitation_path(ana)
    form = client.get(path)
    assert form.status_code == 200 and "Choose your password" in text_of(form)
    response = client.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    assert "Ana Alvarez" in text_of(client.get("/account"))
    assert client.get(path).status_code == 410  # the link works once

    fresh = app.test_client()
    response = fresh.submit("/sign-in", {"email": "ana@district.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert fresh.get("/account").status_code == 200


def test_existing_accounts_are_linked_not_duplicated_and_keep_their_names(
    world, leader_client, make_user, app, sign_in
):
    pat = district_staff(world, make_user(name="Pat Existing", email="pat@district.org"))
    count = len(users())
    summary = import_roster(
        leader_client,
        world.cohort.id,
        "name,email,staff role,school\nPatricia Renamed,PAT@District.ORG,Nurse,Lincoln Elementary\n"
        "New Person,new@district.org,Aide,\n",
    )
    assert summary.startswith("Roster applied: 2 added (1 invited to set a password), 0 updated")
    people = users()
    assert len(people) == count + 1
    assert people["pat@district.org"].id == pat.id and people["pat@district.org"].name == "Pat Existing"
    assert people["pat@district.org"].check_password(PASSWORD)  # the password is untouched
    member = members(world.cohort)["pat@district.org"]
    assert (member.user_id, member.staff_role, member.school_id) == (pat.id, "Nurse", world.school.id)
    assert [m.to_address for m in invitations()] == ["new@district.org"]
    signed_in(app, sign_in, pat)  # still signs in as before


def test_applying_the_same_file_again_changes_nothing(world, leader_client):
    roster = FIRST + "Eve Evans,not-an-email,Teacher,\n"
    import_roster(leader_client, world.cohort.id, roster)
    before = snapshot()
    url, page = preview_roster(leader_client, world.cohort.id, roster)
    assert preview_counts(page) == {
        "New": 0,
        "Updated": 0,
        "Unchanged": 3,
        "To deactivate": 0,
        "Rows with problems": 1,
    }
    assert apply_roster(leader_client, url, deactivate=True) == (
        "Roster applied: 0 added (0 invited to set a password), 0 updated, 3 unchanged, 0 deactivated, 1 rows skipped."
    )
    assert snapshot() == before
    again = leader_client.submit(url, {})  # the same upload twice: a double click, or a replay
    assert "This roster was already applied" in text_of(leader_client.get(again.location))
    assert snapshot() == before


def test_a_file_in_another_order_and_case_is_the_same_roster(world, leader_client):
    import_roster(leader_client, world.cohort.id, FIRST)
    before = snapshot()
    reordered = (
        "School,Staff Role,Email,Name\n"
        ",Teacher,CARA@district.org,Cara Chen\n"
        "washington middle,Counselor,ben@DISTRICT.org,  Ben   Brooks \n"
        "Lincoln Elementary,Teacher,ana@district.org,Ana Alvarez\n"
    )
    summary = import_roster(leader_client, world.cohort.id, reordered)
    assert summary.startswith("Roster applied: 0 added (0 invited to set a password), 0 updated, 3 unchanged")
    assert snapshot() == before


# --- deactivation ----------------------------------------------------------------------------------


def test_people_missing_from_a_new_roster_are_deactivated_only_when_asked(
    app, world, leader_client, make_user, sign_in
):
    cara = district_staff(world, make_user(name="Cara Chen", email="cara@district.org"))
    factories.completed(cara)
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == cara.id))
    import_roster(leader_client, world.cohort.id, FIRST)
    without_cara = FIRST.replace("Cara Chen,cara@district.org,Teacher,\n", "")

    url, page = preview_roster(leader_client, world.cohort.id, without_cara)
    assert preview_counts(page)["To deactivate"] == 1 and "Cara Chen (cara@district.org)" in page
    assert 'name="deactivate_missing"' in page
    assert apply_roster(leader_client, url).endswith("0 deactivated, 0 rows skipped.")
    assert members(world.cohort)["cara@district.org"].active

    url, _ = preview_roster(leader_client, world.cohort.id, without_cara)
    assert apply_roster(leader_client, url, deactivate=True).endswith("1 deactivated, 0 rows skipped.")
    member = members(world.cohort)["cara@district.org"]
    assert not member.active and member.deactivated_at is not None
    assert members(world.cohort)["ana@district.org"].active and members(world.cohort)["ben@district.org"].active
    assert users()["cara@district.org"].is_active_account  # the account stays, and can sign in
    signed_in(app, sign_in, cara)

    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == cara.id))
    assert certificate is not None and certificate.code == code and certificate.revoked_at is None
    verify = app.test_client().get(f"/verify/{code}.json")
    assert verify.status_code == 200
    assert (verify.json["status"], verify.json["name"]) == ("valid", "Cara Chen")
    assert "Cara Chen" in text_of(app.test_client().get(f"/verify/{code}"))

    show = text_of(leader_client.get(f"/cohorts/{world.cohort.id}"))
    assert "2 active members" in show and "1 deactivated" in show

    cohort = db.session.get(Cohort, world.cohort.id)
    assignment = services.assign(cohort, "example-course", certificate.completed_at.date(), None)
    page = text_of(leader_client.get(dashboard_url(world.cohort.id, assignment.id)))
    assert [r["name"] for r in member_rows(page)] == ["Ana Alvarez", "Ben Brooks"]
    assert "1 deactivated not shown" in page

    url, page = preview_roster(leader_client, world.cohort.id, FIRST)  # back on the roster: reactivated
    assert preview_counts(page)["Updated"] == 1
    apply_roster(leader_client, url)
    cara_member = members(world.cohort)["cara@district.org"]
    assert cara_member.active and cara_member.deactivated_at is None


# --- every kind of CSV file ------------------------------------------------------------------------

JOSE = "José Núñez,jose@district.org,Teacher,Lincoln Elementary"
JOSE_TABS = JOSE.replace(",", "\t")
CSV_CASES = {
    "utf8-with-bom": f"\ufeffname,email,staff role,school\r\n{JOSE}\r\n".encode(),
    "utf8-without-bom": f"name,email,staff role,school\n{JOSE}\n".encode(),
    "semicolons": f"Name;Email;Staff role;School\n{JOSE.replace(',', ';')}\n".encode(),
    "excel-cp1252": f"Name;E-mail;Staff role;School\r\n{JOSE.replace(',', ';')}\r\n".encode("cp1252"),
    "excel-cp1252-commas": f"name,email,staff role,school\r\n{JOSE}\r\n".encode("cp1252"),
    "lenient-headers": (
        "E-mail Address,Full Name,Position,Building\njose@district.org,José Núñez,Teacher,Lincoln Elementary\n"
    ).encode(),
    "first-and-last-name": (
        "First Name,Last Name,Email,Job Title,School Name\nJosé,Núñez,jose@district.org,Teacher,Lincoln Elementary\n"
    ).encode(),
    "quoted-cells": (
        '"Full Name","Work Email","Role","Site"\n"Núñez, José",jose@district.org,"Teacher",Lincoln Elementary\n'
    ).encode(),
    "classic-mac-line-endings": f"name,email,staff role,school\r{JOSE}\r".encode(),
    "excel-unicode-text-utf16": f"Name\tEmail\tStaff role\tSchool\r\n{JOSE_TABS}\r\n".encode("utf-16"),
    "tabs": "Name\tEmail\tRole\tSchool\nJosé Núñez\tjose@district.org\tTeacher\tLincoln Elementary\n".encode(),
}


@pytest.mark.parametrize("data", CSV_CASES.values(), ids=CSV_CASES.keys())
def test_every_common_csv_file_is_read(world, leader_client, data):
    url, page = preview_roster(leader_client, world.cohort.id, data)
    assert preview_counts(page) == {"New": 1, "Updated": 0, "Unchanged": 0, "To deactivate": 0, "Rows with problems": 0}
    assert apply_roster(leader_client, url).startswith("Roster applied: 1 added (1 invited")
    user = users()["jose@district.org"]
    assert user.name == ("Núñez, José" if b"Site" in data else "José Núñez")
    member = members()["jose@district.org"]
    assert (member.staff_role, member.school_id, member.active) == ("Teacher", world.school.id, True)


def test_a_file_without_an_email_column_is_refused_with_a_clear_message(world, leader_client):
    before = snapshot()
    response = upload_roster(leader_client, world.cohort.id, "name,staff role,school\nAna Alvarez,Teacher,\n")
    roster_refused(response, "The first row must name the columns: name, email, staff role, school")
    assert "(found: “name”, “staff role”, “school”)" in text_of(response)
    assert snapshot() == before


def test_a_file_without_a_name_column_is_refused(world, leader_client):
    response = upload_roster(leader_client, world.cohort.id, "email,school\nana@district.org,\n")
    roster_refused(response, "The first row must name the columns")


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        book.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook><sheets/></workbook>')
        book.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")
    return buffer.getvalue()


def test_a_spreadsheet_file_is_refused_with_a_clear_message(world, leader_client):
    response = upload_roster(leader_client, world.cohort.id, xlsx_bytes(), filename="staff.xlsx")
    roster_refused(response, "This looks like a spreadsheet file, not CSV")
    assert "Download" in text_of(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"name,email,staff role,school\n", "The file has a header row but no people in it."),
        (b"name,email,staff role,school\n,,,\n", "The file has a header row but no people in it."),
    ],
    ids=["empty", "blank-lines", "header-only", "empty-rows"],
)
def test_a_file_with_nobody_in_it_is_refused(world, leader_client, data, message):
    before = snapshot()
    roster_refused(upload_roster(leader_client, world.cohort.id, data), message)
    assert snapshot() == before


def test_an_upload_without_a_file_is_refused(world, leader_client):
    response = leader_client.submit(f"/cohorts/{world.cohort.id}/roster", {}, page="/")
    roster_refused(response, "Choose a CSV or OneRoster file to upload.")


def big_roster(size: int) -> bytes:
    """A valid roster of exactly ``size`` bytes, one row per person, padded in a notes column."""
    header = b"name,email,staff role,school,notes\n"
    lines, total, n = [header], len(header), 0
    while size - total >= 400:
        line = b"Person %d,p%d@district.org,Teacher,,%s\n" % (n, n, b"y" * 300)
        lines.append(line)
        total += len(line)
        n += 1
    last = b"Person %d,p%d@district.org,Teacher,,\n" % (n, n)
    lines.append(last[:-1] + b"z" * (size - total - len(last)) + b"\n")
    data = b"".join(lines)
    assert len(data) == size
    return data


MEGABYTE = 1024 * 1024


def test_a_file_over_5_mb_is_refused_with_a_message_and_changes_nothing(app, world, leader_client):
    assert app.config["MAX_CONTENT_LENGTH"] > 5 * MEGABYTE + 4096  # the roster check explains itself
    before = snapshot()
    response = upload_roster(leader_client, world.cohort.id, big_roster(5 * MEGABYTE + 1))
    roster_refused(response, "The file is larger than 5 MB. Split it, or upload fewer columns.")
    assert snapshot() == before


def test_an_upload_over_the_request_limit_gets_a_friendly_page_and_changes_nothing(app, world, leader_client):
    before = snapshot()
    response = upload_roster(leader_client, world.cohort.id, big_roster(app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    page = text_of(response)
    assert "That upload is too large" in page and "Choose a smaller file" in page
    assert "Traceback" not in page and "RequestEntityTooLarge" not in page
    assert db.session.scalar(select(func.count(RosterUpload.id))) == 0
    assert snapshot() == before


def test_a_file_of_exactly_5_mb_is_read(world, leader_client):
    data = big_roster(5 * MEGABYTE)
    assert len(data) == 5 * MEGABYTE
    url, page = preview_roster(leader_client, world.cohort.id, data)
    people = data.count(b"\n") - 1
    assert preview_counts(page)["New"] == people and preview_counts(page)["Rows with problems"] == 0
    assert apply_roster(leader_client, url).startswith(f"Roster applied: {people} added")


def test_the_import_command_refuses_a_file_over_5_mb(world, runner, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(big_roster(5 * MEGABYTE + 1))
    before = snapshot()
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert result.exit_code == 1
    assert "The file is larger than 5 MB." in result.output
    assert snapshot() == before


# --- the command -----------------------------------------------------------------------------------


def write(tmp_path, text: str, name: str = "roster.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_the_import_command_applies_a_roster_and_prints_a_summary(world, runner, tmp_path, client):
    path = write(tmp_path, FIRST + "Eve Evans,not-an-email,Teacher,\n")
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "roster.csv:5: skipped: “not-an-email” is not an email address" in result.output
    assert "Applied: 3 added (3 invited), 0 updated, 0 unchanged, 0 deactivated." in result.output
    assert set(members()) == {"ana@district.org", "ben@district.org", "cara@district.org"}
    sent = invitations()
    assert len(sent) == 3
    path_ = invitation_path(sent[0])
    assert client.get(path_).status_code == 200
    assert client.submit(path_, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302

    before = snapshot()
    again = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert again.exit_code == 0, again.output
    assert "Applied: 0 added (0 invited), 0 updated, 3 unchanged, 0 deactivated." in again.output
    assert snapshot() == before


def test_the_import_command_deactivates_only_with_the_flag(world, runner, tmp_path):
    runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(write(tmp_path, FIRST))])
    smaller = write(tmp_path, FIRST.replace("Cara Chen,cara@district.org,Teacher,\n", ""), "smaller.csv")
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(smaller)])
    assert result.exit_code == 0, result.output
    assert "0 deactivated." in result.output and members()["cara@district.org"].active
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(smaller), "--deactivate-missing"])
    assert result.exit_code == 0, result.output
    assert "1 deactivated." in result.output
    assert not members()["cara@district.org"].active
    assert "cara@district.org" in users()


def test_the_import_command_dry_run_changes_nothing(world, runner, tmp_path):
    before = snapshot()
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(write(tmp_path, FIRST)), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "3 rows: 3 new (3 without an account), 0 updated, 0 unchanged" in result.output
    assert "Applied" not in result.output
    assert snapshot() == before


def test_the_import_command_explains_a_file_it_cannot_read(world, runner, tmp_path):
    before = snapshot()
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx_bytes())
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path)])
    assert result.exit_code == 1
    assert "This looks like a spreadsheet file, not CSV" in result.output
    result = runner.invoke(args=["cohorts", "import", "9999", str(write(tmp_path, FIRST))])
    assert result.exit_code == 1 and "there is no cohort 9999" in result.output
    assert snapshot() == before


def test_a_learner_added_by_roster_sees_the_cohort_assignment(app, world, leader_client, sign_in, make_user):
    ana = district_staff(world, make_user(name="Ana Alvarez", email="ana@district.org"))
    import_roster(leader_client, world.cohort.id, FIRST)
    services.assign(db.session.get(Cohort, world.cohort.id), "example-course", utcnow().date(), None)
    assert "Assigned to you" in text_of(signed_in(app, sign_in, ana).get("/"))


# --- what the leaders' guide promises --------------------------------------------------------------


def test_a_member_whose_row_has_a_problem_is_left_as_they_were(world, leader_client):
    import_roster(leader_client, world.cohort.id, FIRST)
    before = snapshot()
    with_typos = (
        "name,email,staff role,school\n"
        "Ana Alvarez,ana@district.org,Principal,Lincoln Elementry\n"
        ",ben@district.org,Principal,\n"
        "Cara Chen,cara@district.org,Teacher,\n"
    )
    url, page = preview_roster(leader_client, world.cohort.id, with_typos)
    assert preview_counts(page) == {
        "New": 0,
        "Updated": 0,
        "Unchanged": 1,
        "To deactivate": 0,
        "Rows with problems": 2,
    }
    assert apply_roster(leader_client, url, deactivate=True).endswith("0 deactivated, 2 rows skipped.")
    assert snapshot() == before


def test_empty_cells_and_missing_columns_clear_the_role_and_school(world, leader_client):
    import_roster(leader_client, world.cohort.id, FIRST)
    summary = import_roster(
        leader_client,
        world.cohort.id,
        "name,email,staff role,school\nAna Alvarez,ana@district.org,Teacher,\n"
        "Ben Brooks,ben@district.org,Counselor,Washington Middle\nCara Chen,cara@district.org,Teacher,\n",
    )
    assert ", 1 updated, 2 unchanged," in summary
    assert members()["ana@district.org"].school_id is None
    summary = import_roster(
        leader_client,
        world.cohort.id,
        "email,name\nana@district.org,Ana Alvarez\nben@district.org,Ben Brooks\ncara@district.org,Cara Chen\n",
    )
    assert ", 3 updated, 0 unchanged," in summary
    assert {e: (m.staff_role, m.school_id) for e, m in members().items()} == {
        "ana@district.org": ("", None),
        "ben@district.org": ("", None),
        "cara@district.org": ("", None),
    }


def test_the_deactivation_box_appears_only_when_someone_would_be_deactivated(world, leader_client):
    url, page = preview_roster(leader_client, world.cohort.id, FIRST)
    assert "deactivate_missing" not in page and "Not in this file" not in page
    apply_roster(leader_client, url)
    _, page = preview_roster(leader_client, world.cohort.id, FIRST)
    assert "deactivate_missing" not in page


def test_at_most_50_people_to_deactivate_are_named(app, world, leader_client):
    many = "name,email\n" + "".join(f"Person {n:02d},p{n}@district.org\n" for n in range(55))
    import_roster(leader_client, world.cohort.id, many)
    _, page = preview_roster(leader_client, world.cohort.id, "name,email\nPerson 00,p0@district.org\n")
    assert preview_counts(page)["To deactivate"] == 54
    named = [item for item in texts_of(page, "li") if re.fullmatch(r"Person \d\d \(p\d+@district\.org\)", item)]
    assert len(named) == 50
    assert "… and 4 more." in page


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("{long_name},long@district.org,Teacher,", "the name is longer than 300 characters"),
        ("Ana Alvarez,ana@district.org,{long_role},", "the staff role is longer than 100 characters"),
        ("Ana Alvarez,ana@district,Teacher,", "“ana@district” is not an email address"),
        ("Ana Alvarez,ana alvarez@district.org,Teacher,", "“ana alvarez@district.org” is not an email address"),
        ("Ana Alvarez,ana@@district.org,Teacher,", "“ana@@district.org” is not an email address"),
        ("Ana Alvarez,ana@school.local,Teacher,", "“ana@school.local” is not an email address"),
    ],
    ids=["long-name", "long-role", "no-domain-ending", "space", "two-at-signs", "reserved-domain"],
)
def test_each_problem_a_row_can_have(world, leader_client, row, problem):
    line = row.format(long_name="N" * 301, long_role="R" * 101)
    _, page = preview_roster(leader_client, world.cohort.id, f"name,email,staff role,school\n{line}\n")
    ((number, _, _, found),) = problem_rows(page)
    assert (number, found) == (2, problem)


def test_a_file_of_more_than_50000_people_is_refused(world, leader_client):
    data = "name,email\n" + "".join(f"P{n},p{n}@district.org\n" for n in range(50_001))
    roster_refused(upload_roster(leader_client, world.cohort.id, data), "The file has more than 50,000 rows.")


def test_the_import_command_writes_problems_to_stderr_and_the_summary_to_stdout(world, runner, tmp_path):
    path = write(tmp_path, FIRST + "Eve Evans,not-an-email,Teacher,\n")
    result = runner.invoke(args=["cohorts", "import", str(world.cohort.id), str(path), "--dry-run"])
    assert result.exit_code == 0
    assert result.stderr == "roster.csv:5: skipped: “not-an-email” is not an email address\n"
    assert result.stdout == (
        "4 rows: 3 new (3 without an account), 0 updated, 0 unchanged, 0 not in the file, 1 with problems\n"
    )


def test_command_line_invitations_name_the_organisation_and_use_the_public_address(make_app, make_user, tmp_path):
    app = make_app(PUBLIC_URL="https://training.district.org")
    with app.app_context():
        world = build_world(make_user)
        result = app.test_cli_runner().invoke(
            args=["cohorts", "import", str(world.cohort.id), str(write(tmp_path, FIRST))]
        )
        assert result.exit_code == 0, result.output
        (ana, *_) = sorted(invitations(), key=lambda m: m.to_address)
        assert "Riverside District has added you to “All staff 2026-27”" in ana.body
        assert re.search(r"^https://training\.district\.org/reset-password/\S+$", ana.body, re.M)
        response = app.test_client().get(invitation_path(ana))
        assert response.status_code == 200


def test_markup_in_a_roster_is_shown_as_text(world, leader_client):
    url, page = preview_roster(
        leader_client,
        world.cohort.id,
        'name,email,staff role\n"<script>alert(1)</script>",x@district.org,<b>Boss</b>\n<i>Ivy</i>,bad-email,\n',
    )
    assert "<script>alert(1)</script>" not in page and "<i>Ivy</i>" not in page
    assert "&lt;i&gt;Ivy&lt;/i&gt;" in page
    apply_roster(leader_client, url)
    cohort = db.session.get(Cohort, world.cohort.id)
    assignment = services.assign(cohort, "example-course", utcnow().date(), None)
    page = text_of(leader_client.get(dashboard_url(world.cohort.id, assignment.id)))
    assert "<script>alert(1)</script>" not in page and "<b>Boss</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;Boss&lt;/b&gt;" in page


def test_an_account_from_outside_the_organisation_is_never_linked_by_a_roster(world, leader_client, make_user):
    """People outside the district decide for themselves, by the join link, whether its leaders see them."""
    outsider = make_user(name="Olga Outside", email="olga@elsewhere.org")
    response = upload_roster(leader_client, world.cohort.id, "name,email\nOlga Outside,olga@elsewhere.org\n")
    preview = leader_client.get(response.location).get_data(as_text=True)
    assert "already has an account, in a cohort you do not lead" in preview
    leader_client.submit(response.location, {})
    assert db.session.scalar(select(CohortMember).where(CohortMember.user_id == outsider.id)) is None
