"""Team circles: a team's own discussion of each module, beside the cohort's. Who reads, posts and
moderates (the team's facilitators beside the cohort's leaders, nowhere else), losing access at once,
archived teams read-only, one circle per team and module (NULLs and the unique indexes), the digest,
required discussions, the dashboard's counts, and queries that do not grow with the thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.exc import IntegrityError

from courseware.circles.digest import send_digests
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import (
    Assignment,
    Circle,
    CirclePost,
    CircleReport,
    Cohort,
    CohortMember,
    Job,
    Role,
    Team,
    TeamMember,
    User,
)
from courseware.models.base import utcnow
from courseware.progress import progress_for
from courseware.teams import services as teams
from tests.helpers import factories
from tests.helpers.client import signed_in_client
from tests.helpers.html import parse, text_of
from tests.test_architecture import recorded_statements, writes

COURSE = "example-course"
MODULE = "practice"  # the example course's module with a discussion block


@dataclass
class School:
    app: object
    cohort: Cohort
    team: Team
    other_team: Team
    people: dict[str, User]

    def client(self, key: str | None):
        return signed_in_client(self.app, self.people[key]) if key else self.app.test_client()

    @property
    def url(self) -> str:
        return f"/teams/{self.team.id}/circles/{COURSE}/{MODULE}"

    @property
    def other_url(self) -> str:
        return f"/teams/{self.other_team.id}/circles/{COURSE}/{MODULE}"

    @property
    def cohort_url(self) -> str:
        return f"/cohorts/{self.cohort.id}/circles/{COURSE}/{MODULE}"


def make_school(app) -> School:
    """A school's staff cohort with two teams, each with a member and a facilitator, and people around it."""
    district = factories.organisation("Riverside District")
    lincoln = factories.organisation("Lincoln Elementary", district)
    washington = factories.organisation("Washington Middle", district)
    cohort = factories.cohort(lincoln, "Lincoln staff")
    elsewhere = factories.cohort(washington, "Washington staff")
    factories.assignment(cohort)
    factories.assignment(elsewhere)
    names = {
        "ana": "Ana Alvarez", "dee": "Dee Diaz", "fay": "Fay Facilitator", "ben": "Ben Brooks",
        "gus": "Gus Grade", "cal": "Cal Chen", "lou": "Lou Outsider", "lee": "Lee Leader",
        "wes": "Wes Washington", "ada": "Ada Admin",
    }  # fmt: skip
    people = {
        key: factories.user(name=name, email=f"{key}@district.org", role=Role.ADMIN if key == "ada" else "learner")
        for key, name in names.items()
    }
    factories.leader(people["lee"], organisation=lincoln)
    factories.leader(people["wes"], organisation=washington)
    for key in ("ana", "dee", "fay", "ben", "gus", "cal"):
        factories.member(cohort, people[key])
    factories.member(elsewhere, people["lou"])
    team = teams.create_team(cohort, "Implementation team")
    other_team = teams.create_team(cohort, "Grade 3 team")
    for key in ("ana", "dee", "fay"):
        teams.add_member(team, people[key].id)
    for key in ("ben", "gus"):
        teams.add_member(other_team, people[key].id)
    teams.set_facilitator(team, people["fay"].id, True)
    teams.set_facilitator(other_team, people["gus"].id, True)
    return School(app, cohort, team, other_team, people)


@pytest.fixture
def school(app) -> School:
    return make_school(app)


def post(client, url: str, body: str, parent: int | None = None):
    data = {"body": body, **({"parent": str(parent)} if parent else {})}
    return client.submit(url + "/posts", data, page=url)


def posts() -> list[CirclePost]:
    return list(db.session.scalars(select(CirclePost).order_by(CirclePost.id)))


def bodies() -> list[str]:
    db.session.expire_all()
    return [p.body for p in posts()]


# --- who may read, post and moderate: every page and form, every role ------------------------------------

