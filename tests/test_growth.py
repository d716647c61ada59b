"""Growth: the pre-check a learner takes at the start, the growth check at the end, the learner's
"Your growth" panel, and what a cohort's leaders see of it (dashboard, summary, CSV), in a fixed number
of queries and only for their own cohorts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from courseware.cohorts import services as cohorts
from courseware.extensions import db
from courseware.models import Cohort, CohortMember, Enrolment, Organisation, QuizAttempt, QuizVersion, User
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.html import csrf_token, form_fields, page_text, parse, table_rows, text_of
from tests.test_cohorts import build_world, dashboard_url, queries_for, read_csv, signed_in

COURSES = Path(__file__).parent / "fixtures" / "growth-courses"
SLUG = "growth-course"
PRE_PAGE = f"/courses/{SLUG}/start/welcome"
GROWTH_PAGE = f"/courses/{SLUG}/end/growth-check"
PRE_SUBMIT = f"/courses/{SLUG}/quizzes/pre-check"
GROWTH_SUBMIT = f"/courses/{SLUG}/quizzes/growth-check"
# Noticing 1 of 2, responding 0 of 2: 25% before.
PRE_ANSWERS = {"q-fists": "a-stress-response", "q-stare": "defiance", "q-shout": "shout-back-louder",
               "q-door": "demand-an-apology-at-once"}  # fmt: skip
# Noticing 2 of 2, responding 1 of 2: 75%, short of the pass mark of 80.
GROWTH_FIRST = {"q-hides": "a-stress-response", "q-silent": "a-freeze-response", "q-parent": "speak-slowly-and-quietly",
                "q-book": "lecture-the-student-about-the-rules"}  # fmt: skip
GROWTH_RIGHT = {**GROWTH_FIRST, "q-book": "keep-everyone-safe-and-stay-calm"}


@pytest.fixture
def growth_app(app, make_app):
    """An app serving the growth course."""
    app = make_app(COURSES_DIR=COURSES)
    with app.app_context():
        yield app


def answer(client, page: str, submit: str, answers: dict):
    html = client.get(page).get_data(as_text=True)
    fields = form_fields(html, f"form[action='{submit}']")
    data = {"version": fields["version"], "number": fields["number"], **answers, "csrf_token": csrf_token(html)}
    return client.post(submit, data=data)


def facts(page, selector: str) -> dict[str, str]:
    """The terms and values of a definition list: {"Before": "25%", ...}."""
    found = parse(page).select_one(selector)
    assert found is not None, selector
    return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in found.select("dt")}


def attempts(quiz_id: str) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).filter_by(quiz_id=quiz_id).order_by(QuizAttempt.number)))


@pytest.fixture
def learner(growth_app, make_user, sign_in):
    person = make_user(name="Robin Reyes", email="robin@district.org")
    client = growth_app.test_client()
    sign_in(client, person)
    return person, client


def test_the_growth_check_waits_for_the_pre_check(learner):
    _, client = learner
    page = client.get(GROWTH_PAGE)
    assert "Take the pre-check first" in text_of(page, "#quiz-growth-check")
    assert parse(page).select_one("#quiz-growth-check form") is None
    link = parse(page).select_one("#quiz-growth-check .notice a")["href"]
    assert link == f"{PRE_PAGE}#quiz-pre-check"
    # a form sent anyway (an old tab, a made-up request) records nothing
    version = db.session.scalar(select(QuizVersion.version).filter_by(quiz_id="growth-check"))
    response = client.submit(GROWTH_SUBMIT, {"version": version, "number": "1", **GROWTH_RIGHT}, page=PRE_PAGE)
    assert response.status_code == 302 and response.location == f"{PRE_PAGE}#quiz-pre-check"
    assert "Take the pre-check first" in page_text(client.get(PRE_PAGE))
    assert attempts("growth-check") == []


def test_the_pre_check_keeps_its_answers_until_the_growth_check_is_done(learner):
    _, client = learner
    page = client.get(PRE_PAGE)
    assert "no pass mark · taken once" in text_of(page, "#quiz-pre-check")

    response = answer(client, PRE_PAGE, PRE_SUBMIT, PRE_ANSWERS)
    assert response.status_code == 302 and response.location.endswith("/quizzes/pre-check/attempts/1")
    result = client.get(response.location).get_data(as_text=True)
    assert "Pre-check done" in result and "25%" in result and "no pass mark" in result
    assert "shown once you have done the growth check" in result
    assert "EXPLANATION" not in result and "Correct" not in result and "Not quite" not in result
    (attempt,) = attempts("pre-check")
    assert attempt.passed  # taking it is what counts for the module
    page = client.get(PRE_PAGE).get_data(as_text=True)
    assert "EXPLANATION" not in page and "taken once in each round" in page
    assert parse(page).select_one("#quiz-pre-check form") is None  # once only
    again = answer(client, GROWTH_PAGE, GROWTH_SUBMIT, GROWTH_FIRST)  # the growth check is open now
    assert again.status_code == 302 and again.location.endswith("/quizzes/growth-check/attempts/1")

    # a first try that does not pass: nothing is revealed, and no growth is shown yet
    for url in (PRE_PAGE, f"/courses/{SLUG}/quizzes/pre-check/attempts/1"):
        assert "PRE-FISTS-EXPLANATION" not in client.get(url).get_data(as_text=True)
    home = client.get(f"/courses/{SLUG}")
    assert parse(home).select_one(".growth") is None
    assert parse(client.get(again.location)).select_one(".growth") is None

    # the pass: the pre-check's answers open, and the growth panel appears
    done = answer(client, GROWTH_PAGE, GROWTH_SUBMIT, GROWTH_RIGHT)
    assert done.location.endswith("/quizzes/growth-check/attempts/2")
    pre_result = client.get(f"/courses/{SLUG}/quizzes/pre-check/attempts/1").get_data(as_text=True)
    assert "PRE-FISTS-EXPLANATION" in pre_result and "Not quite" in pre_result
    assert "PRE-DOOR-EXPLANATION" in client.get(PRE_PAGE).get_data(as_text=True)
    home = client.get(f"/courses/{SLUG}")
    assert "Your growth" in text_of(home, ".growth")
    assert facts(home, ".growth .growth__overall") == {"Before": "25%", "After": "75%", "Change": "+50 points"}
    rows = table_rows(home, "Your score in each skill, before and after")
    assert rows == [
        ["Noticing stress", "50% (1 of 2)", "100% (2 of 2)", "+50 points"],
        ["Responding calmly", "0% (0 of 2)", "50% (1 of 2)", "+50 points"],
    ], rows
    result = client.get(done.location)
    assert facts(result, ".growth .growth__overall")["Before"] == "25%"


def test_another_learner_sees_only_their_own_growth(learner, make_user, sign_in, growth_app):
    _, client = learner
    answer(client, PRE_PAGE, PRE_SUBMIT, PRE_ANSWERS)
    answer(client, GROWTH_PAGE, GROWTH_SUBMIT, GROWTH_RIGHT)
    other = growth_app.test_client()
    sign_in(other, make_user(name="Sam Other", email="sam@district.org"))
    assert parse(other.get(f"/courses/{SLUG}")).select_one(".growth") is None
    assert other.get(f"/courses/{SLUG}/quizzes/growth-check/attempts/1").status_code == 404
    assert "Take the pre-check first" in page_text(other.get(GROWTH_PAGE))
    anonymous = growth_app.test_client()
    assert parse(anonymous.get(f"/courses/{SLUG}")).select_one(".growth") is None


# --- leaders --------------------------------------------------------------------------------------


@pytest.fixture
def cohort_world(growth_app, make_user, sign_in):
    world = build_world(make_user)
    assignment = factories.assignment(world.cohort, SLUG, utcnow().date() + timedelta(days=30))
    people = {}
    for name, email, both in (("Ana Both", "ana@district.org", True), ("Ben Before", "ben@district.org", False),
                              ("Cy None", "cy@district.org", None)):  # fmt: skip
        person = make_user(name=name, email=email)
        factories.member(world.cohort, person)
        people[email] = person
        if both is None:
            continue
        client = signed_in(growth_app, sign_in, person)
        answer(client, PRE_PAGE, PRE_SUBMIT, PRE_ANSWERS)
        if both:
            answer(client, GROWTH_PAGE, GROWTH_SUBMIT, GROWTH_FIRST)
            answer(client, GROWTH_PAGE, GROWTH_SUBMIT, GROWTH_RIGHT)
    return world, assignment, people


def test_leaders_see_each_members_before_and_after_and_the_cohorts_summary(growth_app, cohort_world, sign_in):
    world, assignment, _ = cohort_world
    leader = signed_in(growth_app, sign_in, world.leader)
    page = leader.get(dashboard_url(world.cohort.id, assignment.id))
    assert page.status_code == 200
    summary = facts(page, "[aria-labelledby=growth-title] dl")
    assert summary == {"Average before": "25%", "Average after": "75%", "Took both": "1 of 3"}
    found = {
        parse(str(tr)).select_one("th a").get_text(): (
            tr.select_one(".member-table__before").get_text(),
            tr.select_one(".member-table__after").get_text(),
        )
        for tr in parse(page).select("table.member-table tbody tr")
    }
    assert found == {"Ana Both": ("25%", "75%"), "Ben Before": ("25%", "—"), "Cy None": ("—", "—")}
    headers = [th.get_text(strip=True) for th in parse(page).select("table.member-table thead th")]
    assert "Before" in headers and "After" in headers
    # the pre-check has no pass mark: its score is the "before", not one of the best quiz scores
    assert "Before you start" not in text_of(page, "table.member-table")

    header, *rows = read_csv(leader.get(dashboard_url(world.cohort.id, assignment.id) + ".csv").data)
    before, after = header.index("Growth: before %"), header.index("Growth: after %")
    by_name = {row[0]: (row[before], row[after]) for row in rows}
    assert by_name == {"Ana Both": ("25", "75"), "Ben Before": ("25", ""), "Cy None": ("", "")}


def test_a_member_whose_completion_has_run_out_starts_again_without_growth(growth_app, cohort_world, sign_in):
    """Once a completion runs out, the new round has not begun: its before and after are not yet taken."""
    world, assignment, people = cohort_world
    long_ago = utcnow() - timedelta(days=800)
    db.session.execute(
        update(Enrolment).where(Enrolment.user_id == people["ana@district.org"].id).values(completed_at=long_ago)
    )
    assignment.renewal_months = 12
    db.session.commit()
    leader = signed_in(growth_app, sign_in, world.leader)
    page = leader.get(dashboard_url(world.cohort.id, assignment.id))
    row = next(tr for tr in parse(page).select("table.member-table tbody tr") if "Ana Both" in tr.get_text())
    assert (row.select_one(".member-table__before").get_text(), row.select_one(".member-table__after").get_text()) == (
        "—",
        "—",
    )
    assert facts(page, "[aria-labelledby=growth-title] dl")["Took both"] == "0 of 3"


def test_a_leader_of_another_cohort_sees_none_of_it(growth_app, cohort_world, make_user, sign_in):
    world, assignment, _ = cohort_world
    elsewhere = cohorts.create_cohort(world.district, "Another cohort")
    other_leader = make_user(name="Olu Other", email="olu@district.org")
    cohorts.grant_leader(other_leader, cohort=elsewhere)
    other = signed_in(growth_app, sign_in, other_leader)
    assert other.get(dashboard_url(world.cohort.id, assignment.id)).status_code == 404
    assert other.get(dashboard_url(world.cohort.id, assignment.id) + ".csv").status_code == 404
    member = signed_in(growth_app, sign_in, make_user(name="Mo Member", email="mo@district.org"))
    assert member.get(dashboard_url(world.cohort.id, assignment.id)).status_code in (403, 404)
    assert growth_app.test_client().get(dashboard_url(world.cohort.id, assignment.id)).status_code == 302


def seed_growth(cohort: Cohort, count: int, prefix: str) -> None:
    """``count`` members, each with an enrolment, a pre-check and a first try at the growth check."""
    users = [factories.user(name=f"{prefix} {n:04d}", email=f"{prefix.lower()}{n}@district.org") for n in range(count)]
    db.session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": u.id, "active": True} for u in users])
    now = utcnow()
    db.session.execute(
        insert(Enrolment), [{"user_id": u.id, "course_slug": SLUG, "cycle": 1, "enrolled_at": now} for u in users]
    )
    versions = {q: factories.quiz_version(SLUG, q).id for q in ("pre-check", "growth-check")}
    db.session.execute(
        insert(QuizAttempt),
        [{"user_id": u.id, "course_slug": SLUG, "quiz_id": quiz, "cycle": 1, "number": 1,
          "quiz_version_id": versions[quiz], "answers": {}, "results": {}, "score": score, "passed": True,
          "submitted_at": now}
         for u in users for quiz, score in (("pre-check", 50), ("growth-check", 100))],
    )  # fmt: skip
    db.session.commit()


def test_the_dashboard_takes_as_many_queries_for_300_members_as_for_5(growth_app, make_user, sign_in):
    world = build_world(make_user)
    district = db.session.get(Organisation, world.district.id)
    small = db.session.get(Cohort, world.cohort.id)
    big = cohorts.create_cohort(district, "Everyone")
    cohorts.grant_leader(db.session.get(User, world.leader.id), cohort=big)
    seed_growth(small, 5, "Small")
    seed_growth(big, 300, "Big")
    small_id = factories.assignment(small, SLUG).id
    big_id = factories.assignment(big, SLUG).id
    leader = signed_in(growth_app, sign_in, world.leader)
    small_url, big_url = dashboard_url(small.id, small_id), dashboard_url(big.id, big_id)
    for url in (small_url, big_url, small_url + ".csv", big_url + ".csv"):  # warm up
        leader.get(url)
    small_count, _ = queries_for(leader, small_url)
    big_count, big_page = queries_for(leader, big_url)
    assert small_count == big_count, (small_count, big_count)
    assert facts(big_page, "[aria-labelledby=growth-title] dl")["Took both"] == "300 of 300"
    small_count, _ = queries_for(leader, small_url + ".csv")
    big_count, big_csv = queries_for(leader, big_url + ".csv")
    assert small_count == big_count and len(read_csv(big_csv.data)) == 301
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 610


def test_the_pre_check_is_required_to_complete_its_module(learner):
    _, client = learner
    for page in ("start/welcome", "start/more", "end/reading", "end/growth-check"):
        client.get(f"/courses/{SLUG}/{page}")
    still = text_of(client.get(f"/courses/{SLUG}"), ".still-to-do")
    assert "Start: take the quiz “Before you start”" in still
    assert "End: pass the quiz “Looking back: your growth”" in still
    answer(client, PRE_PAGE, PRE_SUBMIT, PRE_ANSWERS)  # a low score still counts: it has no pass mark
    still = text_of(client.get(f"/courses/{SLUG}"), ".still-to-do")
    assert "Before you start" not in still and "Looking back" in still
