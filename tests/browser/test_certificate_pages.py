"""The transcript and the public verification page in a real browser."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_evaluation import finish_in_browser
from tests.browser.test_learner_journey import assert_accessible, shot, sign_up
from tests.helpers import factories

pytestmark = pytest.mark.browser


def test_transcript_and_verification_are_accessible(page, live_server):
    sign_up(page, "Noor Haddad", "noor@example.org")
    for path in [
        "/courses/example-course/welcome/getting-started",
        "/courses/example-course/welcome/progress",
        "/courses/example-course/practice/trying-things-out",
        "/courses/example-course/practice/wrapping-up",
    ]:
        page.goto(path)
    page.goto("/courses/example-course/practice/check")
    with live_server.app.app_context():
        factories.seat_time(None, "example-course")  # the time each module requires, as if spent
    page.get_by_label("Blue").check()
    page.get_by_label("Apple").check()
    page.get_by_label("Pear").check()
    page.get_by_role("group", name="Water boils").get_by_label("True").check()
    page.get_by_label("Your answer").fill("regulation")
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r".*/attempts/1$"))
    finish_in_browser(page)  # the last step: the evaluation and attestation
    assert "Congratulations" in page.get_by_role("status").first.inner_text()

    page.goto("/courses/example-course")
    assert_accessible(page, "the course home with a certificate")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Transcript").click()
    page.wait_for_url("**/transcript")
    assert_accessible(page, "the transcript")
    shot(page, "transcript")

    page.get_by_role("link", name=re.compile("Verification page")).click()
    page.get_by_role("heading", level=1, name=re.compile("genuine")).wait_for()
    assert_accessible(page, "the verification page")
    shot(page, "verify")
    page.goto("/verify/NOT-A-CODE")
    assert_accessible(page, "the verification page for an unknown code")
