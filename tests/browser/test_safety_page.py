"""axe-core on the reference course's "Safety, law and your role" page, with its district box, at both widths."""

from __future__ import annotations

import pytest

from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import PHONE, assert_accessible, shot
from tests.helpers import factories
from tests.helpers.live_server import LiveServer
from tests.test_reference_course import MODULES, SLUG

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(make_app):
    """The app serving the reference course in modules/."""
    server = LiveServer(make_app(COURSES_DIR=MODULES))
    server.start()
    LiveServer.serving = server
    with server.app.app_context():
        factories.user(email="robin@district.org")
    yield server
    LiveServer.serving = None
    server.stop()


def test_the_safety_page_and_its_district_box_pass_axe(page):
    sign_in(page, "robin@district.org")
    page.goto(f"/courses/{SLUG}/understanding-trauma/safety-law-role")
    box = page.get_by_role("region", name="Your district's procedures: Who to contact in our district")
    box.get_by_role("heading", name="Who to contact in our district").wait_for()
    assert box.locator("mark").count() == 5
    assert_accessible(page, "the safety page")
    shot(page, "safety-page")
    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, "the safety page on a phone")
    shot(page, "safety-page-phone")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
