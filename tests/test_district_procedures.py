"""A district's procedures: its leaders fill in the blanks of a course's district box, and its staff read them."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import event, select

from courseware.cohorts import district_procedures
from courseware.cohorts.district_views import render_answer
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Assignment, DistrictAnswer, Organisation, User
from courseware.models.base import utcnow
from tests.conftest import EXAMPLE_COURSES
from tests.helpers import factories
from tests.helpers.html import one, parse, texts_of
from tests.test_cohorts import QueryCounter
from tests.test_fuzz import _form_body

SLUG = "example-course"
BLOCK = """\
/// district | Who to call
- Hotline: [DISTRICT: cps-hotline | the hotline's number]
- Liaison: [DISTRICT: liaison | name, phone and email]
- Policy: [DISTRICT: policy | link to the policy]
///"""
NEUTRAL = "Your district has not filled this in yet ({}): ask your principal or counselor."


class World:
    """Two districts, Riverside (with a school) and Hillcrest, each with the course assigned to its staff."""

    def __init__(self) -> None:
        self.riverside = factories.organisation("Riverside District")
        self.school = factories.organisation("Riverside Elementary", self.riverside)
        self.hillcrest = factories.organisation("Hillcrest District")
        self.staff = factories.cohort(self.riverside, "Riverside staff")
        self.school_staff = factories.cohort(self.school, "Elementary staff")
        self.hill_staff = factories.cohort(self.hillcrest, "Hillcrest staff")
        self.ana = factories.user(name="Ana Riverside", email="ana@example.org")
        self.sol = factories.user(name="Sol School", email="sol@example.org")
        self.ben = factories.user(name="Ben Hillcrest", email="ben@example.org")
        self.nia = factories.user(name="Nia Nowhere", email="nia@example.org")
        for cohort, person in ((self.staff, self.ana), (self.school_staff, self.sol), (self.hill_staff, self.ben)):
            factories.member(cohort, person)
            factories.assignment(cohort, SLUG)
        self.lee = factories.user(name="Lee Riverside", email="lee@example.org")
        factories.leader(self.lee, organisation=self.riverside)
        self.hal = factories.user(name="Hal Hillcrest", email="hal@example.org")
        factories.leader(self.hal, organisation=self.hillcrest)
        self.pat = factories.user(name="Pat Principal", email="pat@example.org")
        factories.leader(self.pat, organisation=self.school)
        self.cody = factories.user(name="Cody Cohort", email="cody@example.org")
        factories.leader(self.cody, cohort=self.school_staff)
        self.admin = factories.user(name="Ada Admin", email="ada@example.org", role="admin")
        self.course = catalog().get(SLUG)
        page = self.course.modules[0].pages[0]
        self.page_url = f"/courses/{SLUG}/{page.module.slug}/{page.slug}"

    def url(self, district: Organisation | None = None) -> str:
        return f"/districts/{(district or self.riverside).id}/courses/{SLUG}/procedures"

    def answer(self, district: Organisation, **answers: str) -> None:
        saved = district_procedures.save_answers(district, self.course, answers, self.admin)
        assert not saved.problems


@pytest.fixture
def world(make_app, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(EXAMPLE_COURSES, courses)
    module = courses / SLUG / "01-welcome.md"
    text = module.read_text()
    second_page = text.index("\n## ", text.index("\n## ") + 1)
    module.write_text(text[:second_page] + "\n\n" + BLOCK + "\n" + text[second_page:])
    app = make_app(COURSES_DIR=courses)
    with app.app_context():
        yield World()


def client_of(person: User | None, sign_in):
    client = current_app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


def riverside_answer(key: str, world) -> str:
    return district_procedures.answers_of(world.riverside.id, SLUG)[key].answer


def box_of(client, world) -> list[str]:
    response = client.get(world.page_url)
    assert response.status_code == 200
    box = one(parse(response.get_data(as_text=True)), "section.district")
    return texts_of(box, "li")


# --- what learners see ---------------------------------------------------------------------------


def test_a_learner_sees_their_own_districts_answers_and_never_anothers(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "Riverside hotline 555-0100", "liaison": "Dana, 555-0142"})
    world.answer(world.hillcrest, **{"cps-hotline": "Hillcrest hotline 555-0199"})
    ana = box_of(client_of(world.ana, sign_in), world)
    assert ana == [
        "Hotline: Riverside hotline 555-0100",
        "Liaison: Dana, 555-0142",
        "Policy: " + NEUTRAL.format("link to the policy"),
    ]
    ben = box_of(client_of(world.ben, sign_in), world)
    assert ben == [
        "Hotline: Hillcrest hotline 555-0199",
        "Liaison: " + NEUTRAL.format("name, phone and email"),
        "Policy: " + NEUTRAL.format("link to the policy"),
    ]
    assert not any("Riverside" in line or "Dana" in line for line in ben)
    # A school's staff read their district's answers.
    assert box_of(client_of(world.sol, sign_in), world)[0] == "Hotline: Riverside hotline 555-0100"


def test_a_learner_without_a_district_or_signed_out_sees_neutral_lines(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "Riverside hotline 555-0100"})
    expected = [
        "Hotline: " + NEUTRAL.format("the hotline's number"),
        "Liaison: " + NEUTRAL.format("name, phone and email"),
        "Policy: " + NEUTRAL.format("link to the policy"),
    ]
    assert box_of(client_of(world.nia, sign_in), world) == expected
    # A deactivated member no longer takes the course through that cohort.
    factories.member(world.hill_staff, world.nia, active=False)
    assert box_of(client_of(world.nia, sign_in), world) == expected


