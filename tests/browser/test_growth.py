"""Growth in a real browser: the pre-check, the growth check, the learner's "Your growth" panel and the
leader's before and after, with axe-core checks at desktop and phone widths."""

from __future__ import annotations

import pytest

from courseware.accounts import services as accounts
from courseware.cohorts import services
from courseware.courses import catalog
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import PASSWORD, PHONE, assert_accessible, shot
from tests.helpers import factories
from tests.helpers.live_server import LiveServer
from tests.test_growth import COURSES, SLUG

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def live_server(make_app):
    """The app serving the growth course (tests/fixtures/growth-courses)."""
    server = LiveServer(make_app(COURSES_DIR=COURSES))
    server.start()
    LiveServer.serving = server
    yield server
    LiveServer.serving = None
    server.stop()


@pytest.fixture
def cohort(live_server):
    with live_server.app.app_context():
        district = services.create_organisation("Riverside District")
        cohort = services.create_cohort(district, "All staff 2026-27")
        leader = accounts.register("Lee Leader", "lee@district.org", PASSWORD)
        services.grant_leader(leader, cohort=cohort)
        learner = accounts.register("Robin Reyes", "robin@district.org", PASSWORD)
        services.join(cohort, learner)
        assignment = factories.assignment(cohort, SLUG)
        return cohort.id, assignment.id


def answer(page, quiz_id: str, wrong: int = 0) -> None:
    """Answer every question of the quiz on the page: rightly, except the first ``wrong`` ones."""
    with LiveServer.serving.app.app_context():
        quiz = catalog().get(SLUG).find_block("quiz", quiz_id)[1].quiz
    for number, question in enumerate(quiz.questions):
        choice = next(c for c in question.choices if c.correct == (number >= wrong))
        page.locator(f"#quiz-{quiz_id} input[name='q-{question.id}'][value='{choice.id}']").check()
    page.locator(f"#quiz-{quiz_id}").get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state("load")


def test_a_learner_sees_their_growth_and_their_leader_the_cohorts(page, cohort):
    cohort_id, assignment_id = cohort
    sign_in(page, "robin@district.org")
    page.goto(f"/courses/{SLUG}/end/growth-check")
    assert "Take the pre-check first" in page.locator("#quiz-growth-check").inner_text()
    assert_accessible(page, "a growth check waiting for the pre-check")

    page.goto(f"/courses/{SLUG}/start/welcome")
    answer(page, "pre-check", wrong=3)
    assert page.get_by_role("heading", level=1).inner_text() == "Pre-check done"
    assert_accessible(page, "the pre-check's result")
    shot(page, "growth-pre-check-result")

    page.goto(f"/courses/{SLUG}/end/growth-check")
    answer(page, "growth-check")
    assert page.get_by_role("heading", level=1).inner_text() == "You passed"
    panel = page.locator(".growth")
    assert "Your growth" in panel.inner_text()
    assert_accessible(page, "the growth check's result with the growth panel")

    page.goto(f"/courses/{SLUG}")
    rows = page.locator(".growth__skills tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t") == ["Noticing stress", "0% (0 of 2)", "100% (2 of 2)", "+100 points"]
    assert rows.nth(1).inner_text().split("\t") == ["Responding calmly", "50% (1 of 2)", "100% (2 of 2)", "+50 points"]
    assert_accessible(page, "the course page with the growth panel")
    shot(page, "growth-course-home")
    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, "the course page with the growth panel on a phone")
    shot(page, "growth-course-home-phone")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    page.set_viewport_size(DESKTOP)

    page.context.clear_cookies()
    sign_in(page, "lee@district.org")
    page.goto(f"/cohorts/{cohort_id}/assignments/{assignment_id}")
    summary = page.locator("[aria-labelledby=growth-title]").inner_text().lower()
    assert "took both\n1 of 1" in summary and "average before\n25%" in summary
    assert page.locator(".member-table__before").inner_text() == "25%"
    assert page.locator(".member-table__after").inner_text() == "100%"
    assert_accessible(page, "the dashboard with growth")
    shot(page, "growth-dashboard")
    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, "the dashboard with growth on a phone")
    shot(page, "growth-dashboard-phone")
