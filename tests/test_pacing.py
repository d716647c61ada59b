"""Pacing plans: computing and reviewing each module's dates, learners' due dates and closed modules,
the dashboard's modules, per-module reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from courseware.cohorts import pacing, services
from courseware.cohorts.pacing import Dates, Pacing
from courseware.extensions import db
from courseware.models import (
    Assignment,
    ModuleDate,
    PacingPlan,
    PageProgress,
    PasswordReset,
    PracticeEntry,
    QuizAttempt,
    User,
    WorksheetAnswer,
)
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.html import parse
from tests.test_cohorts import (
    COURSE,
    add_member,
    build_world,
    dashboard_url,
    form_errors,
    queries_for,
    seed_members,
    signed_in,
    text_of,
)
from tests.test_jobs import queued_emails

MODULES = ["welcome", "practice"]


@pytest.fixture
def world(app, make_user):
    return build_world(make_user)


@pytest.fixture
def leader_client(app, world, sign_in):
    return signed_in(app, sign_in, world.leader)


TODAY = utcnow().date()


def paced(cohort, dates: list[tuple[date | None, date]], plan: str = pacing.SCHOOL_YEAR) -> Assignment:
    """The example course assigned to the cohort with these (opens, due) dates for its two modules."""
    found = [Dates(m, opens, due) for m, (opens, due) in zip(MODULES, dates, strict=True)]
    return services.assign(cohort, COURSE, max(d for _, d in dates), None, Pacing(plan, TODAY, found))


# --- computing the dates -------------------------------------------------------------------------


def test_a_school_year_gives_each_module_a_month_and_opens_each_after_the_one_before():
    found = pacing.plan_dates(pacing.SCHOOL_YEAR, date(2026, 9, 1), ["a", "b", "c", "d", "e", "f"], opening=True)
    assert [d.due_on for d in found] == [
        date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31),
        date(2027, 2, 28),
    ]  # fmt: skip
    assert [d.opens_on for d in found] == [
        date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1),
    ]  # fmt: skip


def test_a_semester_and_a_summer_intensive_share_out_their_weeks():
    semester = pacing.plan_dates(pacing.SEMESTER, date(2027, 1, 11), ["a", "b", "c"], opening=False)
    assert semester[-1].due_on == date(2027, 1, 11) + timedelta(days=18 * 7 - 1)
    assert [d.opens_on for d in semester] == [None, None, None]
    summer = pacing.plan_dates(pacing.SUMMER, date(2027, 6, 21), ["a", "b", "c", "d", "e", "f"], opening=True)
    assert summer[-1].due_on == date(2027, 7, 4)  # two weeks, the start day included
    assert all(d.opens_on <= d.due_on for d in summer)
    assert [d.due_on for d in summer] == sorted(d.due_on for d in summer)


def test_custom_dates_spread_evenly_up_to_the_last_due_date():
    found = pacing.plan_dates(pacing.CUSTOM, date(2027, 1, 1), ["a", "b"], opening=False, ends_on=date(2027, 1, 20))
    assert [d.due_on for d in found] == [date(2027, 1, 10), date(2027, 1, 20)]


def test_dates_out_of_order_or_far_away_are_refused_field_by_field():
    today = date(2026, 11, 29)
    problems = pacing.check_dates(
        [
            Dates("a", date(2026, 12, 10), date(2026, 12, 1)),
            Dates("b", None, date(2026, 11, 30)),
            Dates("c", None, date(2040, 1, 1)),
            Dates("d", date(2020, 1, 1), date(2041, 1, 1)),
        ],
        today,
    )
    assert "open after it is due" in problems["opens-a"]
    assert "before the module before it" in problems["due-b"]
    assert "years ahead" in problems["due-c"]
    assert "more than a year ago" in problems["opens-d"]


# --- assigning with a plan -----------------------------------------------------------------------


def post_assign(client, cohort_id: int, data: dict):
    return client.submit(f"/cohorts/{cohort_id}/assignments", {"course": COURSE, **data}, page="/")


def test_a_leader_reviews_and_changes_the_dates_of_a_school_year_before_assigning(world, leader_client):
    start = TODAY + timedelta(days=3)
    response = post_assign(
        leader_client, world.cohort.id, {"plan": "school-year", "starts_on": start.isoformat(), "opening": "y"}
    )
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("h1").get_text() == "Check each module's dates"
    assert db.session.scalar(select(Assignment)) is None  # nothing assigned yet
    fields = {i["name"]: i.get("value", "") for i in page.select("form input[name]")}
    assert fields["due-welcome"] == (pacing.add_months_date(start, 1) - timedelta(days=1)).isoformat()
    assert fields["opens-welcome"] == start.isoformat()
    assert [label.get_text() for label in page.select("legend")] == ["Module 1: Welcome", "Module 2: Practice"]

    changed = (start + timedelta(days=10)).isoformat()
    fields["due-welcome"] = changed
    fields["due-nonsense"] = "not looked at"  # a module the course does not have
    fields.pop("csrf_token")
    response = leader_client.submit(f"/cohorts/{world.cohort.id}/assignments", fields, page="/")
    assert response.status_code == 302, form_errors(text_of(response))
    assignment = db.session.scalar(select(Assignment))
    rows = {d.module: d for d in db.session.scalars(select(ModuleDate))}
    assert set(rows) == {"welcome", "practice"}
    assert rows["welcome"].due_on.isoformat() == changed and rows["welcome"].opens_on == start
    assert assignment.due_on == rows["practice"].due_on  # the course is due with its last module
    assert db.session.get(PacingPlan, assignment.id).plan == "school-year"
    dashboard = text_of(leader_client.get(response.location))
    assert "pacing: a school year (a module a month)" in dashboard


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({"due-welcome": "garbage"}, "due-welcome", "Enter a date like"),
        ({"due-welcome": ""}, "due-welcome", "Enter the date this module is due"),
        ({"opens-practice": "2099-13-45"}, "opens-practice", "Enter a date like"),
        ({"due-welcome": "2090-01-01"}, "due-welcome", "years ahead"),
        ({"opens-welcome": "{next_month}"}, "opens-welcome", "open after it is due"),
        ({"due-practice": "{today}"}, "due-practice", "before the module before it"),
    ],
)
def test_bad_module_dates_are_shown_next_to_their_field(world, leader_client, fields, name, message):
    start = TODAY + timedelta(days=3)
    base = {"plan": "school-year", "starts_on": start.isoformat(), "opening": "y", "reviewed": "yes",
            "opens-welcome": start.isoformat(), "due-welcome": (start + timedelta(days=20)).isoformat(),
            "opens-practice": "", "due-practice": (start + timedelta(days=40)).isoformat()}  # fmt: skip
    values = {
        k: v.format(next_month=(start + timedelta(days=30)).isoformat(), today=TODAY.isoformat())
        for k, v in fields.items()
    }
    response = post_assign(leader_client, world.cohort.id, {**base, **values})
    assert response.status_code == 422
    page = parse(response)
    error = page.select_one(f"#{name}-error")
    assert error is not None and message in error.get_text(), form_errors(text_of(response))
    assert page.select_one(f"#{name}")["aria-invalid"] == "true"
    assert db.session.scalar(select(Assignment)) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"plan": "school-year", "starts_on": ""}, "Enter the day the first module starts"),
        ({"plan": "school-year", "starts_on": "1999-01-01"}, "more than a year ago"),
        ({"plan": "semester", "starts_on": "3000-01-01"}, "years ahead"),
        ({"plan": "custom", "starts_on": "{today}", "due_on": "{yesterday}"}, "before the start date"),
        ({"plan": "every-full-moon", "starts_on": "{today}"}, "Not a valid choice"),
        ({"plan": "single", "due_on": "tomorrow"}, "Not a valid date"),
    ],
)
def test_a_plan_without_a_sensible_start_is_refused_on_the_cohort_page(world, leader_client, data, message):
    values = {k: v.format(today=TODAY.isoformat(), yesterday=(TODAY - timedelta(days=1)).isoformat())
              for k, v in data.items()}  # fmt: skip
    response = post_assign(leader_client, world.cohort.id, values)
    assert response.status_code == 422
    assert any(message in error for error in form_errors(text_of(response))), form_errors(text_of(response))


def test_changing_the_plan_of_an_assignment_shows_what_changes_first(world, leader_client):
    due = TODAY + timedelta(days=60)
    assignment = services.assign(world.cohort, COURSE, due, None)
    start = TODAY + timedelta(days=1)
    data = {"plan": "summer", "starts_on": start.isoformat(), "reviewed": "yes",
            "due-welcome": (start + timedelta(days=6)).isoformat(),
            "due-practice": (start + timedelta(days=13)).isoformat()}  # fmt: skip
    response = post_assign(leader_client, world.cohort.id, data)
    assert response.status_code == 200
    rows = [[c.get_text(" ", strip=True) for c in tr.select("th, td")] for tr in parse(response).select("tbody tr")]
    assert ["Pacing", "one due date", "a summer intensive (two weeks)"] in rows
    assert [
        "Module 1: Welcome",
        "no date of its own",
        f"due {(start + timedelta(days=6)).strftime('%-d %B %Y')}",
    ] in rows
    assert db.session.scalar(select(ModuleDate)) is None  # not yet
    fields = {i["name"]: i.get("value", "") for i in parse(response).select("form input[name]")}
    fields.pop("csrf_token")
    response = leader_client.submit(f"/cohorts/{world.cohort.id}/assignments", fields, page="/")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).due_on == start + timedelta(days=13)
    assert len(db.session.scalars(select(ModuleDate)).all()) == 2

    # Back to one due date: the module dates go, after the same confirmation.
    back = post_assign(leader_client, world.cohort.id, {"plan": "single", "due_on": due.isoformat()})
    assert "Change the assignment?" in text_of(back)
    response = post_assign(
        leader_client, world.cohort.id, {"plan": "single", "due_on": due.isoformat(), "replace_existing": "yes"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(ModuleDate)) is None and db.session.scalar(select(PacingPlan)) is None


# --- learners -------------------------------------------------------------------------------------


def test_learners_see_what_is_due_next_and_overdue_in_words(app, world, make_user, sign_in):
    ana = make_user(name="Ana Alvarez", email="ana@district.org")
    add_member(world.cohort, ana)
    paced(world.cohort, [(None, TODAY - timedelta(days=2)), (None, TODAY + timedelta(days=20))])
    client = signed_in(app, sign_in, ana)
    home = parse(client.get(f"/courses/{COURSE}"))
    due = home.select_one(".due-next").get_text(" ", strip=True)
    assert due.startswith("Overdue:") and "Module 1, “Welcome”, was due" in due
    catalog = parse(client.get("/")).select_one(".due-next").get_text(" ", strip=True)
    assert catalog.startswith("Overdue:") and "Welcome" in catalog

    factories.enrolment(ana, pages=["welcome/getting-started", "welcome/progress"], seconds=3600)
    home = parse(client.get(f"/courses/{COURSE}"))
    due = home.select_one(".due-next").get_text(" ", strip=True)
    assert due.startswith("Due next:") and "Module 2, “Practice”, is due" in due


def test_a_module_is_closed_before_it_opens_with_a_page_saying_when(app, world, make_user, sign_in):
    ana = make_user(name="Ana Alvarez", email="ana@district.org")
    add_member(world.cohort, ana)
    opens = TODAY + timedelta(days=5)
    paced(world.cohort, [(TODAY, TODAY + timedelta(days=4)), (opens, TODAY + timedelta(days=30))])
    client = signed_in(app, sign_in, ana)
    assert client.get(f"/courses/{COURSE}/welcome/getting-started").status_code == 200
    response = client.get(f"/courses/{COURSE}/practice/trying-things-out")
    assert response.status_code == 403
    assert f"opens on {opens.strftime('%A %-d %B %Y')}" in parse(response).select_one("h1").get_text()
    assert db.session.scalar(select(PageProgress).where(PageProgress.page_key.like("practice/%"))) is None

    # Nor can its quiz, worksheet or practice log be sent before it opens.
    home = f"/courses/{COURSE}"
    for url, form in [
        (f"{home}/quizzes/practice-check", {"version": "1", "number": "1"}),
        (f"{home}/worksheets/my-plan", {"version": "0"}),
        (f"{home}/practice/greet-at-the-door", {"done_on": TODAY.isoformat(), "notes": "Tried it"}),
    ]:
        response = client.submit(url, form, page=home)
        assert response.status_code == 403, url
        assert "opens on" in parse(response).select_one("h1").get_text()
    for model in (QuizAttempt, WorksheetAnswer, PracticeEntry):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model

    outsider = make_user(name="Oli Outsider", email="oli@example.org")  # not in the cohort: open as always
    assert signed_in(app, sign_in, outsider).get(f"/courses/{COURSE}/practice/trying-things-out").status_code == 200


# --- the dashboard's modules ----------------------------------------------------------------------


def module_rows(page) -> dict[str, list[str]]:
    return {
        tr.select_one("th").get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select(".module-table tbody tr")
    }


def test_the_dashboard_counts_who_is_on_track_behind_or_done_per_module(app, world, leader_client, make_user):
    people = {n: make_user(name=n, email=f"{n.lower()}@district.org") for n in ("Ana", "Ben", "Cat")}
    for person in people.values():
        add_member(world.cohort, person)
    assignment = paced(world.cohort, [(None, TODAY - timedelta(days=1)), (None, TODAY + timedelta(days=10))])
    factories.enrolment(people["Ana"], pages=["welcome/getting-started", "welcome/progress"])  # module 1 done
    factories.enrolment(people["Ben"], pages=["welcome/getting-started"])  # part of it: behind
    factories.completed(people["Cat"])  # the course is completed: every module is done
    page = parse(leader_client.get(dashboard_url(world.cohort.id, assignment.id)))
    rows = module_rows(page)
    assert rows["1. Welcome"][2:5] == ["0", "1", "2"]  # on track, behind, done
    assert rows["2. Practice"][2:5] == ["2", "0", "1"]
    assert "Remind the 1 behind" in rows["1. Welcome"][5]
    marks = {
        tr.select_one("th a").get_text(): [li.get_text() for li in tr.select(".module-marks li")]
        for tr in page.select(".member-table tbody tr")
    }
    assert marks["Ben"] == ["1: Behind", "2: On track"]
    assert marks["Cat"] == ["1: Done", "2: Done"]


def test_the_paced_dashboard_takes_as_many_queries_for_50_members_as_for_5(app, world, leader_client):
    small, big = world.cohort, services.create_cohort(world.district, "Everyone")
    services.grant_leader(db.session.get(User, world.leader.id), cohort=big)
    seed_members(small, world.school, 5, "Small")
    seed_members(big, world.school, 50, "Big")
    dates = [(TODAY - timedelta(days=3), TODAY - timedelta(days=1)), (TODAY, TODAY + timedelta(days=9))]
    urls = [dashboard_url(c.id, paced(c, dates).id) for c in (small, big)]
    for url in urls:
        leader_client.get(url)  # warm up
    (small_count, _), (big_count, big_page) = (queries_for(leader_client, url) for url in urls)
    assert len(module_rows(parse(big_page))) == 2
    assert sum(int(n) for n in module_rows(parse(big_page))["1. Welcome"][2:5]) == 50
    assert small_count == big_count, (small_count, big_count)


# --- reminders about one module -----------------------------------------------------------------------


def test_reminding_those_behind_on_a_module_once_per_interval(app, world, leader_client, make_user):
    ana = make_user(name="Ana Alvarez", email="ana@district.org")
    add_member(world.cohort, ana)
    new = make_user(name="Nat New", email="nat@district.org")
    new.password_hash = services.UNCHOSEN_HASH  # added by a roster, never signed in
    db.session.commit()
    add_member(world.cohort, new)
    done = make_user(name="Dee Done", email="dee@district.org")
    add_member(world.cohort, done)
    factories.enrolment(done, pages=["welcome/getting-started", "welcome/progress"])
    assignment = paced(world.cohort, [(None, TODAY - timedelta(days=1)), (None, TODAY + timedelta(days=10))])
    url = f"{dashboard_url(world.cohort.id, assignment.id)}/modules/welcome/remind"

    page = text_of(leader_client.get(url))
    assert "Send 2 reminder emails?" in page and "1 of them never chose a password" in page
    assert queued_emails("reminder") == []  # the confirmation page sends nothing
    assert leader_client.submit(url, {}).status_code == 302  # not confirmed: back to the confirmation
    assert queued_emails("reminder") == []
    response = leader_client.submit(url, {"confirm": "yes"})
    assert response.status_code == 302
    sent = {mail.to_address: mail for mail in queued_emails("reminder")}
    assert set(sent) == {"ana@district.org", "nat@district.org"}
    assert "“Welcome”" in sent["ana@district.org"].subject
    assert "/courses/example-course" in sent["ana@district.org"].body
    assert "You have not chosen a password yet" in sent["nat@district.org"].body
    assert db.session.scalar(select(PasswordReset).where(PasswordReset.user_id == new.id)) is not None

    again = text_of(leader_client.get(url))
    assert "No reminder to send" in again and "2 members had a reminder about this module" in again
    leader_client.submit(url, {"confirm": "yes"})
    assert len(queued_emails("reminder")) == 2  # never twice within the interval

    app.config["MODULE_REMINDER_HOURS"] = 0  # the interval has passed
    assert "Send 2 reminder emails?" in text_of(leader_client.get(url))


def test_reminding_about_a_module_without_dates_or_unknown_is_a_404(world, leader_client):
    assignment = services.assign(world.cohort, COURSE, TODAY + timedelta(days=5), None)
    base = dashboard_url(world.cohort.id, assignment.id)
    assert leader_client.get(f"{base}/modules/welcome/remind").status_code == 404
    paced(world.cohort, [(None, TODAY), (None, TODAY + timedelta(days=3))])
    assert leader_client.get(f"{base}/modules/no-such-module/remind").status_code == 404