def test_the_most_recent_assignment_decides_the_district(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "Riverside hotline"})
    world.answer(world.hillcrest, **{"cps-hotline": "Hillcrest hotline"})
    factories.member(world.hill_staff, world.ana)  # Ana also joins Hillcrest, whose assignment is newer
    assert box_of(client_of(world.ana, sign_in), world)[0] == "Hotline: Hillcrest hotline"
    riverside = db.session.scalar(select(Assignment).where(Assignment.cohort_id == world.staff.id))
    riverside.created_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert box_of(client_of(world.ana, sign_in), world)[0] == "Hotline: Riverside hotline"


def test_an_answer_is_escaped_with_its_links_and_lines(world, sign_in):
    world.answer(
        world.riverside,
        policy="<script>alert(1)</script> See https://district.example/policy.\nOr javascript:alert(1)",
    )
    response = client_of(world.ana, sign_in).get(world.page_url)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    box = one(parse(html), "section.district")
    assert [a["href"] for a in box.select("a")] == ["https://district.example/policy"]
    assert len(box.select(".district__answer br")) == 1


def test_render_answer():
    assert str(render_answer("Call 555-0100\nor see http://a.example/x?y=1&z=2).")) == (
        'Call 555-0100<br>\nor see <a href="http://a.example/x?y=1&amp;z=2" rel="noopener noreferrer nofollow">'
        "http://a.example/x?y=1&amp;z=2</a>)."
    )
    # A character that turns text around cannot make a link read otherwise than where it goes.
    assert "\u202e" not in str(render_answer("See https://a.example/\u202egpj.exe"))
    assert str(render_answer("ftp://a.example <b>")) == "ftp://a.example &lt;b&gt;"


def test_the_page_view_takes_as_many_queries_with_every_answer_as_with_none(world, sign_in):
    def count(person) -> int:
        client = client_of(person, sign_in)
        client.get(world.page_url)  # the first view records the enrolment
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get(world.page_url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return len(counter.statements)

    world.answer(world.riverside, **{"cps-hotline": "1", "liaison": "2", "policy": "3"})
    assert count(world.ana) == count(world.ben) == count(world.nia)


# --- the leaders' page ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_and_a_learner_is_refused(world, sign_in):
    anonymous = client_of(None, sign_in)
    assert anonymous.get(world.url()).status_code == 302
    assert "/sign-in" in anonymous.get(world.url()).location
    learner = client_of(world.ana, sign_in)
    assert learner.get(world.url()).status_code == 403
    assert learner.submit(world.url(), {"answer-cps-hotline": "x"}, page="/").status_code == 403
    assert db.session.scalar(select(DistrictAnswer)) is None


def test_a_leader_of_another_district_can_neither_read_nor_write(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "Riverside hotline 555-0100"})
    hal = client_of(world.hal, sign_in)
    response = hal.get(world.url())
    assert response.status_code == 404 and "555-0100" not in response.get_data(as_text=True)
    assert hal.submit(world.url(), {"answer-cps-hotline": "Hijacked"}, page="/cohorts").status_code == 404
    assert (
        district_procedures.answers_of(world.riverside.id, SLUG)["cps-hotline"].answer == "Riverside hotline 555-0100"
    )
    # A school's id, a course without blanks and an unknown course are not pages.
    lee = client_of(world.lee, sign_in)
    assert lee.get(f"/districts/{world.school.id}/courses/{SLUG}/procedures").status_code == 404
    assert lee.get(f"/districts/{world.riverside.id}/courses/nothing/procedures").status_code == 404


