"""axe-core on the reference course's "Safety, law and your role" page, with its district box filled in by the
learner's district or not, and on the leaders' page "Our district's procedures", at both widths."""

from __future__ import annotations

import pytest

from courseware.cohorts import district_procedures
from courseware.courses import catalog
from courseware.extensions import db
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import PHONE, assert_accessible, shot
from tests.helpers import factories
from tests.helpers.live_server import LiveServer
from tests.test_reference_course import MODULES, SLUG, TRACKS

pytestmark = pytest.mark.browser
SAFETY_PAGE = f"/courses/{SLUG}/understanding-trauma/safety-law-role"


@pytest.fixture
def live_server(make_app):
    """The app serving the reference course in modules/, to a district that has filled in some of its blanks."""
    server = LiveServer(make_app(COURSES_DIR=MODULES))
    server.start()
    LiveServer.serving = server
    with server.app.app_context():
        district = factories.organisation("Riverside District")
        cohort = factories.cohort(district, "All staff")
        robin = factories.user(email="robin@district.org")
        nia = factories.user(email="nia@elsewhere.org")
        lee = factories.user(name="Lee Leader", email="lee@district.org")
        factories.leader(lee, organisation=district)
        factories.member(cohort, robin)
        factories.assignment(cohort, SLUG)
        for person in (robin, nia):
            enrolment = factories.enrolment(person, SLUG)
            enrolment.track = TRACKS[0]
        db.session.commit()
        answers = {
            "cps-hotline": "Riverside County child abuse line: 555-0100 (answered day and night)",
            "crisis-team": "Counseling office, room 112, extension 2140.\nThe front office calls the crisis team.",
            "restraint-seclusion-policy": "https://district.example/policies/restraint",
        }
        assert not district_procedures.save_answers(district, catalog().get(SLUG), answers, lee).problems
        server.district_id = district.id
    yield server
    LiveServer.serving = None
    server.stop()


def check_both_widths(page, what: str, name: str) -> None:
    assert_accessible(page, what)
    shot(page, name)
    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, f"{what} on a phone")
    shot(page, f"{name}-phone")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px wide in a {inner_width}px window"


def test_the_safety_page_shows_the_districts_answers_and_passes_axe(page):
    sign_in(page, "robin@district.org")
    page.goto(SAFETY_PAGE)
    box = page.get_by_role("region", name="Your district's procedures: Who to contact in our district")
    box.get_by_role("heading", name="Who to contact in our district").wait_for()
    assert box.locator(".district__answer").count() == 3 and box.locator(".district__blank").count() == 2
    assert box.get_by_role("link", name="https://district.example/policies/restraint").count() == 1
    check_both_widths(page, "the safety page", "safety-page")


def test_without_a_district_the_box_shows_neutral_lines_and_passes_axe(page):
    sign_in(page, "nia@elsewhere.org")
    page.goto(SAFETY_PAGE)
    box = page.get_by_role("region", name="Your district's procedures: Who to contact in our district")
    assert box.locator(".district__blank").count() == 5 and "[DISTRICT" not in box.inner_text()
    check_both_widths(page, "the safety page without a district", "safety-page-no-district")


def test_the_leaders_page_fills_in_a_blank_and_passes_axe(page, live_server):
    sign_in(page, "lee@district.org")
    page.goto(f"/districts/{live_server.district_id}/courses/{SLUG}/procedures")
    page.get_by_role("heading", name="Our district's procedures").wait_for()
    assert_accessible(page, "the district's procedures")
    page.get_by_label("District homeless liaison").fill("x" * 501)
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("alert").wait_for()
    check_both_widths(page, "the district's procedures with a mistake", "district-procedures-error")
    page.get_by_label("District homeless liaison").fill("Dana Reyes, district homeless liaison, 555-0142")
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_text("Saved: 1 answer changed.").wait_for()
    assert "1 still to fill in" in page.inner_text("main")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_both_widths(page, "the district's procedures", "district-procedures")