ROLES = {
    "anonymous": None, "member": "ana", "facilitator": "fay", "member of another team": "ben",
    "facilitator of another team": "gus", "cohort member in no team": "cal", "learner of another cohort": "lou",
    "leader of another school": "wes", "leader in scope": "lee", "admin": "ada",
}  # fmt: skip
READERS = {"member", "facilitator", "leader in scope", "admin"}
MODERATORS = {"facilitator", "leader in scope", "admin"}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_and_form_of_a_team_circle_by_role(school, role):
    dee = school.client("dee")
    assert post(dee, school.url, "Dee's first thoughts").status_code == 302
    (theirs,) = posts()
    client = school.client(ROLES[role])
    reads, moderates = role in READERS, role in MODERATORS

    def expect(allowed: bool, ok: int = 302) -> int:
        if role == "anonymous":
            return 302  # to the sign-in page
        return ok if allowed else 404

    token = client.csrf_token("/")

    def send(url: str, data: dict | None = None):
        return client.post(url, data={"csrf_token": token, **(data or {})})

    answers = {
        "read": (client.get(school.url).status_code, expect(reads, 200)),
        "second page": (client.get(school.url + "?page=2").status_code, expect(reads, 200)),
        "post": (send(school.url + "/posts", {"body": f"From {role}"}).status_code, expect(reads)),
        "reply": (send(school.url + "/posts", {"body": "Reply", "parent": str(theirs.id)}).status_code, expect(reads)),
        "reports": (client.get(school.url + "/reports").status_code, expect(moderates, 200)),
        "report": (send(f"/circles/posts/{theirs.id}/report", {"note": "Hm"}).status_code, expect(reads)),
        "hide": (send(f"/circles/posts/{theirs.id}/hide", {"reason": "Off topic"}).status_code, expect(moderates)),
        "unhide": (send(f"/circles/posts/{theirs.id}/unhide").status_code, expect(moderates)),
        "lock": (send(school.url + "/lock").status_code, expect(moderates)),
        "unlock": (send(school.url + "/unlock").status_code, expect(moderates)),
        "digest": (send(school.url + "/digest", {"wanted": "no"}).status_code, expect(reads)),
        "edit someone's post": (client.get(f"/circles/posts/{theirs.id}/edit").status_code, expect(False)),
        "delete someone's post": (send(f"/circles/posts/{theirs.id}/delete").status_code, expect(False)),
    }
    assert {k: got for k, (got, _) in answers.items()} == {k: want for k, (_, want) in answers.items()}
    db.session.expire_all()
    written = [p for p in posts() if p.author_id != school.people["dee"].id]
    assert len(written) == (2 if reads else 0)
    assert posts()[0].body == "Dee's first thoughts" and posts()[0].deleted_at is None
    reported = db.session.scalar(select(func.count(CircleReport.id)))
    assert reported == (1 if reads else 0)


@pytest.mark.parametrize("role", ["facilitator", "member"])
def test_an_author_in_the_team_edits_and_deletes_their_own_post(school, role):
    client = school.client(ROLES[role])
    post(client, school.url, "First")
    (mine,) = posts()
    assert client.get(f"/circles/posts/{mine.id}/edit").status_code == 200
    assert client.submit(f"/circles/posts/{mine.id}/edit", {"body": "Second"}).status_code == 302
    assert bodies() == ["Second"]
    assert client.submit(f"/circles/posts/{mine.id}/delete", page=school.url).status_code == 302
    assert bodies() == [""]


def test_a_facilitator_moderates_their_own_team_only(school):
    """Not another team's circle, not the cohort's: there, a facilitator is a member like any other."""
    post(school.client("ana"), school.cohort_url, "In the cohort's discussion")
    post(school.client("ben"), school.other_url, "In the other team's discussion")
    in_cohort, in_other = posts()
    fay = school.client("fay")
    assert fay.get(school.cohort_url).status_code == 200  # she is a member of the cohort
    assert "Moderation" not in text_of(fay.get(school.cohort_url), "main")
    for target in (in_cohort, in_other):
        assert fay.submit(f"/circles/posts/{target.id}/hide", {"reason": "No"}, page="/").status_code == 404
    assert fay.submit(school.cohort_url + "/lock", page="/").status_code == 404
    assert fay.get(school.cohort_url + "/reports").status_code == 404
    assert fay.get(school.other_url).status_code == 404
    assert fay.submit(school.other_url + "/lock", page="/").status_code == 404
    db.session.expire_all()
    assert all(p.hidden_at is None for p in posts())
    assert all(c.locked_at is None for c in db.session.scalars(select(Circle)))


def test_a_facilitator_hides_and_locks_in_their_team(school):
    post(school.client("ana"), school.url, "Names a student")
    (theirs,) = posts()
    fay = school.client("fay")
    assert fay.submit(f"/circles/posts/{theirs.id}/hide", {"reason": "A student's name"}, page="/").status_code == 302
    page = school.client("dee").get(school.url)
    assert "This post is hidden by a facilitator or a leader" in text_of(page, f"#post-{theirs.id}")
    assert "A student's name" in text_of(school.client("ana").get(school.url), f"#post-{theirs.id}")
    assert fay.submit(school.url + "/lock", page=school.url).status_code == 302
    assert "locked" in text_of(school.client("ana").get(school.url), "main")
    assert post(school.client("ana"), school.url, "More").status_code == 302
    assert bodies() == ["Names a student"]