def test_the_districts_leader_fills_in_the_answers(world, sign_in):
    lee = client_of(world.lee, sign_in)
    page = parse(lee.get(world.url()).get_data(as_text=True))
    assert [label.get_text() for label in page.select("label")] == ["Hotline", "Liaison", "Policy"]
    assert "Name, phone and email. On the page" in one(page, "#answer-liaison-help").get_text()
    assert "3 still to fill in" in page.get_text()
    response = lee.submit(world.url(), {"answer-cps-hotline": "  555-0100  ", "answer-liaison": "Dana\r\nRoom 4"})
    assert response.status_code == 302
    answers = district_procedures.answers_of(world.riverside.id, SLUG)
    assert {key: a.answer for key, a in answers.items()} == {"cps-hotline": "555-0100", "liaison": "Dana\nRoom 4"}
    assert answers["liaison"].changed_by == world.lee.id and answers["liaison"].changed_at is not None
    page = parse(lee.get(world.url()).get_data(as_text=True))
    assert "Saved: 2 answers changed." in page.get_text() and "1 still to fill in" in page.get_text()
    assert "by Lee Riverside" in page.get_text()
    # An empty answer clears it; a field not sent is left as it is.
    lee.submit(world.url(), {"answer-cps-hotline": ""})
    assert set(district_procedures.answers_of(world.riverside.id, SLUG)) == {"liaison"}


def test_an_answer_too_long_is_refused_with_a_message_and_nothing_is_lost(world, sign_in):
    lee = client_of(world.lee, sign_in)
    lee.submit(world.url(), {"answer-policy": "Kept"})
    long = "x" * 501
    response = lee.submit(world.url(), {"answer-cps-hotline": "555-0100", "answer-liaison": long})
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert "This is 501 characters long; use at most 500." in one(page, ".error-summary").get_text()
    assert one(page, "#answer-liaison").get_text() == long and one(page, "#answer-cps-hotline").get_text() == "555-0100"
    assert one(page, "#answer-policy").get_text() == "Kept"
    assert set(district_procedures.answers_of(world.riverside.id, SLUG)) == {"policy"}  # nothing saved


@pytest.mark.parametrize(
    "hostile",
    ["\x00\x1b", "a\ud800b", "\u202eAna", "x" * 100_000, "<img src=x onerror=alert(1)>", "javascript:alert(1)"],
)
def test_hostile_answers_never_end_in_a_server_error(world, sign_in, hostile):
    lee = client_of(world.lee, sign_in)
    fields = {"answer-cps-hotline": hostile, "answer-unknown": hostile, "answer-liaison": hostile}
    body = _form_body({**fields, "csrf_token": lee.csrf_token(world.url())}) + b"&answer-liaison=second"
    response = lee.post(world.url(), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 422)
    assert "javascript:" not in "".join(a.get("href", "") for a in parse(lee.get(world.page_url)).select("a"))


def test_a_school_or_cohort_leader_reads_and_cannot_change(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "Riverside hotline 555-0100"})
    for person in (world.pat, world.cody):
        client = client_of(person, sign_in)
        response = client.get(world.url())
        assert response.status_code == 200
        page = parse(response.get_data(as_text=True))
        assert page.select("textarea") == [] and "555-0100" in page.get_text()
        assert client.submit(world.url(), {"answer-cps-hotline": "Changed"}, page="/cohorts").status_code == 403
    assert (
        district_procedures.answers_of(world.riverside.id, SLUG)["cps-hotline"].answer == "Riverside hotline 555-0100"
    )


def test_an_admin_reads_and_changes_any_district_from_the_organisations_page(world, sign_in):
    admin = client_of(world.admin, sign_in)
    page = parse(admin.get("/admin/organisations").get_data(as_text=True))
    assert world.url(world.hillcrest) in [a["href"] for a in page.select("a")]
    assert admin.submit(world.url(world.hillcrest), {"answer-policy": "https://hill.example/p"}).status_code == 302
    assert district_procedures.answers_of(world.hillcrest.id, SLUG)["policy"].changed_by == world.admin.id


def test_the_dashboard_counts_what_the_district_has_still_to_fill_in(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "555-0100"})
    assignment = db.session.scalar(select(Assignment).where(Assignment.cohort_id == world.school_staff.id))
    response = client_of(world.pat, sign_in).get(f"/cohorts/{world.school_staff.id}/assignments/{assignment.id}")
    link = one(parse(response.get_data(as_text=True)), ".district-status a")
    assert link.get_text() == "Our district's procedures (2 of 3 still to fill in)" and link["href"] == world.url()


