"""The LTI tool through Chromium: an admin registers a platform, and a learner launches a course from
the platform's page, where the tool shows in a frame and opens the course in a window of its own;
axe on the registration page, the launch's hand-over page and its confirmation page at desktop and
phone widths."""

from __future__ import annotations

import pytest
import requests

from courseware.cohorts import services as cohort_services
from courseware.lti import protocol, registrations
from tests.browser.test_learner_journey import PASSWORD, PHONE, assert_accessible, shot
from tests.helpers import factories
from tests.helpers.lti_platform import CLIENT_ID, DEPLOYMENT_ID, Person, RunningPlatform

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


@pytest.fixture
def platform(live_server, tmp_path):
    key = tmp_path / "lti-tool.pem"
    protocol.generate_key(key)
    live_server.app.config["LTI_KEY_FILE"] = str(key)
    protocol.forget_key_sets()
    try:
        with RunningPlatform() as running:
            running.tool_key_set = requests.get(live_server.url("/lti/jwks"), timeout=10).json()
            yield running
    except OSError as error:  # conftest.py turns this skip into a failure in CI
        pytest.skip(f"the local LTI platform (lti1p3platform) could not start: {error}")


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_admin_registers_a_platform(page, live_server, platform, width):
    page.set_viewport_size(WIDTHS[width])
    with live_server.app.app_context():
        factories.user(name="Ada Admin", email="ada@example.org", password=PASSWORD, role="admin")
        factories.organisation("Riverside District")
    sign_in(page, "ada@example.org")
    page.goto("/admin/lti")
    assert "Login initiation URL" in page.locator("main").inner_text()
    assert_accessible(page, f"the LTI platforms page ({width})")
    page.get_by_role("link", name="Register a platform").first.click()
    page.get_by_role("button", name="Register the platform").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, f"the registration form with mistakes ({width})")
    shot(page, f"lti-registration-mistakes-{width}")
    page.get_by_label("Name").fill("Riverside Canvas")
    page.get_by_label("Issuer").fill(platform.issuer)
    page.get_by_label("Client id").fill(CLIENT_ID)
    page.get_by_label("Deployment ids").fill(DEPLOYMENT_ID)
    page.get_by_label("Key set URL").fill(platform.url("/jwks"))
    page.get_by_label("Authentication request URL").fill(platform.url("/auth-form"))
    page.get_by_label("Access token URL").fill(platform.url("/token"))
    page.get_by_label("Organisation").select_option(label="Riverside District")
    page.get_by_role("button", name="Register the platform").click()
    page.wait_for_url("**/admin/lti")
    assert "Riverside Canvas is registered" in page.get_by_role("status").inner_text()
    assert_accessible(page, f"the LTI platforms page with a platform ({width})")
    shot(page, f"lti-platforms-{width}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_launch_from_the_platform_opens_the_course_in_a_new_window(page, context, live_server, platform, width):
    page.set_viewport_size(WIDTHS[width])
    with live_server.app.app_context():
        district = factories.organisation("Riverside District")
        cohort_services.set_sign_in(district, ["riverside.org"], True, False, None)
        registrations.save(
            None,
            registrations.Details(
                name="Riverside Canvas",
                issuer=platform.issuer,
                client_id=CLIENT_ID,
                deployment_ids=[DEPLOYMENT_ID],
                key_set_url=platform.url("/jwks"),
                auth_login_url=platform.url("/auth-form"),
                access_token_url=platform.url("/token"),
                organisation_id=district.id,
            ),
        )
    person = Person(sub=f"sub-{width}", email=f"ana-{width}@riverside.org", name="Ana Alvarez")
    platform.next_launch.update(custom={"course": "example-course"})
    start = platform.login_initiation(live_server.url("/lti/login"), live_server.url("/lti/launch"), person)

    # In the platform's frame: the hand-over page, with its one button.
    page.goto(platform.url("/course-page?start=") + requests.utils.quote(start, safe=""))
    frame = page.frame_locator("iframe")
    button = frame.get_by_role("link", name="Open the course")
    button.wait_for()
    with context.expect_page() as opened:
        button.click()
    course = opened.value
    # The new window says whose account it opens, and waits for the person to confirm.
    confirm = course.get_by_role("button", name="Continue as Ana Alvarez")
    confirm.wait_for()
    assert_accessible(course, f"the hand-over's confirmation page ({width})")
    shot(course, f"lti-open-{width}")
    confirm.click()
    course.wait_for_url("**/courses/example-course")
    assert "Ana Alvarez" in course.content() or course.get_by_role("button", name="Sign out").count() == 1

    # The same page on its own, for axe and a look.
    platform.next_launch.update(custom={"course": "example-course"})
    page.goto(platform.login_initiation(live_server.url("/lti/login"), live_server.url("/lti/launch"), person))
    page.get_by_role("link", name="Open the course").wait_for()
    assert_accessible(page, f"the launch's hand-over page ({width})")
    shot(page, f"lti-launch-{width}")
