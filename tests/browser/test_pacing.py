"""Pacing in a real browser: a leader assigns a course over a school year, changes a date, adds a
session and opens the leader guide; a learner sees what is due next. axe-core checks every page at
a laptop's and a phone's width."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest

from courseware.accounts import services as accounts
from courseware.cohorts import services
from courseware.models.base import utcnow
from tests.browser.conftest import LiveServer
from tests.browser.test_learner_journey import PASSWORD, assert_accessible, shot
from tests.conftest import EXAMPLE_COURSES

pytestmark = pytest.mark.browser

GUIDE = """# Leading the example course

A guide for the people who lead a group through the course.

## Pacing options

### A school year

Take one module a month, and meet near the end of each month.

## Session plans

### Session 1: Welcome

| Part | Minutes |
| --- | --- |
| Opening round | 10 |
| Practice stories | 20 |
"""


@pytest.fixture
def server(make_app, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(EXAMPLE_COURSES, courses)
    (courses / "example-course" / "guide.md").write_text(GUIDE, encoding="utf-8")
    live = LiveServer(make_app(COURSES_DIR=courses))
    live.start()
    with live.app.app_context():
        district = services.create_organisation("Riverside District")
        cohort = services.create_cohort(district, "All staff 2026-27")
        leader = accounts.register("Lee Leader", "lee@district.org", PASSWORD)
        services.grant_leader(leader, organisation=district)
        ana = accounts.register("Ana Alvarez", "ana@district.org", PASSWORD)
        services.join(cohort, ana)
        live.cohort_id = cohort.id
    yield live
    live.stop()


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def check_both_widths(page, what: str, name: str) -> None:
    """axe at a laptop's and a phone's width, no sideways scrolling, and a screenshot of each."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page, f"{what} at {width}px")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{what} is wider than {width}px"
        shot(page, f"pacing-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_leader_paces_a_course_over_a_school_year_and_a_learner_sees_what_is_due(browser, server):
    today = utcnow().date()
    start = today - timedelta(days=35)
    context = browser.new_context(base_url=server.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, "lee@district.org")
    page.goto(f"/cohorts/{server.cohort_id}")
    check_both_widths(page, "the cohort page with pacing", "cohort")
    page.get_by_label("Course", exact=True).select_option(label="Example course")
    page.get_by_label("Pacing").select_option(label="A school year: a module a month")
    page.get_by_label("Start date", exact=True).fill(start.isoformat())
    page.get_by_label("Open each module to learners only from its start date").check()
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("heading", level=1, name="Check each module's dates").wait_for()
    practice = page.get_by_role("group", name="Module 2: Practice")
    assert practice.get_by_label("Opens on").input_value() != ""
    check_both_widths(page, "the review of the module dates", "review")

    practice.get_by_label("Opens on").fill((today + timedelta(days=400)).isoformat())  # a mistake first
    page.get_by_role("button", name="Assign with these dates").click()
    page.get_by_role("alert").wait_for()
    assert "The module would open after it is due" in practice.inner_text()
    check_both_widths(page, "the review of the module dates with a mistake", "review-error")
    opens = today + timedelta(days=2)
    practice.get_by_label("Opens on").fill(opens.isoformat())
    page.get_by_role("button", name="Assign with these dates").click()
    page.wait_for_url(re.compile(rf".*/cohorts/{server.cohort_id}/assignments/\d+$"))
    assert "pacing: a school year (a module a month)" in page.locator(".lede").inner_text()
    modules = page.get_by_role("table", name=re.compile("Each module's dates"))
    assert "Behind" in modules.inner_text()
    assert modules.get_by_role("row", name=re.compile("1. Welcome")).inner_text().split("\t")[4].strip() == "1"
    check_both_widths(page, "the paced dashboard", "dashboard")
    dashboard = page.url

    page.get_by_role("link", name=re.compile("Remind the 1 behind")).click()
    page.get_by_role("heading", level=1, name=re.compile("Remind those behind")).wait_for()
    check_both_widths(page, "the confirmation of a module reminder", "module-remind")
    page.get_by_role("button", name="Send 1 reminder").click()
    page.wait_for_url(dashboard)

    page.get_by_role("link", name=re.compile(r"^Sessions")).click()
    page.get_by_role("heading", level=1, name="Sessions").wait_for()
    check_both_widths(page, "the sessions page", "sessions")
    page.get_by_label("Title").fill("Monthly peer-learning meeting")
    page.get_by_label("Date").fill((today + timedelta(days=6)).isoformat())
    page.get_by_label("Starts at").fill("15:30")
    page.get_by_label("Ends at").fill("16:30")
    page.get_by_label("Time zone").select_option(label="Central time")
    page.get_by_label("Place").fill("Library, room 104")
    page.get_by_label("Video link").fill("http://meet.example.org/abc")  # not https: refused
    page.get_by_role("button", name="Add the session").click()
    page.get_by_role("alert").wait_for()
    check_both_widths(page, "the sessions page with a mistake", "sessions-error")
    page.get_by_label("Video link").fill("https://meet.example.org/abc")
    page.get_by_role("button", name="Add the session").click()
    page.get_by_text("3:30 PM to 4:30 PM Central time").wait_for()
    page.get_by_role("link", name="Edit Monthly peer-learning meeting").click()
    page.get_by_role("heading", level=1, name=re.compile("Edit")).wait_for()
    check_both_widths(page, "the page editing a session", "session-edit")

    page.goto(dashboard)
    page.get_by_role("link", name="Leader guide").click()
    page.get_by_role("heading", level=1, name="Leading the example course").wait_for()
    assert "a school year (a module a month)" in page.locator(".guide__plan").inner_text()
    check_both_widths(page, "the leader guide", "guide")
    page.emulate_media(media="print")
    shot(page, "pacing-guide-print")
    assert not page.get_by_role("button", name="Print this guide").is_visible()
    page.emulate_media(media="screen")
    context.close()

    context = browser.new_context(base_url=server.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, "ana@district.org")
    due = page.locator(".due-next").first.inner_text()
    assert due.startswith("Overdue:") and "Welcome" in due
    check_both_widths(page, "the catalog with what is due next", "catalog")
    page.get_by_role("link", name="Example course").first.click()
    page.get_by_role("heading", level=2, name="Upcoming sessions").wait_for()
    assert "Monthly peer-learning meeting" in page.locator(".session-list").inner_text()
    assert page.locator(".due-next").inner_text().startswith("Overdue:")
    check_both_widths(page, "the course page with what is due next and sessions", "course-home")
    page.goto("/courses/example-course/practice/trying-things-out")
    page.get_by_role("heading", level=1, name=re.compile("opens on")).wait_for()
    check_both_widths(page, "the page of a module not open yet", "not-open")
    page.goto("/calendar")
    page.get_by_role("button", name="Make my calendar address").click()
    assert page.get_by_label("Your calendar address").input_value().startswith(server.base_url + "/calendar/feed/")
    check_both_widths(page, "my calendar", "calendar")
    context.close()
