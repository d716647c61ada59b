"""Sessions of an assignment, their iCalendar download and feed, the leader guide, and who may open
each of these pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from courseware.cohorts import calendar, services
from courseware.cohorts.pacing import Dates, Pacing
from courseware.courses import compile_course
from courseware.extensions import db
from courseware.models import CourseSession
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.html import parse
from tests.test_cohorts import COURSE, add_member, build_world, form_errors, signed_in, text_of
from tests.test_reference_course import MODULES, SLUG

TODAY = utcnow().date()


@pytest.fixture
def world(app, make_user):
    return build_world(make_user)


@pytest.fixture
def leader_client(app, world, sign_in):
    return signed_in(app, sign_in, world.leader)


@pytest.fixture
def assignment(world):
    return services.assign(world.cohort, COURSE, TODAY + timedelta(days=60), None)


def sessions_url(world, assignment) -> str:
    return f"/cohorts/{world.cohort.id}/assignments/{assignment.id}/sessions"


GOOD = {
    "title": "Monthly peer-learning meeting; staff room, week 1",
    "day": (TODAY + timedelta(days=7)).isoformat(),
    "starts": "15:30",
    "ends": "16:45",
    "time_zone": "America/Chicago",
    "place": "Library, room 104",
    "link": "",
    "module": "welcome",
}


def add(client, world, assignment, **changes):
    return client.submit(sessions_url(world, assignment), {**GOOD, **changes})


def test_a_leader_adds_edits_and_deletes_a_session_in_their_time_zone(world, leader_client, assignment):
    response = add(leader_client, world, assignment)
    assert response.status_code == 302, form_errors(text_of(response))
    session = db.session.scalar(select(CourseSession))
    local = datetime.combine(
        TODAY + timedelta(days=7), datetime.strptime("15:30", "%H:%M").time(), ZoneInfo("America/Chicago")
    )
    assert session.starts_at == local.astimezone(UTC)
    assert (session.ends_at - session.starts_at) == timedelta(minutes=75)
    page = text_of(leader_client.get(sessions_url(world, assignment)))
    assert "3:30 PM to 4:45 PM Central time" in page and "Module: Welcome" in page

    edit = f"{sessions_url(world, assignment)}/{session.id}"
    form = parse(leader_client.get(edit))
    assert form.select_one("#title")["value"] == GOOD["title"]
    assert form.select_one("#starts")["value"].startswith("15:30")
    response = leader_client.submit(edit, {**GOOD, "title": "Peer meeting", "link": "https://meet.example.org/x"})
    assert response.status_code == 302
    db.session.expire_all()
    session = db.session.get(CourseSession, session.id)
    assert (session.title, session.link, session.sequence) == ("Peer meeting", "https://meet.example.org/x", 1)

    assert leader_client.submit(f"{edit}/delete", {}).status_code == 302
    assert db.session.scalar(select(CourseSession)) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends": "15:00"}, "ends", "end before it starts"),
        ({"link": "http://meet.example.org/x"}, "link", "starting with https://"),
        ({"link": "javascript:alert(1)"}, "link", "starting with https://"),
        ({"link": "https://[broken"}, "link", "starting with https://"),
        ({"day": "2999-01-01"}, "day", "years ahead"),
        ({"day": "yesterday"}, "day", "Enter the date of the session"),
        ({"module": "no-such-module"}, "module", "Not a valid choice"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Not a valid choice"),
        ({"title": ""}, "title", "Give the session a title"),
    ],
)
def test_a_session_with_a_mistake_is_shown_again_with_the_message_next_to_its_field(
    world, leader_client, assignment, changes, field, message
):
    response = add(leader_client, world, assignment, **changes)
    assert response.status_code == 422
    error = parse(response).select_one(f"#{field}-error")
    assert error is not None and message in error.get_text(), form_errors(text_of(response))
    assert db.session.scalar(select(CourseSession)) is None


def test_members_see_upcoming_sessions_on_the_course_home(app, world, leader_client, assignment, make_user, sign_in):
    ana = make_user(name="Ana Alvarez", email="ana@district.org")
    add_member(world.cohort, ana)
    add(leader_client, world, assignment)
    add(leader_client, world, assignment, title="Last year's meeting", day=(TODAY - timedelta(days=30)).isoformat())
    page = parse(signed_in(app, sign_in, ana).get(f"/courses/{COURSE}"))
    titles = [p.get_text() for p in page.select("#sessions-title ~ .session-list strong")]
    assert titles == [GOOD["title"]]
    outsider = make_user(name="Oli Outsider", email="oli@example.org")
    assert parse(signed_in(app, sign_in, outsider).get(f"/courses/{COURSE}")).select_one("#sessions-title") is None


# --- iCalendar ---------------------------------------------------------------------------------------


def unfolded_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    return body.split(b"\r\n")[:-1]


def test_the_download_is_a_valid_icalendar_file(world, leader_client, assignment):
    long_title = "Monthly peer-learning meeting, with a backslash \\ and a semicolon; " + "é" * 60
    add(leader_client, world, assignment, title=long_title, link="https://meet.example.org/room?a=1,b=2")
    response = leader_client.get(f"{sessions_url(world, assignment)}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert all(len(line) <= 75 for line in unfolded_lines(body))
    parsed = icalendar.Calendar.from_ical(body)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    session = db.session.scalar(select(CourseSession))
    assert str(event["SUMMARY"]) == long_title
    assert event.decoded("DTSTART") == session.starts_at and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["UID"]).startswith(f"session-{session.id}@")
    assert "DTSTAMP" in event and int(event["SEQUENCE"]) == 0
    assert str(event["LOCATION"]) == "Library, room 104"
    assert "https://meet.example.org/room?a=1,b=2" in str(event["DESCRIPTION"])
    assert parsed["VERSION"] == "2.0" and "PRODID" in parsed


def test_text_is_escaped_and_lines_fold_without_splitting_a_character():
    assert calendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = calendar.fold("SUMMARY:" + "€" * 40)
    lines = folded.encode().split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines) and lines[1].startswith(b" ")
    assert "".join(line.decode()[1:] if i else line.decode() for i, line in enumerate(lines)) == "SUMMARY:" + "€" * 40


def test_a_member_subscribes_with_a_secret_address_that_needs_no_cookie(
    app, world, leader_client, assignment, make_user, sign_in
):
    ana = make_user(name="Ana Alvarez", email="ana@district.org")
    add_member(world.cohort, ana)
    add(leader_client, world, assignment)
    client = signed_in(app, sign_in, ana)
    assert "Make my calendar address" in text_of(client.get("/calendar"))
    page = parse(client.submit("/calendar", {"action": "new"}))
    url = page.select_one("#feed-url")["value"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = app.test_client().get("/" + path)  # a calendar app: no cookie at all
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed.get_data()).walk("VEVENT")] == [GOOD["title"]]
    assert app.test_client().get("/calendar/feed/wrong-token.ics").status_code == 404
    assert app.test_client().get("/" + path[:-5] + "x.ics").status_code == 404

    page = parse(client.submit("/calendar", {"action": "new"}))  # a new address: the old one stops working
    assert app.test_client().get("/" + path).status_code == 404
    newer = page.select_one("#feed-url")["value"].split("://", 1)[1].split("/", 1)[1]
    assert app.test_client().get("/" + newer).status_code == 200
    client.submit("/calendar", {"action": "revoke"})
    assert app.test_client().get("/" + newer).status_code == 404
    assert client.submit("/calendar", {"action": "sideways"}).status_code == 400

    other = make_user(name="Oli Outsider", email="oli@example.org")  # in no cohort: a feed with nothing in it
    other_page = parse(signed_in(app, sign_in, other).submit("/calendar", {"action": "new"}))
    other_path = other_page.select_one("#feed-url")["value"].split("://", 1)[1].split("/", 1)[1]
    assert list(icalendar.Calendar.from_ical(app.test_client().get("/" + other_path).get_data()).walk("VEVENT")) == []


# --- the leader guide ------------------------------------------------------------------------------


def test_the_reference_course_ships_a_guide_with_every_part_a_leader_needs():
    course = compile_course(MODULES / SLUG)
    assert course.problems == [] and course.guide is not None
    titles = [title for _, title in course.guide.sections]
    for expected in ("Pacing", "Session plans", "peer", "action plan", "progress"):
        assert any(expected.lower() in t.lower() for t in titles), (expected, titles)
    html = course.guide.html
    for module in course.modules:
        assert module.title in html, module.title
    assert "<script" not in html and "<h1" not in html


def test_mistakes_in_a_guide_are_reported_with_file_and_line(editable):
    _, folder = editable
    (folder / "guide.md").write_text("Leader's guide without its title\n\n## A section\n", encoding="utf-8")
    problems = [str(p) for p in compile_course(folder).problems]
    assert any("guide.md:1" in p and "starts with its title" in p for p in problems), problems
    (folder / "guide.md").write_text(
        "# Guide\n\n## Part\n\n# A second title\n\n![](media/missing.png)\n", encoding="utf-8"
    )
    problems = [str(p) for p in compile_course(folder).problems]
    assert any("guide.md:5" in p and "one title" in p for p in problems), problems
    assert any("guide.md:7" in p and "alt text" in p for p in problems), problems
    assert any("guide.md:7" in p and "not found" in p for p in problems), problems


def test_a_leader_opens_the_guide_with_the_plan_beside_it(editable, make_user, sign_in):
    app, folder = editable
    (folder / "guide.md").write_text(
        "# Leading the example course\n\n## Pacing\n\nTake a module a month.\n\n### In a hurry\n\nTwo weeks.\n",
        encoding="utf-8",
    )
    with app.test_request_context():
        world = build_world(make_user)
    assignment = services.assign(world.cohort, COURSE, TODAY + timedelta(days=30), None)
    client = signed_in(app, sign_in, world.leader)
    dashboard = parse(client.get(f"/cohorts/{world.cohort.id}/assignments/{assignment.id}"))
    link = next(a["href"] for a in dashboard.select("a") if a.get_text() == "Leader guide")
    page = parse(client.get(link))
    assert page.select_one("h1").get_text() == "Leading the example course"
    assert [h.get_text() for h in page.select(".guide__body h2")] == ["Pacing"]
    assert [h.get_text() for h in page.select(".guide__body h3")] == ["In a hurry"]
    assert "Pacing: one due date" in page.select_one(".guide__plan").get_text(" ", strip=True)
    assert page.select_one("[data-print]") is not None


def test_a_course_without_a_guide_has_no_guide_page(world, leader_client, assignment):
    assert leader_client.get(f"/cohorts/{world.cohort.id}/assignments/{assignment.id}/guide").status_code == 404


# --- who may open what ---------------------------------------------------------------------------


@pytest.fixture
def people(app, world, assignment, make_user):
    return everyone(world, assignment, make_user)


def everyone(world, assignment, make_user) -> dict:
    """Everyone of the matrix, and a session to point at."""
    member = make_user(name="Mem Member", email="mem@district.org")
    add_member(world.cohort, member)
    other_district = services.create_organisation("Hillside District")
    other_cohort = services.create_cohort(other_district, "Hillside staff")
    other_member = make_user(name="Oth Member", email="oth@hillside.org")
    add_member(other_cohort, other_member)
    other_leader = make_user(name="Ola Leader", email="ola@hillside.org")
    services.grant_leader(other_leader, organisation=other_district)
    admin = make_user(name="Ada Admin", email="ada@example.org", role="admin")
    outsider = make_user(name="Lou Learner", email="lou@example.org")
    session = CourseSession(
        assignment_id=assignment.id, title="Meeting", starts_at=utcnow() + timedelta(days=2),
        ends_at=utcnow() + timedelta(days=2, hours=1), time_zone="UTC", place="Room 1", link="",
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    factories.enrolment(member)
    return {
        "anonymous": None, "learner not in cohort": outsider, "member of the cohort": member,
        "member of another cohort": other_member, "leader of another school": other_leader,
        "leader in scope": world.leader, "admin": admin, "session": session,
    }  # fmt: skip


LEADER_PAGES = ["sessions", "sessions/{session}", "sessions.ics", "modules/welcome/remind"]
EXPECTED = {
    "anonymous": 302, "learner not in cohort": 403, "member of the cohort": 403, "member of another cohort": 403,
    "leader of another school": 404, "leader in scope": 200, "admin": 200,
}  # fmt: skip


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("page", LEADER_PAGES)
def test_leaders_pages_by_role(app, world, assignment, people, sign_in, role, page):
    dates = [Dates("welcome", None, TODAY - timedelta(days=1)), Dates("practice", None, assignment.due_on)]
    services.assign(world.cohort, COURSE, assignment.due_on, None, Pacing("summer", TODAY, dates))
    client = app.test_client()
    if people[role] is not None:
        sign_in(client, people[role])
    url = f"/cohorts/{world.cohort.id}/assignments/{assignment.id}/" + page.format(session=people["session"].id)
    response = client.get(url)
    assert response.status_code == EXPECTED[role], (role, url, response.status_code)
    if response.status_code == 302:
        assert "/sign-in" in response.location


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_guide_page_by_role(editable, make_user, sign_in, role):
    app, folder = editable
    (folder / "guide.md").write_text("# Guide\n\n## Pacing\n\nA module a month.\n", encoding="utf-8")
    with app.test_request_context():
        world = build_world(make_user)
    assignment = services.assign(world.cohort, COURSE, TODAY + timedelta(days=30), None)
    found = everyone(world, assignment, make_user)
    client = app.test_client()
    if found[role] is not None:
        sign_in(client, found[role])
    response = client.get(f"/cohorts/{world.cohort.id}/assignments/{assignment.id}/guide")
    assert response.status_code == EXPECTED[role], (role, response.status_code)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_calendar_pages_by_role(app, people, sign_in, role):
    client = app.test_client()
    if people[role] is not None:
        sign_in(client, people[role])
    for url in ("/calendar", "/calendar/sessions.ics"):
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 200), (role, url)
    if role == "anonymous":
        return
    events = list(icalendar.Calendar.from_ical(client.get("/calendar/sessions.ics").get_data()).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == (["Meeting"] if role == "member of the cohort" else [])
