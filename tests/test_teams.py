"""Teams inside a cohort and their shared action plan: who may open what, membership, join codes,
items with their versions (two people editing at once), comments, history, bringing a worksheet
answer, the leaders' view across teams, and queries that do not grow with the plan."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import delete, event, func, select

from courseware.extensions import db
from courseware.models import (
    Assignment,
    Cohort,
    CohortMember,
    Role,
    Team,
    TeamMember,
    TeamPlanChange,
    TeamPlanComment,
    TeamPlanItem,
    User,
    WorksheetAnswer,
    WorksheetEntry,
)
from courseware.teams import services
from courseware.teams.values import ItemValues
from tests.helpers import factories
from tests.helpers.client import signed_in_client
from tests.helpers.html import form_fields, parse, text_of
from tests.test_architecture import recorded_statements, writes

COURSE = "example-course"


@dataclass
class School:
    cohort: Cohort
    team: Team
    other_team: Team
    people: dict[str, User]

    def url(self, path: str = "") -> str:
        return f"/teams/{self.team.id}{path}"

    @property
    def plan(self) -> str:
        return self.url(f"/plans/{COURSE}")


@pytest.fixture
def school(app) -> School:
    """A school's staff cohort with two teams, its leader, and people around it."""
    district = factories.organisation("Riverside District")
    lincoln = factories.organisation("Lincoln Elementary", district)
    washington = factories.organisation("Washington Middle", district)
    cohort = factories.cohort(lincoln, "Lincoln staff")
    elsewhere = factories.cohort(washington, "Washington staff")
    factories.assignment(cohort)
    factories.assignment(elsewhere)
    names = {
        "ana": "Ana Alvarez", "ben": "Ben Brooks", "cal": "Cal Chen", "dee": "Dee Diaz", "eve": "Eve Evans",
        "lou": "Lou Outsider", "lee": "Lee Leader", "wes": "Wes Washington", "dan": "Dan District", "ada": "Ada Admin",
    }  # fmt: skip
    people = {
        key: factories.user(name=name, email=f"{key}@district.org", role=Role.ADMIN if key == "ada" else "learner")
        for key, name in names.items()
    }
    factories.leader(people["lee"], organisation=lincoln)
    factories.leader(people["wes"], organisation=washington)
    factories.leader(people["dan"], organisation=district)
    for key in ("ana", "ben", "cal", "dee", "eve"):
        factories.member(cohort, people[key], staff_role="Teacher", school=lincoln)
    factories.member(elsewhere, people["lou"])
    team = services.create_team(cohort, "Implementation team")
    other_team = services.create_team(cohort, "Grade 3 team")
    for key in ("ana", "ben", "cal"):
        services.add_member(team, people[key].id)
    services.add_member(other_team, people["dee"].id)
    return School(cohort, team, other_team, people)


def client_of(app, school: School, who: str):
    return app.test_client() if who == "anonymous" else signed_in_client(app, school.people[who])


def add(school: School, text: str = "Greet every student at the door", section: str = "actions", **kw) -> TeamPlanItem:
    course = factories.course_of()
    return services.add_item(school.team, course, section, ItemValues(text=text, **kw), school.people["ana"])


def shown(page) -> str:
    """What a reader sees of a page: its main part's text, whitespace collapsed."""
    return text_of(page, "main")


def item_fields(client, url: str) -> dict:
    """The edit form of an item page, as the page holds it."""
    return form_fields(client.get(url), "form[action='" + url + "']")


# --- who may open what ---------------------------------------------------------------------------------

READERS = {"ana", "lee", "dan", "ada"}  # a team member, the school's leader, the district's leader, an admin
NOBODY = ["lou", "dee", "eve", "wes"]  # another cohort; another team; the cohort but no team; another school


@pytest.mark.parametrize("who", ["anonymous", "ana", "dee", "eve", "lou", "wes", "lee", "dan", "ada"])
def test_the_team_pages_answer_only_members_and_leaders_in_scope(app, school, who):
    item = add(school)
    client = client_of(app, school, who)
    reads = [
        school.url(),
        school.plan,
        school.plan + "/plan.pdf",
        school.plan + f"/items/{item.id}",
    ]
    for url in reads:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/sign-in" in response.location, url
        elif who in READERS:
            assert response.status_code == 200, (url, who)
        else:
            assert response.status_code == 404, (url, who)
    leader_pages = [
        f"/cohorts/{school.cohort.id}/teams",
        f"/cohorts/{school.cohort.id}/team-plans/{COURSE}",
        f"/cohorts/{school.cohort.id}/team-plans/{COURSE}/items.csv",
    ]
    for url in leader_pages:
        response = client.get(url)
        expected = {"anonymous": 302, "lee": 200, "dan": 200, "ada": 200}.get(who, 404)
        assert response.status_code == expected, (url, who)


