"""axe-core on the pages the journeys do not pass through: account, password reset, admin, errors."""

from __future__ import annotations

import pytest

from tests.browser.test_leader import district, sign_in  # noqa: F401 (the fixture is used by name)
from tests.browser.test_learner_journey import assert_accessible

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