# --- flask courses check -------------------------------------------------------------------------


def test_the_check_warns_for_each_district_that_has_still_to_fill_in_a_blank(world):
    world.answer(world.riverside, **{"cps-hotline": "1", "liaison": "2"})
    world.answer(world.hillcrest, **{"cps-hotline": "1", "liaison": "2", "policy": "3"})
    folder = catalog().get(SLUG).path
    result = current_app.test_cli_runner().invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.output
    line = next(b.line for _, b in catalog().get(SLUG).district_blanks if b.key == "policy")
    assert warnings[0].endswith(
        f"01-welcome.md:{line}: the district 'Riverside District' has still to fill this in: link to the policy"
    )
    assert "1 warning" in result.output


def test_without_a_database_the_check_says_so_once(world, monkeypatch):
    def unreadable(*args, **kwargs):
        raise district_procedures.SQLAlchemyError("no such table")

    monkeypatch.setattr(district_procedures.db.session, "execute", unreadable)
    folder = catalog().get(SLUG).path
    result = current_app.test_cli_runner().invoke(args=["courses", "check", str(folder.parent)])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"note: {district_procedures.UNREADABLE}") == 1
    assert "warning" not in result.output


def test_reading_the_leaders_page_writes_nothing(world, sign_in):
    world.answer(world.riverside, **{"cps-hotline": "555-0100"})
    lee = client_of(world.lee, sign_in)
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert lee.get(world.url()).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert not [s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_the_demo_seed_fills_in_the_demo_districts_answers_honestly(make_app):
    from courseware.demo import DEMO_DISTRICT
    from tests.test_reference_course import MODULES

    app = make_app(COURSES_DIR=MODULES, ENV_NAME="development")  # the demo runs in development only
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
        district = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_DISTRICT))
        course = catalog().get("compassionate-schools")
        answers = {key: a.answer for key, a in district_procedures.answers_of(district.id, course.slug).items()}
        assert set(answers) == {blank.key for _, blank in course.district_blanks}
        assert "Childhelp National Child Abuse Hotline, 1-800-422-4453" in answers["cps-hotline"]
        assert "988 Suicide & Crisis Lifeline" in answers["suicide-referral"]
        local = ("homeless-liaison", "crisis-team", "suicide-referral", "restraint-seclusion-policy")
        assert all(answers[key].startswith("Demo entry") for key in local)
        assert all(len(answer) <= district_procedures.ANSWER_LIMIT for answer in answers.values())
        # The check of the shipped course: the demo district has answered everything.
        result = app.test_cli_runner().invoke(args=["courses", "check", str(MODULES)])
        assert result.exit_code == 0 and "warning" not in result.output, result.output


def read_before_the_other_save(monkeypatch):
    """The next save reads the answers as they were before another save stored its own (then reads truly)."""
    real, stale = district_procedures.answers_of, [{}]
    monkeypatch.setattr(district_procedures, "answers_of", lambda *args: stale.pop() if stale else real(*args))


def test_two_saves_at_the_same_moment_keep_the_first_and_explain_only_a_real_clash(world, monkeypatch):
    world.answer(world.riverside, **{"cps-hotline": "555-0100", "liaison": "Dana"})
    # The same text sent twice (a double click) is simply saved.
    read_before_the_other_save(monkeypatch)
    same = district_procedures.save_answers(world.riverside, world.course, {"cps-hotline": "555-0100"}, world.lee)
    assert same.problems == {}
    # Different text: that answer is named, and nothing of this save is stored over the first.
    read_before_the_other_save(monkeypatch)
    clash = district_procedures.save_answers(world.riverside, world.course, {"liaison": "Sam"}, world.lee)
    assert set(clash.problems) == {"liaison"} and "same moment" in clash.problems["liaison"]
    monkeypatch.undo()
    answers = district_procedures.answers_of(world.riverside.id, SLUG)
    assert {key: a.answer for key, a in answers.items()} == {"cps-hotline": "555-0100", "liaison": "Dana"}


def test_a_draft_course_is_not_shown_to_a_leader(world, sign_in, monkeypatch):
    monkeypatch.setattr(world.course, "published", False)
    assert client_of(world.lee, sign_in).get(world.url()).status_code == 404
    assert client_of(world.admin, sign_in).get(world.url()).status_code == 200