@pytest.mark.parametrize("who", ["dee", "eve", "lou", "wes"])
def test_nobody_outside_the_team_can_change_its_plan(app, school, who):
    item = add(school)
    client = client_of(app, school, who)
    token = client.csrf_token("/")
    posts = [
        (school.plan + "/items", {"section": "actions", "text": "Sneaky"}),
        (school.plan + f"/items/{item.id}", {"version": "1", "text": "Sneaky", "status": "done"}),
        (school.plan + f"/items/{item.id}/delete", {"version": "1"}),
        (school.plan + f"/items/{item.id}/comments", {"body": "Sneaky"}),
        (school.plan + "/from-worksheet", {"section": "actions", "answer": "my-plan/first-try"}),
        (school.url("/settings"), {"action": "rename", "name": "Mine now"}),
        (school.url("/members"), {"user_id": str(school.people[who].id)}),
        (school.url(f"/members/{school.people['ana'].id}"), {"action": "remove"}),
        (f"/cohorts/{school.cohort.id}/teams", {"name": "Sneaky team"}),
    ]
    for url, data in posts:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(TeamPlanItem, item.id).text == "Greet every student at the door"
    assert db.session.scalar(select(func.count(TeamPlanComment.id))) == 0
    assert db.session.scalar(select(func.count(Team.id))) == 2
    assert db.session.get(Team, school.team.id).name == "Implementation team"


def test_a_member_cannot_manage_the_team(app, school):
    ana = client_of(app, school, "ana")
    token = ana.csrf_token("/")
    assert ana.post(school.url("/settings"), data={"action": "archive", "csrf_token": token}).status_code == 403
    assert (
        ana.post(school.url("/members"), data={"user_id": school.people["eve"].id, "csrf_token": token}).status_code
        == 403
    )
    page = shown(ana.get(school.url()))
    assert "Archive the team" not in page and "Join code" not in page


# --- teams and members ----------------------------------------------------------------------------------


def test_a_leader_creates_renames_staffs_and_archives_a_team(app, school):
    lee = client_of(app, school, "lee")
    response = lee.submit(f"/cohorts/{school.cohort.id}/teams", {"name": "  Math   department "})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).filter_by(name="Math department"))
    assert team is not None and team.cohort_id == school.cohort.id
    assert lee.submit(f"/cohorts/{school.cohort.id}/teams", {"name": "   "}).status_code == 422

    page = lee.get(f"/teams/{team.id}")
    options = [o.get_text() for o in parse(page).select("#add-member option")]
    assert options == ["Ana Alvarez", "Ben Brooks", "Cal Chen", "Dee Diaz", "Eve Evans"]  # the cohort's roster only
    eve = school.people["eve"]
    assert lee.submit(f"/teams/{team.id}/members", {"user_id": str(eve.id)}).status_code == 302
    lou = school.people["lou"]  # in another cohort: never added
    lee.submit(f"/teams/{team.id}/members", {"user_id": str(lou.id)}, page=f"/teams/{team.id}")
    assert set(db.session.scalars(select(TeamMember.user_id).filter_by(team_id=team.id))) == {eve.id}

    lee.submit(f"/teams/{team.id}/members/{eve.id}", {"action": "facilitator"}, page=f"/teams/{team.id}")
    assert db.session.scalar(select(TeamMember.facilitator).filter_by(team_id=team.id, user_id=eve.id)) is True
    assert "Facilitator" in shown(lee.get(f"/teams/{team.id}"))

    lee.submit(f"/teams/{team.id}/settings", {"action": "rename", "name": "Maths"}, page=f"/teams/{team.id}")
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Maths"
    long_name = lee.submit(
        f"/teams/{team.id}/settings", {"action": "rename", "name": "M" * 201}, page=f"/teams/{team.id}"
    )
    assert long_name.status_code == 422 and "at most 200" in shown(long_name)

    lee.submit(f"/teams/{team.id}/settings", {"action": "archive"}, page=f"/teams/{team.id}")
    db.session.expire_all()
    assert db.session.get(Team, team.id).archived
    listing = shown(lee.get(f"/cohorts/{school.cohort.id}/teams"))
    assert "Archived: read-only" in listing


