"""Take a break: a quiet page of the course, reached from every course page, that records nothing,
runs no seat time and leads back only to a page of the same course."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import Enrolment, PageVisit
from tests.helpers.html import links, parse
from tests.test_architecture import recorded_statements, writes
from tests.test_tracks import PAGES, choose

COURSE = "/courses/example-course"
PAGE = f"{COURSE}/welcome/progress"
BREAK = f"{COURSE}/break"


def back_link(html: str) -> str:
    (link,) = [a["href"] for a in parse(html).select("a.button") if a.get_text(strip=True) == "Back to where I was"]
    return link


def test_every_course_page_offers_a_break_that_leads_back_to_it(learner_client):
    html = learner_client.get(PAGE).get_data(as_text=True)
    breaks = links(parse(html), "a.break-link")
    assert breaks and set(breaks) == {f"{BREAK}?from=welcome/progress"}

    response = learner_client.get(breaks[0])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    assert page.select_one("h1").get_text(strip=True) == "Take a break"
    assert back_link(html) == PAGE
    (stop,) = [a["href"] for a in page.select("a") if a.get_text(strip=True) == "Stop for today"]
    assert stop == "/"
    text = page.get_text(" ", strip=True)
    assert "Your place in the course is kept" in text and "everything you have typed" in text
    assert "988 Suicide & Crisis Lifeline" in text and "employee assistance program" in text
    assert {"tel:988", "sms:988"} <= set(links(page))


def test_the_break_page_runs_no_seat_time_and_writes_nothing(learner_client):
    learner_client.get(PAGE)
    visits = db.session.scalar(select(func.count()).select_from(PageVisit))
    with recorded_statements() as seen:
        html = learner_client.get(f"{BREAK}?from=welcome/progress").get_data(as_text=True)
    assert writes(seen) == []
    assert db.session.scalar(select(func.count()).select_from(PageVisit)) == visits
    assert "data-visit" not in html and "seat-time.js" not in html  # no heartbeat can be sent from it
    assert db.session.scalar(select(Enrolment.last_page_key)) == "welcome/progress"  # Resume still leads back


@pytest.mark.parametrize(
    "given",
    [
        "",
        "https://elsewhere.example/welcome/progress",
        "//elsewhere.example/x",
        "/welcome/progress",
        "welcome/nope",
        "welcome/progress/../../../admin",
        "welcome%2Fprogress",
        "javascript:alert(1)",
        "welcome/progress\n",
        "x" * 5000,
    ],
)
def test_anything_but_a_page_of_the_course_leads_back_to_the_course_home(learner_client, given):
    response = learner_client.get(BREAK, query_string={"from": given})
    assert response.status_code == 200
    assert back_link(response.get_data(as_text=True)) == COURSE


def test_a_page_of_another_course_or_track_is_not_a_way_back(learner_client):
    choose(learner_client, "classroom")
    html = learner_client.get("/courses/tracks-course/break?from=support/a-warm-greeting").get_data(as_text=True)
    assert back_link(html) == "/courses/tracks-course"
    html = learner_client.get("/courses/tracks-course/break?from=classroom/a-calm-start").get_data(as_text=True)
    assert back_link(html) == PAGES["classroom"][2]
    # the example course's page, asked of the tracks course
    html = learner_client.get("/courses/tracks-course/break?from=welcome/progress").get_data(as_text=True)
    assert back_link(html) == "/courses/tracks-course"


def test_before_a_track_is_chosen_the_way_back_still_leads_into_the_course(learner_client):
    html = learner_client.get("/courses/tracks-course/break?from=core/why-every-adult-matters").get_data(as_text=True)
    back = back_link(html)
    assert back.startswith("/courses/tracks-course")
    assert learner_client.get(back).status_code in (200, 302)


def test_the_break_page_needs_sign_in(client):
    response = client.get(f"{BREAK}?from=welcome/progress")
    assert response.status_code == 302 and "/sign-in?next=" in response.location


@pytest.mark.parametrize("role", ["learner", "leader", "admin"])
def test_every_signed_in_role_can_take_a_break_and_sees_only_the_course(client, make_user, sign_in, role):
    sign_in(client, make_user(role=role))
    response = client.get(f"{BREAK}?from=welcome/progress")
    assert response.status_code == 200
    assert back_link(response.get_data(as_text=True)) == PAGE
    assert client.get("/courses/nope/break").status_code == 404


def test_another_learners_break_shows_nothing_of_the_first(learner_client, learner, make_user, sign_in, app):
    learner_client.get(PAGE)
    other = app.test_client()
    sign_in(other, make_user(name="Sam Okafor", email="sam@example.org"))
    html = other.get(f"{BREAK}?from=welcome/progress").get_data(as_text=True)
    assert "Jordan Rivera" not in html and "Sam Okafor" not in html
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1  # the break enrolled no one
