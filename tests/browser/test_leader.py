"""A leader's journey in a real browser: a roster, an assignment and the dashboard, with axe-core checks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from courseware.accounts import services as accounts
from courseware.cohorts import services
from courseware.models import Role
from courseware.models.base import utcnow
from tests.browser.test_learner_journey import PASSWORD, assert_accessible, shot
from tests.test_oneroster import export

pytestmark = pytest.mark.browser

ROSTER = (
    "Full Name,E-mail Address,Position,Building\n"
    "Ana Alvarez,ana@district.org,Teacher,Lincoln Elementary\n"
    "Ben Brooks,ben@district.org,Counselor,Washington Middle\n"
    "Cara Chen,not-an-email,Teacher,Lincoln Elementary\n"
    "Dev Doshi,dev@district.org,Aide,\n"
)


@pytest.fixture
def district(live_server):
    """A district with two schools, a staff cohort in it, its leader and an admin."""
    with live_server.app.app_context():
        district = services.create_organisation("Riverside District")
        services.create_organisation("Lincoln Elementary", district)
        services.create_organisation("Washington Middle", district)
        cohort = services.create_cohort(district, "All staff 2026-27")
        leader = accounts.register("Lee Leader", "lee@district.org", PASSWORD)
        services.grant_leader(leader, organisation=district)
        accounts.register("Adi Admin", "adi@district.org", PASSWORD, role=Role.ADMIN)
        return cohort.id


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def test_a_leader_uploads_a_roster_assigns_a_course_and_follows_progress(page, district):
    cohort_id = district
    sign_in(page, "lee@district.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts").click()
    page.wait_for_url("/cohorts")
    page.get_by_role("link", name="All staff 2026-27").wait_for()
    assert_accessible(page, "the cohorts index")
    shot(page, "cohorts-index")

    page.get_by_role("link", name="All staff 2026-27").click()
    page.wait_for_url(f"/cohorts/{cohort_id}")
    assert_accessible(page, "the cohort page")
    shot(page, "cohort")
    join_url = page.locator("code.join-link").inner_text()
    assert join_url.startswith(page.url.split("/cohorts/")[0] + "/join/")

    page.get_by_label("Roster file (CSV, or a OneRoster export)").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(rf".*/cohorts/{cohort_id}/roster/\d+$"))
    page.get_by_role("heading", level=1, name="Roster preview").wait_for()
    problems = page.get_by_role("table", name="Rows with problems")
    assert problems.get_by_role("row").count() == 2  # the header and Cara's row
    assert "“not-an-email” is not an email address" in problems.inner_text()
    assert "1 row will be skipped" in page.get_by_role("heading", level=2, name=re.compile("skipped")).inner_text()
    assert_accessible(page, "the roster preview with a problem row")
    shot(page, "roster-preview")

    page.get_by_role("button", name="Apply the roster").click()
    page.wait_for_url(f"/cohorts/{cohort_id}")
    assert "Roster applied: 3 added" in page.get_by_role("status").inner_text()
    assert "3 active members" in page.locator(".lede").inner_text()

    page.get_by_label("Course", exact=True).select_option(label="Example course")
    due = utcnow().date() + timedelta(days=30)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(re.compile(rf".*/cohorts/{cohort_id}/assignments/\d+$"))
    page.get_by_role("heading", level=1, name="Example course").wait_for()
    assert due.strftime("%-d %B %Y") in page.locator(".lede").inner_text()

    table = page.get_by_role("table", name=re.compile("Members and their progress"))
    names = table.locator("tbody th[scope=row] > a").all_inner_texts()
    assert names == ["Ana Alvarez", "Ben Brooks", "Dev Doshi"]
    assert "Cara Chen" not in table.inner_text()
    assert table.get_by_role("row", name=re.compile("Ben Brooks")).get_by_text("Washington Middle").is_visible()
    assert_accessible(page, "the dashboard")
    shot(page, "dashboard")
    for width, height in ((1280, 900), (390, 844)):  # a laptop and a phone: the page never scrolls sideways
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the dashboard is wider than {width}px"
        shot(page, f"dashboard-{width}")
    assert_accessible(page, "the dashboard on a phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Staff role").select_option("Teacher")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r".*role=Teacher.*"))
    names = table.locator("tbody th[scope=row] > a").all_inner_texts()
    assert names == ["Ana Alvarez"]
    assert_accessible(page, "the filtered dashboard")

    page.get_by_role("link", name=re.compile("Remind those not done")).click()  # asks first, with the count
    page.get_by_role("heading", level=1, name="Send reminders").wait_for()
    assert_accessible(page, "the confirmation before sending reminders")
    page.get_by_role("button", name=re.compile(r"Send \d+ reminder")).click()
    page.wait_for_url(re.compile(rf".*/cohorts/{cohort_id}/assignments/\d+$"))

    page.goto(f"/cohorts/{cohort_id}")  # assigning the course again asks before changing it
    page.get_by_label("Course", exact=True).select_option(label="Example course")
    page.get_by_label("Due date").fill((due + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("heading", level=1, name="Change the assignment?").wait_for()
    assert_accessible(page, "the confirmation before changing an assignment")
    page.get_by_role("button", name="Change the assignment").click()
    page.wait_for_url(re.compile(rf".*/cohorts/{cohort_id}/assignments/\d+$"))
    assert (due + timedelta(days=7)).strftime("%-d %B %Y") in page.locator(".lede").inner_text()

    page.goto(f"/cohorts/{cohort_id}")
    page.get_by_label("Roster file (CSV, or a OneRoster export)").set_input_files(
        {
            "name": "staff-2.csv",
            "mimeType": "text/csv",
            "buffer": ROSTER.replace("Dev Doshi,dev@district.org,Aide,\n", "").encode(),
        }
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", level=2, name="Not in this file").wait_for()
    assert "Dev Doshi (dev@district.org)" in page.get_by_role("region", name="Not in this file").inner_text()
    assert_accessible(page, "the roster preview with people to deactivate")
    shot(page, "roster-preview-deactivate")
    page.get_by_label(re.compile("Deactivate the people who are not in this file")).check()
    page.get_by_role("button", name="Apply the roster").click()
    page.wait_for_url(f"/cohorts/{cohort_id}")
    assert "1 deactivated" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Example course").click()
    page.wait_for_url(re.compile(rf".*/cohorts/{cohort_id}/assignments/\d+$"))
    names = table.locator("tbody th[scope=row] > a").all_inner_texts()
    assert names == ["Ana Alvarez", "Ben Brooks"]
    assert "1 deactivated not shown" in page.get_by_role("main").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    sign_in(page, "adi@district.org")
    page.goto("/admin/organisations")
    page.get_by_role("heading", level=1, name="Organisations and leaders").wait_for()
    assert "Lee Leader" in page.get_by_role("table", name="Leaders and what they lead").inner_text()
    assert_accessible(page, "the admin organisations page")
    shot(page, "admin-organisations")

    page.goto(join_url)
    page.get_by_role("heading", level=1, name="Join “All staff 2026-27”").wait_for()
    assert_accessible(page, "the join page")
    page.goto("/join/no-such-code")
    page.get_by_role("heading", level=1, name="This join link does not work").wait_for()
    assert_accessible(page, "the page of a join link that does not work")


def test_a_leader_previews_a_oneroster_export_chosen_as_two_files(page, district):
    cohort_id = district
    sign_in(page, "lee@district.org")
    page.goto(f"/cohorts/{cohort_id}")
    files = export("users-1.1")
    page.get_by_label("Roster file (CSV, or a OneRoster export)").set_input_files(
        [{"name": name, "mimeType": "text/csv", "buffer": data} for name, data in files]
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(rf".*/cohorts/{cohort_id}/roster/\d+$"))
    about = page.get_by_role("region", name="About this export")
    assert "4 rows of people who are not staff" in about.inner_text()
    assert "Sam" not in page.locator("main").inner_text()
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page, f"the preview of a OneRoster export at {width} px")
    shot(page, "roster-preview-oneroster")
    page.get_by_role("button", name="Apply the roster").click()
    page.wait_for_url(f"/cohorts/{cohort_id}")
    assert "Roster applied: 4 added" in page.get_by_role("status").inner_text()