@pytest.mark.parametrize("how", ["removed from the team", "deactivated in the cohort"])
def test_someone_who_leaves_the_team_loses_access_at_once(school, how):
    ana = school.client("ana")
    fay = school.client("fay")
    post(ana, school.url, "Before")
    (mine,) = posts()
    assert fay.get(school.url).status_code == 200
    for key in ("ana", "fay"):
        if how == "removed from the team":
            teams.remove_member(school.team, school.people[key].id)
        else:
            membership = db.session.scalar(select(CohortMember).filter_by(user_id=school.people[key].id))
            membership.active = False
            membership.deactivated_at = utcnow()
            db.session.commit()
    assert ana.get(school.url).status_code == 404
    assert post(ana, school.url, "After").status_code == 404
    assert ana.get(f"/circles/posts/{mine.id}/edit").status_code == 404
    assert fay.get(school.url).status_code == 404
    assert fay.get(school.url + "/reports").status_code == 404
    assert fay.submit(f"/circles/posts/{mine.id}/hide", {"reason": "x"}, page="/").status_code == 404
    assert bodies() == ["Before"]


@pytest.mark.parametrize("who", ["ana", "fay", "lee"])
def test_reading_a_team_discussion_writes_nothing(school, who):
    client = school.client(who)
    for url in (school.url, f"/teams/{school.team.id}", f"/teams/{school.team.id}/plans/{COURSE}"):
        with recorded_statements() as seen:
            assert client.get(url).status_code == 200
        assert writes(seen) == [], url
    assert db.session.scalar(select(func.count(Circle.id))) == 0
    if who != "ana":
        with recorded_statements() as seen:
            assert client.get(school.url + "/reports").status_code == 200
        assert writes(seen) == []


def test_the_team_circle_and_the_cohorts_are_separate_discussions(school):
    post(school.client("ana"), school.url, "Team talk")
    post(school.client("cal"), school.cohort_url, "Cohort talk")
    assert "Team talk" in text_of(school.client("dee").get(school.url), "main")
    assert "Cohort talk" not in text_of(school.client("dee").get(school.url), "main")
    assert "Team talk" not in text_of(school.client("cal").get(school.cohort_url), "main")
    team_circle, cohort_circle = db.session.scalars(select(Circle).order_by(Circle.id))
    assert team_circle.team_id == school.team.id and cohort_circle.team_id is None
    assert team_circle.cohort_id == cohort_circle.cohort_id == school.cohort.id


def test_a_reply_into_another_teams_thread_is_refused(school):
    post(school.client("ben"), school.other_url, "Grade 3 only")
    (theirs,) = posts()
    assert post(school.client("ana"), school.url, "Sneaky", parent=theirs.id).status_code == 302
    assert bodies() == ["Grade 3 only"]


def test_an_archived_teams_discussion_is_read_only(school):
    ana, fay, lee = school.client("ana"), school.client("fay"), school.client("lee")
    post(ana, school.url, "Before archiving")
    (mine,) = posts()
    teams.set_archived(school.team, True)
    page = ana.get(school.url)
    assert page.status_code == 200 and "Before archiving" in text_of(page, "main")
    assert "This team is archived" in text_of(page, "main")
    assert not parse(page).select("textarea")
    assert "Edit" not in text_of(page, f"#post-{mine.id}")
    assert post(ana, school.url, "After archiving").status_code == 302
    assert ana.submit(f"/circles/posts/{mine.id}/edit", {"body": "Changed"}).status_code == 302
    assert post(lee, school.url, "A leader after archiving").status_code == 302
    assert fay.submit(school.url + "/lock", page="/").status_code == 302
    assert bodies() == ["Before archiving"]
    assert db.session.scalar(select(Circle.locked_at)) is None
    assert "archived" in text_of(ana.get(school.url), "main")


# --- the team's pages link to its discussions --------------------------------------------------------------


@pytest.mark.parametrize("who", ["ana", "fay", "lee"])
def test_the_team_page_and_plan_page_link_to_each_discussion(school, who):
    client = school.client(who)
    for page in (f"/teams/{school.team.id}", f"/teams/{school.team.id}/plans/{COURSE}"):
        links = [a["href"] for a in parse(client.get(page)).select("#discussions a")]
        course = catalog().get(COURSE)
        discussed = [m for m in course.modules if any(p.has_blocks("discussion") for p in m.pages)]
        assert links == [f"/teams/{school.team.id}/circles/{COURSE}/{m.slug}" for m in discussed] == [school.url]


