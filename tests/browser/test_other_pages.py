"""axe-core on the pages the journeys do not pass through: account, password reset, admin (jobs too), errors."""

from __future__ import annotations

import pytest

from courseware import jobs
from courseware.extensions import db
from tests.browser.test_leader import district, sign_in  # noqa: F401 (the fixture is used by name)
from tests.browser.test_learner_journey import PASSWORD, assert_accessible, shot
from tests.helpers.live_server import LiveServer
from tests.helpers.sign_up import mailed_link
from tests.test_jobs import run_until_dead

pytestmark = pytest.mark.browser


def test_the_remaining_pages_pass_axe(page, district):  # noqa: F811
    page.goto("/forgot-password")
    assert_accessible(page, "the forgot-password page")
    page.goto("/reset-password/not-a-real-token")
    assert_accessible(page, "an expired reset link")
    page.goto("/courses/no-such-course")
    assert_accessible(page, "the 404 page")

    sign_in(page, "lee@district.org")
    page.goto("/account")
    assert_accessible(page, "the account page")
    page.get_by_label("Email").fill("lee.new@district.org")
    page.get_by_label("Current password").first.fill(PASSWORD)
    page.get_by_role("button", name="Save details").click()
    page.get_by_text("Waiting for confirmation").wait_for()
    assert_accessible(page, "the account page with a change of address waiting")
    shot(page, "account-email-waiting")
    with LiveServer.serving.app.app_context():
        link = mailed_link("lee.new@district.org", "email-change")
    page.goto(link)
    assert_accessible(page, "the confirmation of a new address")
    shot(page, "email-change-confirm")
    page.get_by_role("button", name="Use the new address").click()
    page.wait_for_url("/account")
    assert "Your email address is now lee.new@district.org" in page.get_by_role("status").inner_text()
    page.goto(link)
    assert_accessible(page, "a spent confirmation link")
    page.goto("/cohorts/new")
    assert_accessible(page, "the new cohort form")
    page.get_by_role("button", name="Create the cohort").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, "the new cohort form with an error")
    page.goto("/courses/example-course/attempts")
    assert_accessible(page, "the quiz attempts page")
    page.goto("/transcript")
    assert_accessible(page, "an empty transcript")

    page.context.clear_cookies()
    sign_in(page, "adi@district.org")
    page.goto("/admin/courses")
    assert_accessible(page, "the admin courses page")
    page.goto("/admin/certificates?q=nobody")
    assert_accessible(page, "the admin certificates search")


def test_the_admin_jobs_page_passes_axe(page, district, live_server):  # noqa: F811
    with live_server.app.app_context():
        jobs.enqueue_email("ana@district.org", "Welcome", "Body", "invitation")
        failing = jobs.enqueue("test.fail", {"message": "the mail server refused the login"})
        db.session.commit()
        run_until_dead(failing.id)

    sign_in(page, "adi@district.org")
    page.goto("/admin/jobs")
    page.get_by_role("heading", level=1, name="Jobs").wait_for()
    assert "RuntimeError: the mail server refused the login" in page.get_by_role("main").inner_text()
    assert_accessible(page, "the admin jobs page")
    page.locator("summary", has_text="Traceback").click()
    assert_accessible(page, "the admin jobs page with a traceback open")
    shot(page, "admin-jobs")

    page.get_by_role("button", name=f"Retry job {failing.id}").click()
    page.wait_for_url("/admin/jobs")
    assert f"Job {failing.id} is queued again." in page.get_by_role("status").inner_text()
    assert "No dead job" in page.get_by_role("main").inner_text()
    assert_accessible(page, "the admin jobs page without dead jobs")
