"""Signing in with a local SAML 2.0 identity provider through Chromium: the identity provider's pages
are on another site (localhost, the app on 127.0.0.1), so its answer reaches the app as a cross-site
POST without the session cookie, and the sign-in still finishes in the browser that started it."""

from __future__ import annotations

import pytest
import requests

from courseware.cohorts import services as cohort_services
from courseware.extensions import db
from tests.browser.test_learner_journey import PASSWORD, PHONE, assert_accessible, shot
from tests.helpers import factories
from tests.helpers.saml_idp import identity_provider, serving

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


@pytest.fixture
def idp(live_server):
    try:
        with identity_provider() as made, serving(made) as base_url:
            made.sso_url = f"{base_url}/sso"
            app = live_server.app
            app.config["SAML_PROVIDERS"] = {"riverside": made.settings()}
            app.config["SAML_SP_KEY_FILE"] = str(made.sp_key_file)
            app.config["SAML_SP_CERT_FILE"] = str(made.sp_cert_file)
            made.trust(requests.get(live_server.url("/sign-in/saml/riverside/metadata"), timeout=10).text)
            yield made
    except RuntimeError as error:  # conftest.py turns this skip into a failure in CI
        pytest.skip(f"the local SAML identity provider could not start: {error}")


def sign_in_at_the_identity_provider(page, idp, subject: str) -> None:
    page.wait_for_url(f"{idp.sso_url}?*")
    page.get_by_label("Who signs in").fill(subject)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Continue to Courseware").click()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_signing_in_with_a_saml_identity_provider(page, live_server, idp, width):
    page.set_viewport_size(WIDTHS[width])
    with live_server.app.app_context():
        factories.user(name="Ana Alvarez", email="ana@riverside.org", password=PASSWORD)
        district = factories.organisation("Riverside District")
        cohort_services.set_sign_in(district, ["newstaff.org"], True, False, None)
        db.session.commit()
    idp.set_person("ana", "ana@riverside.org", "Ana Alvarez")
    idp.set_person("cai", "cai@newstaff.org", "Cai Chen")

    page.goto("/sign-in?next=/account")
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    sign_in_at_the_identity_provider(page, idp, "ana")
    page.wait_for_url("**/sign-in/link")
    page.get_by_role("heading", level=1, name="Link your Riverside ID account").wait_for()
    assert_accessible(page, f"the linking page after SAML ({width})")
    page.get_by_label("Courseware password").fill(PASSWORD)
    page.get_by_role("button", name="Link and sign in").click()
    page.wait_for_url(live_server.url("/account"))
    assert "Your Riverside ID account is linked" in page.get_by_role("status").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    sign_in_at_the_identity_provider(page, idp, "ana")
    page.wait_for_url(live_server.url("/"))
    assert "Signed in with Riverside ID" in page.get_by_role("status").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Riverside ID").click()
    sign_in_at_the_identity_provider(page, idp, "cai")
    page.wait_for_url(live_server.url("/"))
    assert "Welcome, Cai Chen!" in page.get_by_role("status").inner_text()

    # The same answer posted again (a replay) is refused with a clear page.
    page.goto(idp.sso_url + "/again")
    page.get_by_role("button", name="Continue to Courseware").click()
    page.get_by_role("heading", level=1, name="The sign-in could not be trusted").wait_for()
    assert "used already" in page.locator("main").inner_text()
    assert_accessible(page, f"a refused SAML answer ({width})")
    shot(page, f"saml-refused-{width}")