def test_the_course_page_links_a_team_member_to_their_teams_discussion(school):
    page = school.client("ana").get("/courses/example-course/practice/trying-things-out")
    links = [a["href"] for a in parse(page).select("#discussion-greeting-together a")]
    assert links == [school.cohort_url, school.url]
    alone = school.client("cal").get("/courses/example-course/practice/trying-things-out")
    assert [a["href"] for a in parse(alone).select("#discussion-greeting-together a")] == [school.cohort_url]


# --- one circle per team and module --------------------------------------------------------------------------


def test_one_circle_per_cohort_and_module_and_one_per_team_and_module(school):
    """A unique constraint lets any number of NULL team ids through; the partial unique indexes do not."""
    cohort_id, team_id, other_id = school.cohort.id, school.team.id, school.other_team.id

    def add(team: int | None) -> bool:
        try:
            with db.session.begin_nested():
                db.session.add(Circle(cohort_id=cohort_id, team_id=team, course_slug=COURSE, module_slug=MODULE))
        except IntegrityError:
            return False
        return True

    assert add(None) and add(team_id) and add(other_id)
    assert not add(None)  # a second cohort circle of the module
    assert not add(team_id)  # a second circle of the team and module
    db.session.commit()
    assert db.session.scalar(select(func.count(Circle.id))) == 3


def test_two_first_posts_make_one_team_circle(school):
    post(school.client("ana"), school.url, "One")
    post(school.client("dee"), school.url, "Two")
    assert db.session.scalar(select(func.count(Circle.id)).where(Circle.team_id == school.team.id)) == 1


# --- the digest ---------------------------------------------------------------------------------------------


def digest_bodies() -> dict[str, str]:
    jobs = db.session.scalars(select(Job).order_by(Job.id))
    return {j.payload["to"]: j.payload["body"] for j in jobs if j.payload.get("kind") == "circle-digest"}


def test_the_digest_brings_team_posts_to_the_team_only_in_one_query(school):
    ana, fay, cal = school.client("ana"), school.client("fay"), school.client("cal")
    post(ana, school.url, "Team news")
    post(ana, school.url, "Hidden team news")
    post(ana, school.url, "Deleted team news")
    post(cal, school.cohort_url, "Cohort news")
    post(school.client("ben"), school.other_url, "Grade 3 news")
    _, hidden, deleted, _, _ = posts()
    fay.submit(f"/circles/posts/{hidden.id}/hide", {"reason": "Off topic"}, page="/")
    ana.submit(f"/circles/posts/{deleted.id}/delete", page="/")
    school.client("dee").submit(school.url + "/digest", {"wanted": "no"}, page=school.url)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        sent = send_digests(utcnow() + timedelta(minutes=1))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    reading = [s for s in statements if "circle_posts" in s]
    assert len(reading) == 1, reading  # one pass over every circle, the cohorts' and the teams'
    found = digest_bodies()
    assert sent == len(found)
    assert "Team news" in found["fay@district.org"] and "Cohort news" in found["fay@district.org"]
    assert f"/teams/{school.team.id}/circles/{COURSE}/{MODULE}" in found["fay@district.org"]
    assert "team Implementation team" in found["fay@district.org"]
    assert "dee@district.org" not in found  # opted out
    assert "cal@district.org" not in found  # in no team: the teams' news is not his, the cohort's is his own
    assert "Team news" not in found["ben@district.org"] and "Grade 3 news" not in found["ben@district.org"]
    assert "Grade 3 news" in found["gus@district.org"] and "Team news" not in found["gus@district.org"]
    for body in found.values():
        assert "Hidden team news" not in body and "Deleted team news" not in body
    assert "Team news" not in found["ana@district.org"]  # her own posts
    assert send_digests(utcnow() + timedelta(minutes=2)) == 0  # once a day


def test_someone_removed_from_the_team_gets_no_more_of_its_posts(school):
    post(school.client("ana"), school.url, "After Dee left")
    teams.remove_member(school.team, school.people["dee"].id)
    send_digests(utcnow() + timedelta(minutes=1))
    assert "After Dee left" not in digest_bodies().get("dee@district.org", "")
    assert "After Dee left" in digest_bodies()["fay@district.org"]


