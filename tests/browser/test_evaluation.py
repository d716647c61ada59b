"""Finishing a course with the evaluation and attestation, in a real browser."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from courseware.courses.evaluation import DEFAULT_ATTESTATION, DEFAULT_ITEMS
from courseware.extensions import db
from courseware.models import Enrolment, User
from tests.browser.test_leader import district, sign_in  # noqa: F401 (the fixture is used by name)
from tests.browser.test_learner_journey import assert_accessible, shot, sign_up
from tests.helpers import factories
from tests.test_evaluations import ready

pytestmark = pytest.mark.browser

COURSE = "/courses/example-course"
COMMENT_LABEL = "What would make this course better"


def finish_in_browser(page, rating: str = "Agree") -> None:
    """From the course home, where the learner is ready to finish: rate every statement, attest, submit."""
    page.goto(COURSE)
    page.get_by_role("link", name="Finish the course").click()
    page.wait_for_url(f"{COURSE}/finish")
    for item in DEFAULT_ITEMS:
        page.get_by_role("group", name=re.compile(re.escape(item.text))).get_by_label(rating, exact=True).check()
    page.get_by_label(DEFAULT_ATTESTATION).check()
    page.get_by_role("button", name="Finish the course").click()
    page.wait_for_url(COURSE)


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_a_learner_finishes_the_course_with_the_evaluation(page, live_server):
    sign_up(page, "Rosa Diaz", "rosa@example.org")
    with live_server.app.app_context():
        factories.enrolment(user("rosa@example.org"), pages=["welcome/getting-started"])
    page.goto(f"{COURSE}/finish")
    page.get_by_role("heading", level=1, name="Finish the course").wait_for()
    assert "Practice: 3 pages to read" in page.locator("#missing").inner_text()
    assert_accessible(page, "the finish page before the learner is ready")
    shot(page, "finish-not-ready")

    with live_server.app.app_context():
        db.session.execute(delete(Enrolment))
        db.session.commit()
        ready(user("rosa@example.org"))
    page.goto(COURSE)
    assert_accessible(page, "the course home with the call to finish")
    page.get_by_role("link", name="Finish the course").click()
    page.wait_for_url(f"{COURSE}/finish")
    assert_accessible(page, "the finish form")
    shot(page, "finish-form")

    objectives = page.get_by_role("group", name=re.compile("met its stated learning objectives"))
    objectives.get_by_label("Strongly agree").check()
    page.get_by_label(COMMENT_LABEL).fill("x" * 2001)
    page.get_by_role("button", name="Finish the course").click()
    page.get_by_role("alert").wait_for()
    assert "Please fix 7 things below" in page.get_by_role("alert").inner_text()
    assert objectives.get_by_label("Strongly agree").is_checked()
    assert_accessible(page, "the finish form with errors")
    shot(page, "finish-errors")

    page.get_by_label(COMMENT_LABEL).fill("More examples from small schools.")
    finish_in_browser(page)
    assert "Congratulations" in page.get_by_role("status").first.inner_text()
    page.goto(f"{COURSE}/finish")
    assert DEFAULT_ATTESTATION in page.get_by_role("main").inner_text()
    assert_accessible(page, "the finish page once finished")
