"""Finishing a course with the evaluation and attestation, and reading the results, in a real browser."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from courseware.cohorts import services
from courseware.courses.evaluation import DEFAULT_ATTESTATION, DEFAULT_ITEMS
from courseware.extensions import db
from courseware.models import Cohort, Enrolment, User
from courseware.models.base import utcnow
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


def test_leaders_and_admins_read_the_results(page, district, live_server):  # noqa: F811
    cohort_id = district
    with live_server.app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        services.assign(cohort, "example-course", utcnow().date(), None)
        factories.evaluation_response(ratings=5, cohorts=[cohort], comments={"improve": "Shorter pages, please."})
        factories.evaluation_response(ratings=4, cohorts=[cohort])

    sign_in(page, "lee@district.org")
    page.goto(f"/cohorts/{cohort_id}")
    page.get_by_role("link", name=re.compile("^Course evaluations")).click()
    page.wait_for_url(f"/cohorts/{cohort_id}/evaluations")
    assert_accessible(page, "a cohort's course evaluations")
    page.goto(f"/cohorts/{cohort_id}/evaluations/example-course")
    assert "at least 3 people here" in page.get_by_role("main").inner_text()
    assert_accessible(page, "a cohort's evaluation results, below the threshold")

    with live_server.app.app_context():
        factories.evaluation_response(ratings=2, cohorts=[db.session.get(Cohort, cohort_id)], version="0.9")
    page.goto(f"/cohorts/{cohort_id}/evaluations")
    page.get_by_role("link", name=re.compile("See the results")).click()
    page.wait_for_url(f"/cohorts/{cohort_id}/evaluations/example-course")
    assert page.get_by_role("table", name="Ratings of each statement").get_by_role("row").count() == 7
    assert "Shorter pages, please." in page.get_by_role("main").inner_text()
    assert_accessible(page, "a cohort's evaluation results")
    shot(page, "evaluation-results")

    page.get_by_role("link", name="My cohorts", exact=True).first.click()
    page.get_by_role("link", name="Course evaluations in Riverside District").click()
    page.wait_for_url(re.compile(r".*/organisations/\d+/evaluations$"))
    assert_accessible(page, "an organisation's course evaluations")
    page.get_by_role("link", name=re.compile("See the results")).click()
    assert "Members of the cohorts of Riverside District" in page.get_by_role("main").inner_text()
    assert_accessible(page, "an organisation's evaluation results")

    page.context.clear_cookies()
    sign_in(page, "adi@district.org")
    page.goto("/admin/courses")
    page.get_by_role("link", name=re.compile("Results of the evaluation of Example course")).click()
    page.wait_for_url("/admin/evaluations/example-course")
    assert "3 responses" in page.get_by_role("main").inner_text()
    page.get_by_label("Course version").select_option("0.9")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("/admin/evaluations/example-course?version=0.9")
    assert "version 0.9 · 1 response" in page.get_by_role("main").inner_text()
    assert_accessible(page, "the admin evaluation results for one version")