def test_a_member_may_be_in_several_teams_and_a_removed_member_loses_access_at_once(app, school):
    ana = client_of(app, school, "ana")
    services.add_member(school.other_team, school.people["ana"].id)
    assert ana.get(f"/teams/{school.other_team.id}/plans/{COURSE}").status_code == 200
    mine = shown(ana.get("/teams"))
    assert "Implementation team" in mine and "Grade 3 team" in mine
    assert ana.get(school.plan).status_code == 200

    lee = client_of(app, school, "lee")
    lee.submit(school.url(f"/members/{school.people['ana'].id}"), {"action": "remove"}, page=school.url())
    assert ana.get(school.plan).status_code == 404  # the same signed-in session, the next request
    token = ana.csrf_token("/")
    assert (
        ana.post(school.plan + "/items", data={"section": "actions", "text": "x", "csrf_token": token}).status_code
        == 404
    )
    assert ana.get(f"/teams/{school.other_team.id}/plans/{COURSE}").status_code == 200  # still in the other team


def test_someone_deactivated_in_the_cohort_loses_the_team_too(app, school):
    ana = client_of(app, school, "ana")
    member = db.session.scalar(select(CohortMember).filter_by(user_id=school.people["ana"].id))
    member.active = False
    db.session.commit()
    assert ana.get(school.plan).status_code == 404
    assert "Implementation team" not in shown(ana.get("/teams"))
    lee = client_of(app, school, "lee")
    counts = parse(lee.get(f"/cohorts/{school.cohort.id}/teams")).select("tbody tr")
    assert [[c.get_text(strip=True) for c in row.select("td")][:2] for row in counts] == [
        ["Grade 3 team", "1"], ["Implementation team", "2"],
    ]  # fmt: skip
    assert [p.get_text(strip=True) for p in parse(lee.get(school.url())).select("#members tbody td:first-child")] == [
        "Ben Brooks", "Cal Chen",
    ]  # fmt: skip


def test_joining_with_the_team_code(app, school):
    eve = client_of(app, school, "eve")
    code = school.team.join_code
    response = eve.submit("/teams/join", {"code": f" {code[:4].lower()}-{code[4:]} "}, page="/teams")
    assert response.status_code == 302
    assert eve.get(school.plan).status_code == 200
    again = eve.submit("/teams/join", {"code": code}, page="/teams")  # joining twice changes nothing
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(TeamMember.id)).filter_by(team_id=school.team.id)) == 4

    wrong = eve.submit("/teams/join", {"code": "NOPE-NOPE"}, page="/teams")
    assert wrong.status_code == 422 and "No team has this code" in shown(wrong)

    lou = client_of(app, school, "lou")  # the code is right, the cohort is not theirs
    foreign = lou.submit("/teams/join", {"code": code}, page="/teams")
    assert foreign.status_code == 422 and "a cohort you are not in" in shown(foreign)
    assert lou.get(school.plan).status_code == 404

    services.set_archived(school.other_team, True)
    dee_again = client_of(app, school, "ben").submit(
        "/teams/join", {"code": school.other_team.join_code}, page="/teams"
    )
    assert dee_again.status_code == 422 and "archived" in shown(dee_again)