# --- a required discussion ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["team", "cohort"])
def test_a_required_discussion_counts_a_post_in_the_team_or_the_cohorts_circle(editable, where):
    app, folder = editable
    module = folder / "02-practice.md"
    module.write_text(
        module.read_text().replace("    id: greeting-together\n", "    id: greeting-together\n    required: true\n")
    )
    school = make_school(app)
    course = catalog().get(COURSE)
    ana = db.session.get(User, school.people["ana"].id)
    factories.enrolment(ana, pages={p.key for p in course.pages})
    assert progress_for(ana, course).discussion_missing(course.module(MODULE))
    post(school.client("ana"), school.url if where == "team" else school.cohort_url, "My post")
    db.session.expire_all()
    assert not progress_for(db.session.get(User, ana.id), course).discussion_missing(course.module(MODULE))
    text = text_of(school.client("ana").get("/courses/example-course/practice/trying-things-out"), "main")
    assert "or in your team's, is part of completing it" in text


def test_a_post_in_another_cohorts_team_circle_does_not_count(editable):
    app, folder = editable
    module = folder / "02-practice.md"
    module.write_text(
        module.read_text().replace("    id: greeting-together\n", "    id: greeting-together\n    required: true\n")
    )
    school = make_school(app)
    course = catalog().get(COURSE)
    elsewhere = db.session.scalar(select(Cohort).filter_by(name="Washington staff"))
    team = teams.create_team(elsewhere, "Washington team")
    lou = school.people["lou"]
    teams.add_member(team, lou.id)
    post(school.client("lou"), f"/teams/{team.id}/circles/{COURSE}/{MODULE}", "Lou's post")
    ana = db.session.get(User, school.people["ana"].id)
    factories.enrolment(ana, pages={p.key for p in course.pages})
    assert progress_for(ana, course).discussion_missing(course.module(MODULE))
    factories.enrolment(lou, pages={p.key for p in course.pages})
    db.session.execute(delete(TeamMember).where(TeamMember.user_id == lou.id))
    db.session.commit()
    assert progress_for(db.session.get(User, lou.id), course).discussed == {MODULE}  # the post stays his work


# --- the dashboard and queries --------------------------------------------------------------------------------


def count_statements(client, url: str) -> int:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_dashboard_counts_team_posts_in_as_many_queries_however_many(school):
    lee = school.client("lee")
    (assignment_id,) = db.session.scalars(select(Assignment.id).filter_by(cohort_id=school.cohort.id))
    board = f"/cohorts/{school.cohort.id}/assignments/{assignment_id}"
    post(school.client("cal"), school.cohort_url, "Cohort one")
    lee.get(board)
    before = count_statements(lee, board)
    post(school.client("ana"), school.url, "Team one")
    post(school.client("ana"), school.url, "Team two")
    post(school.client("ben"), school.other_url, "Grade 3 one")
    post(school.client("fay"), school.url, "Team three")
    after = count_statements(lee, board)
    assert before == after, (before, after)
    page = lee.get(board)
    counts = {row.select_one("th a").get_text(): row.select_one(".member-table__posts").get_text()
              for row in parse(page).select(".member-table tbody tr")}  # fmt: skip
    assert counts["Ana Alvarez"] == "2 discussion posts"
    assert counts["Ben Brooks"] == "1 discussion post" and counts["Fay Facilitator"] == "1 discussion post"
    assert counts["Cal Chen"] == "1 discussion post"


def seed_posts(school: School, count: int) -> None:
    circle = db.session.scalar(select(Circle).filter_by(team_id=school.team.id))
    if circle is None:
        circle = Circle(cohort_id=school.cohort.id, team_id=school.team.id, course_slug=COURSE, module_slug=MODULE)
        db.session.add(circle)
        db.session.flush()
    now = utcnow()
    ana, dee = school.people["ana"].id, school.people["dee"].id
    threads = []
    for i in range(count // 2):
        moment = now - timedelta(minutes=i)
        thread = CirclePost(circle_id=circle.id, author_id=ana, body=f"T {i}", created_at=moment, activity_at=moment)
        threads.append(thread)
    db.session.add_all(threads)
    db.session.flush()
    db.session.add_all(
        CirclePost(circle_id=circle.id, parent_id=t.id, author_id=dee, body="Reply", created_at=now, activity_at=now)
        for t in threads
    )
    db.session.add(CircleReport(post_id=threads[0].id, reporter_id=dee))
    db.session.commit()


@pytest.mark.parametrize("who", ["fay", "ana", "lee"])
def test_a_page_of_a_team_discussion_takes_as_many_queries_for_200_posts_as_for_20(school, who):
    client = school.client(who)
    seed_posts(school, 20)
    client.get(school.url)  # warm up
    small = count_statements(client, school.url)
    seed_posts(school, 180)
    big = count_statements(client, school.url)
    assert small == big, (small, big)
    page = client.get(school.url)
    assert len(parse(page).select(".thread")) == 20 and "Page 1 of 5" in text_of(page, "main")
