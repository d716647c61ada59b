"""Signing in with a local OpenID Connect provider through Chromium: the sign-in choices, the provider's
form, linking an existing account, and axe on the pages of single sign-on at desktop and phone widths."""

from __future__ import annotations

import pytest

from courseware.cohorts import services as cohort_services
from courseware.extensions import db
from tests.browser.test_learner_journey import PASSWORD, PHONE, assert_accessible, shot
from tests.helpers import factories
from tests.helpers.oidc_provider import running_provider

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


@pytest.fixture
def provider(live_server):
    try:
        with running_provider() as running:
            live_server.app.config["OIDC_PROVIDERS"] = {"riverside": running.settings(label="Riverside ID")}
            yield running
    except (OSError, RuntimeError) as error:  # conftest.py turns this skip into a failure in CI
        pytest.skip(f"the local OpenID Connect provider could not start: {error}")


def choose_person(page, provider, subject: str) -> None:
    """On the provider's own form (another origin), sign in as ``subject``."""
    page.wait_for_url(f"{provider.base_url}/oauth2/authorize*")
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_signing_in_with_the_provider_and_linking_an_account(page, live_server, provider, width):
    page.set_viewport_size(WIDTHS[width])
    with live_server.app.app_context():
        factories.user(name="Ana Alvarez", email="ana@riverside.org", password=PASSWORD)
        invited = factories.user(name="Bea Brown", email="bea@riverside.org")
        invited.password_hash = "!"
        district = factories.organisation("Riverside District")
        cohort_services.set_sign_in(district, ["newstaff.org"], True, False, None)
        db.session.commit()
    provider.set_person("ana", email="ana@riverside.org", email_verified=True, name="Ana Alvarez")
    provider.set_person("bea", email="bea@riverside.org", email_verified=True, name="Bea Brown")
    provider.set_person("cai", email="cai@newstaff.org", email_verified=True, name="Cai Chen")

    page.goto("/sign-in")
    button = page.get_by_role("link", name="Sign in with Riverside ID")
    assert button.is_visible()
    assert_accessible(page, f"the sign-in choices ({width})")
    shot(page, f"sso-sign-in-choices-{width}")

    # An account with a password: linked once its password is given on the linking page.
    button.click()
    choose_person(page, provider, "ana")
    page.wait_for_url("**/sign-in/link")
    page.get_by_role("heading", level=1, name="Link your Riverside ID account").wait_for()
    assert "to your Courseware account ana@riverside.org" in page.locator("main").inner_text()
    assert_accessible(page, f"the linking page ({width})")
    shot(page, f"sso-link-password-{width}")
    page.get_by_label("Courseware password").fill("not the password")
    page.get_by_role("button", name="Link and sign in").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, f"the linking page with a wrong password ({width})")
    shot(page, f"sso-link-wrong-password-{width}")
    page.get_by_label("Courseware password").fill(PASSWORD)
    page.get_by_role("button", name="Link and sign in").click()
    page.wait_for_url(live_server.url("/"))
    assert "Your Riverside ID account is linked" in page.get_by_role("status").inner_text()

    # Signed out, the button alone signs Ana in again.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    choose_person(page, provider, "ana")
    page.wait_for_url(live_server.url("/"))
    assert "Signed in with Riverside ID" in page.get_by_role("status").inner_text()

    # An invited account without a password: the button confirms.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    choose_person(page, provider, "bea")
    page.get_by_role("heading", level=1, name="Link your Riverside ID account").wait_for()
    assert page.get_by_label("Courseware password").count() == 0
    assert_accessible(page, f"the linking page without a password ({width})")
    shot(page, f"sso-link-button-{width}")
    page.get_by_role("button", name="Link and sign in").click()
    page.wait_for_url(live_server.url("/"))

    # A new member of staff of a domain whose accounts are created on first sign-on.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    choose_person(page, provider, "cai")
    page.wait_for_url(live_server.url("/"))
    assert "Welcome, Cai Chen!" in page.get_by_role("status").inner_text()

    # A refusal reads plainly.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    page.wait_for_url(f"{provider.base_url}/oauth2/authorize*")
    page.get_by_role("button", name="Deny").click()
    page.get_by_role("heading", level=1, name="You did not let Riverside ID sign you in").wait_for()
    assert_accessible(page, f"a refused sign-in ({width})")
    shot(page, f"sso-refused-{width}")


def test_an_admin_turns_passwords_off_and_the_domain_is_pointed_to_single_sign_on(page, live_server, provider):
    with live_server.app.app_context():
        factories.user(name="Adi Admin", email="adi@admin.example.net", password=PASSWORD, role="admin")
        district = factories.organisation("Riverside District")
        factories.cohort(district, "New staff")
    page.goto("/sign-in")
    page.get_by_label("Email").fill("adi@admin.example.net")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(live_server.url("/"))
    page.goto("/admin/organisations")
    assert (
        "Sign in with Riverside ID"
        in page.get_by_role("table", name="Single sign-on providers set up on this site").inner_text()
    )
    page.locator("summary", has_text="Sign-in settings").first.click()
    page.get_by_label("Email domains it owns").fill("riverside.org")
    page.get_by_label("Create accounts on first single sign-on").check()
    page.get_by_label("New staff join this cohort").select_option(label="New staff")
    page.get_by_label("Turn passwords off for these domains").check()
    assert_accessible(page, "the organisations page with sign-in settings open")
    shot(page, "sso-admin-settings")
    page.get_by_role("button", name="Save the sign-in settings of Riverside District").click()
    assert "Riverside District: sign-in settings saved." in page.get_by_role("status").inner_text()

    page.get_by_role("button", name="Sign out").click()
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/sign-in")
        page.get_by_label("Email").fill("ana@riverside.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_role("heading", level=1, name="Use your school account").wait_for()
        assert page.get_by_role("link", name="Sign in with Riverside ID").is_visible()
        assert_accessible(page, f"the page pointing to single sign-on ({width})")
        shot(page, f"sso-passwords-off-{width}")