def test_wrong_codes_are_rate_limited(app, school):
    app.config["TEAM_JOIN_RATE_LIMIT"] = "3 per minute"
    eve = client_of(app, school, "eve")
    token = eve.csrf_token("/teams")
    statuses = [eve.post("/teams/join", data={"code": "WRONG", "csrf_token": token}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_a_new_code_stops_the_old_one(app, school):
    old = school.team.join_code
    lee = client_of(app, school, "lee")
    lee.submit(school.url("/settings"), {"action": "rotate"}, page=school.url())
    eve = client_of(app, school, "eve")
    assert eve.submit("/teams/join", {"code": old}, page="/teams").status_code == 422


# --- the plan -------------------------------------------------------------------------------------------


def test_members_add_edit_comment_and_delete_items_and_the_history_says_who(app, school):
    ana, ben = client_of(app, school, "ana"), client_of(app, school, "ben")
    page = ana.get(school.plan)
    headings = [h.get_text() for h in parse(page).select("h2")]
    assert headings[:5] == ["Priorities", "Actions", "Owners and supports", "Measures of progress", "Supports needed"]

    response = ana.submit(school.plan + "/items", {
        "section": "priorities", "text": "Calmer mornings", "owner": str(school.people["ben"].id),
        "due_on": "2027-03-31", "status": "not-started",
    })  # fmt: skip
    assert response.status_code == 302
    item = db.session.scalar(select(TeamPlanItem))
    assert (item.section_id, item.owner_id, item.due_on.isoformat(), item.version) == (
        "priorities", school.people["ben"].id, "2027-03-31", 1,
    )  # fmt: skip

    url = school.plan + f"/items/{item.id}"
    fields = item_fields(ben, url)
    assert fields["version"] == "1" and fields["text"] == "Calmer mornings"
    fields.update(status="under-way")
    assert ben.submit(url, fields).status_code == 302
    fields = item_fields(ben, url)
    fields.update(text="Calmer mornings, every day", owner="", owner_text="The counselor")
    ben.submit(url, fields)
    ben.submit(url + "/comments", {"body": "I can start on Monday."}, page=url)

    plan = shown(ana.get(school.plan))
    assert "Calmer mornings, every day" in plan and "The counselor" in plan and "Under way" in plan
    history = shown(ana.get(school.plan))
    assert "Ana Alvarez Added “Calmer mornings” to Priorities." in history
    assert "Ben Brooks Set “Calmer mornings” to Under way." in history
    assert "Ben Brooks Edited “Calmer mornings, every day” (text, owner)." in history
    assert "Ben Brooks Commented on" in history
    assert "I can start on Monday." in shown(ana.get(url))

    version = item_fields(ana, url)["version"]
    assert ana.submit(url + "/delete", {"version": version}, page=url).status_code == 302
    assert db.session.scalar(select(func.count(TeamPlanItem.id))) == 0
    assert db.session.scalar(select(func.count(TeamPlanComment.id))) == 0
    assert "Ana Alvarez Deleted “Calmer mornings, every day”." in shown(ana.get(school.plan))
    assert db.session.scalar(select(func.count(TeamPlanChange.id))) == 5  # nothing is ever taken out


def test_two_members_editing_at_once_never_lose_text(app, school):
    """Ana and Ben open the same item; Ben saves first. Ana's save is refused, with both texts side by side."""
    item = add(school, "Morning meeting in every class")
    url = school.plan + f"/items/{item.id}"
    ana, ben = client_of(app, school, "ana"), client_of(app, school, "ben")
    anas, bens = item_fields(ana, url), item_fields(ben, url)

    bens.update(text="Morning meeting in every class, 15 minutes", status="under-way")
    assert ben.submit(url, bens, page=url).status_code == 302

    anas.update(text="Morning meeting, led by students")
    refused = ana.submit(url, anas, page=url)
    assert refused.status_code == 409
    both = shown(refused)
    assert "Ben Brooks changed this item" in both
    assert "Morning meeting in every class, 15 minutes" in both  # theirs
    yours = form_fields(refused, "form[action='" + url + "']")
    assert yours["text"] == "Morning meeting, led by students"  # yours, kept in the form
    assert yours["version"] == "2"
    db.session.expire_all()
    assert db.session.get(TeamPlanItem, item.id).text == "Morning meeting in every class, 15 minutes"

    # A stale delete is refused too.
    assert ana.submit(url + "/delete", {"version": "1"}, page=url).status_code == 302
    assert db.session.get(TeamPlanItem, item.id) is not None

    yours["text"] = "Morning meeting in every class, 15 minutes, led by students"
    assert ana.submit(url, yours, page=url).status_code == 302  # "Save mine instead", merged
    db.session.expire_all()
    saved = db.session.get(TeamPlanItem, item.id)
    assert (saved.text, saved.version, saved.updated_by) == (
        "Morning meeting in every class, 15 minutes, led by students", 3, school.people["ana"].id,
    )  # fmt: skip


def test_an_edit_of_an_item_deleted_meanwhile_keeps_the_text(app, school):
    item = add(school, "Buddy benches")
    url = school.plan + f"/items/{item.id}"
    ana, ben = client_of(app, school, "ana"), client_of(app, school, "ben")
    anas = item_fields(ana, url)
    ben.submit(url + "/delete", {"version": "1"}, page=url)
    anas["text"] = "Buddy benches on both playgrounds"
    response = ana.submit(url, anas, page=school.plan)
    assert response.status_code == 409
    assert "Someone deleted this item" in shown(response)
    again = form_fields(response, "form[action$='/items']")
    assert (again["text"], again["section"]) == ("Buddy benches on both playgrounds", "actions")
    assert ana.submit(school.plan + "/items", again, page=school.plan).status_code == 302
    assert db.session.scalar(select(TeamPlanItem.text)) == "Buddy benches on both playgrounds"


def test_markup_is_shown_as_text_and_long_text_gets_a_clear_limit(app, school):
    ana = client_of(app, school, "ana")
    ana.submit(school.plan + "/items", {"section": "actions", "text": "<script>alert(1)</script><b>bold</b>"})
    item = db.session.scalar(select(TeamPlanItem))
    url = school.plan + f"/items/{item.id}"
    ana.submit(url + "/comments", {"body": "<img src=x onerror=alert(2)>"}, page=url)
    for page in (ana.get(school.plan), ana.get(url)):
        html = page.get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in ana.get(url).get_data(as_text=True)

    too_long = ana.submit(school.plan + "/items", {"section": "actions", "text": "x" * 2001})
    assert too_long.status_code == 422 and "use at most 2,000" in shown(too_long)
    comment = ana.submit(url + "/comments", {"body": "y" * 2001}, page=url)
    assert comment.status_code == 422 and "use at most 2,000" in shown(comment)
    assert ana.submit(school.plan + "/items", {"section": "actions", "text": "x" * 2000}).status_code == 302

    bad = ana.submit(school.plan + "/items", {
        "section": "actions", "text": "Fine", "owner": str(school.people["dee"].id), "due_on": "31/03/2027",
        "status": "finished",
    })  # fmt: skip
    assert bad.status_code == 422
    problems = shown(bad)
    assert (
        "Choose a member of the team" in problems and "Enter a date like" in problems and "Choose a status" in problems
    )
    assert ana.submit(school.plan + "/items", {"section": "nowhere", "text": "x"}).status_code == 400


def test_an_archived_team_is_read_only(app, school):
    item = add(school)
    services.set_archived(school.team, True)
    ana = client_of(app, school, "ana")
    url = school.plan + f"/items/{item.id}"
    page = ana.get(school.plan)
    assert page.status_code == 200 and "archived" in shown(page)
    assert parse(page).select("form[action$='/items']") == []
    token = ana.csrf_token("/")
    for post, data in [
        (school.plan + "/items", {"section": "actions", "text": "New"}),
        (url, {"version": "1", "text": "Changed", "status": "done"}),
        (url + "/delete", {"version": "1"}),
        (url + "/comments", {"body": "Hello"}),
    ]:
        response = ana.post(post, data={**data, "csrf_token": token})
        assert response.status_code == 409 and "archived" in shown(response), post
    db.session.expire_all()
    assert db.session.get(TeamPlanItem, item.id).text == "Greet every student at the door"


def test_only_assigned_courses_have_a_plan(app, school):
    ana = client_of(app, school, "ana")
    assert ana.get(school.url("/plans/no-such-course")).status_code == 404
    db.session.execute(delete(Assignment))
    db.session.commit()
    assert ana.get(school.plan).status_code == 404


# --- bringing a worksheet answer -------------------------------------------------------------------------


def test_bringing_one_worksheet_answer_copies_it_and_nothing_else(app, school):
    ana = school.people["ana"]
    factories.worksheet_answers(
        ana,
        "my-plan",
        {"plan-title": "Calm starts", "first-try": "Greet each student by name", "supports": ["calm-corner"]},
    )
    factories.worksheet_answers(ana, "looking-back", {"response": "I was tired this week"})  # a reflection
    factories.worksheet_answers(school.people["ben"], "my-plan", {"first-try": "Ben's private idea"})
    client = client_of(app, school, "ana")
    page = client.get(school.plan)
    offered = [o.get("value") for o in parse(page).select("#bring-answer option")]
    assert offered == ["my-plan/plan-title", "my-plan/first-try", "my-plan/supports"]  # hers, no reflection

    response = client.submit(school.plan + "/from-worksheet", {"answer": "my-plan/first-try", "section": "actions"})
    assert response.status_code == 302
    (item,) = db.session.scalars(select(TeamPlanItem))
    assert (item.text, item.section_id, item.owner_id) == ("Greet each student by name", "actions", ana.id)
    client.submit(school.plan + "/from-worksheet", {"answer": "my-plan/supports", "section": "supports"})
    assert db.session.scalar(select(TeamPlanItem.text).filter_by(section_id="supports")) == "A calm corner"
    entry = db.session.scalar(select(WorksheetEntry).filter_by(user_id=ana.id, worksheet_id="my-plan"))
    assert entry.shared is False  # the original stays private, and unchanged
    assert db.session.scalar(select(WorksheetAnswer.value).filter_by(entry_id=entry.id, field_id="first-try")) == (
        "Greet each student by name"
    )
    assert "from their worksheet “My plan”" in shown(client.get(school.plan))

    refused = client.submit(school.plan + "/from-worksheet", {"answer": "looking-back/response", "section": "actions"})
    assert refused.status_code == 422 and "Choose one of your worksheet answers" in shown(refused)
    assert "Ben's private idea" not in client.get(school.plan).get_data(as_text=True)
    assert db.session.scalar(select(func.count(TeamPlanItem.id))) == 2


def test_a_leader_outside_the_team_has_no_worksheet_to_bring(app, school):
    lee = client_of(app, school, "lee")
    page = lee.get(school.plan)
    assert "Bring from my worksheet" not in shown(page)
    token = lee.csrf_token("/")
    response = lee.post(school.plan + "/from-worksheet", data={"answer": "my-plan/first-try", "section": "actions",
                                                               "csrf_token": token})  # fmt: skip
    assert response.status_code == 403


# --- printing, the leaders' view, and speed ---------------------------------------------------------------


def test_the_plan_prints_as_a_pdf(app, school):
    add(school, "Greet every student at the door")
    response = client_of(app, school, "ben").get(school.plan + "/plan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "no-store" in response.headers["Cache-Control"]


def test_the_leader_sees_every_teams_plan_with_counts_and_a_safe_csv(app, school):
    course = factories.course_of()
    add(school, '=HYPERLINK("http://evil")', status="done")
    add(school, "Second", status="under-way")
    services.add_item(school.other_team, course, "priorities", ItemValues(text="Reading"), school.people["dee"])
    lee = client_of(app, school, "lee")
    page = lee.get(f"/cohorts/{school.cohort.id}/team-plans/{COURSE}")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.select("th, td")]
        for tr in parse(page).select("table")[0].select("tbody tr")
    ]
    assert rows == [["Grade 3 team", "1", "0", "0", "0", "1"], ["Implementation team", "0", "1", "1", "0", "2"]]
    assert len(parse(page).select("table")[1].select("tbody tr")) == 3

    data = lee.get(f"/cohorts/{school.cohort.id}/team-plans/{COURSE}/items.csv")
    table = list(csv.reader(io.StringIO(data.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ["Team", "Section", "Item", "Owner", "Due", "Status", "Last changed"]
    assert table[2][:3] == ["Implementation team", "Actions", '\'=HYPERLINK("http://evil")']
    assert "Teams" in shown(lee.get(f"/cohorts/{school.cohort.id}"))  # reachable from the cohort page


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)


def count_queries(client, url: str) -> int:
    counter = Counter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return len(counter.statements)


def test_the_plan_page_takes_as_many_queries_for_50_items_as_for_5(app, school):
    course = factories.course_of()
    small = school.other_team
    big = school.team
    for n in range(6):  # more members in the big team
        person = factories.user(name=f"Extra {n}")
        factories.member(school.cohort, person)
        services.add_member(big, person.id)
    people = [school.people[k] for k in ("ana", "ben", "cal")]
    for team, count in ((small, 5), (big, 50)):
        owner = school.people["dee"] if team is small else people[0]
        for n in range(count):
            item = services.add_item(
                team, course, course.team_plan[n % 5].id,
                ItemValues(text=f"Item {n}", owner_id=owner.id if n % 2 else None, owner_text="" if n % 2 else "Nurse"),
                owner if team is small else people[n % 3],
            )  # fmt: skip
            services.comment(team, course, item, f"Comment {n}", owner if team is small else people[(n + 1) % 3])
    dee, ana = client_of(app, school, "dee"), client_of(app, school, "ana")
    small_url, big_url = f"/teams/{small.id}/plans/{COURSE}", f"/teams/{big.id}/plans/{COURSE}"
    dee.get(small_url)
    ana.get(big_url)  # warm up
    assert count_queries(dee, small_url) == count_queries(ana, big_url)
    lee = client_of(app, school, "lee")
    lee.get(small_url)
    assert count_queries(lee, small_url) == count_queries(lee, big_url)
    overview = f"/cohorts/{school.cohort.id}/team-plans/{COURSE}"
    lee.get(overview)
    before = count_queries(lee, overview)
    services.add_item(small, course, "actions", ItemValues(text="One more"), school.people["dee"])
    assert count_queries(lee, overview) == before


def test_the_history_is_paginated(app, school):
    for n in range(25):
        add(school, f"Item {n}")
    ana = client_of(app, school, "ana")
    first = parse(ana.get(school.plan)).select(".team-history li")
    assert len(first) == 20 and "Item 24" in first[0].get_text()
    second = parse(ana.get(school.plan + "?history=2")).select(".team-history li")
    assert len(second) == 5 and "Item 0" in second[-1].get_text()
    assert ana.get(school.plan + "?history=99999999999").status_code == 200


def test_reading_team_pages_writes_nothing(app, school):
    item = add(school)
    ana, lee = client_of(app, school, "ana"), client_of(app, school, "lee")
    reads = {
        ana: ["/teams", school.url(), school.plan, school.plan + f"/items/{item.id}", school.plan + "/plan.pdf"],
        lee: [
            f"/cohorts/{school.cohort.id}/teams",
            f"/cohorts/{school.cohort.id}/team-plans/{COURSE}",
            f"/cohorts/{school.cohort.id}/team-plans/{COURSE}/items.csv",
            school.plan,
        ],
    }
    for client, urls in reads.items():
        for url in urls:
            with recorded_statements() as seen:
                assert client.get(url).status_code == 200, url
            assert writes(seen) == [], url


def test_a_course_defines_its_own_sections(editable, school):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8")
        + "team_plan:\n  sections:\n    - id: goals\n      title: Our goals\n      prompt: What will change?\n"
        + "    - id: steps\n      title: Next steps\n",
        encoding="utf-8",
    )
    old = add(school, "From the default sections")  # its section is no longer in the course: shown apart
    ana = signed_in_client(app, school.people["ana"])
    page = ana.get(school.plan)
    assert [h.get_text() for h in parse(page).select("h2")][:3] == [
        "Our goals",
        "Next steps",
        "From sections the course no longer has",
    ]
    assert "What will change?" in shown(page) and old.text in shown(page)
    assert ana.submit(school.plan + "/items", {"section": "goals", "text": "Fewer referrals"}).status_code == 302
    assert ana.submit(school.plan + "/items", {"section": "actions", "text": "x"}).status_code == 400


@pytest.mark.postgres_only
def test_saves_of_the_same_version_at_the_same_moment_keep_exactly_one(app, school):
    """Three members press Save on the same item at once: one save wins, the other two are shown both versions."""
    item = add(school, "Morning meeting")
    url = school.plan + f"/items/{item.id}"
    people = ["ana", "ben", "cal"]
    sessions = {}
    for who in people:
        client = client_of(app, school, who)
        token = client.csrf_token(url)
        sessions[who] = (client.get_cookie("session").value, token)
    barrier = threading.Barrier(len(people))
    statuses: dict[str, int] = {}

    def save(who: str) -> None:
        cookie, token = sessions[who]
        with app.app_context():
            client = app.test_client()
            client.set_cookie("session", cookie)
            form = {"csrf_token": token, "version": "1", "text": f"Morning meeting, by {who}", "status": "under-way"}
            barrier.wait()
            statuses[who] = client.post(url, data=form).status_code
            db.session.remove()

    threads = [threading.Thread(target=save, args=(who,)) for who in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses.values()) == [302, 409, 409]
    (winner,) = [who for who, status in statuses.items() if status == 302]
    db.session.expire_all()
    saved = db.session.get(TeamPlanItem, item.id)
    assert (saved.text, saved.version) == (f"Morning meeting, by {winner}", 2)
    assert db.session.scalar(select(func.count(TeamPlanChange.id)).filter_by(action="edited")) == 1
