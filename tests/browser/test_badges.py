"""Checking an Open Badges credential on /verify, in a real browser, at desktop and phone widths."""

from __future__ import annotations

import json

import pytest

from courseware.badges import keys
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import assert_accessible, shot
from tests.helpers import factories
from tests.helpers.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(make_app, tmp_path):
    """The app, with an issuer key, served over HTTP."""
    path = tmp_path / "issuer.key"
    keys.generate_key_file(path)
    server = LiveServer(make_app(BADGES_KEY_FILE=str(path)))
    server.start()
    LiveServer.serving = server
    yield server
    LiveServer.serving = None
    server.stop()


def test_a_pasted_credential_is_checked(page, live_server):
    with live_server.app.app_context():
        certificate = factories.certificate(factories.user(name="Noor Haddad", email="noor@example.org"))
        code = certificate.code
    sign_in(page, "noor@example.org")  # a credential is its learner's to download and hand on
    credential = page.request.get(f"/badges/credentials/{code}.json").json()
    page.context.clear_cookies()  # whoever checks it need not be signed in

    page.goto(f"/verify/{code}")
    page.get_by_role("link", name="check a credential").click()
    page.get_by_role("heading", level=1, name="Check a credential").wait_for()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"the credential check at {width} px")

    page.get_by_label("Paste a credential").fill(json.dumps(credential, indent=2))
    page.get_by_role("button", name="Check the credential").click()
    page.get_by_role("heading", level=2, name="Genuine").wait_for()
    assert "Noor Haddad" in page.locator(".verify-facts").inner_text()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"a genuine credential at {width} px")
    shot(page, "badge-check-genuine")

    credential["credentialSubject"]["creditsEarned"] = 40
    page.get_by_label("Paste a credential").fill(json.dumps(credential))
    page.get_by_role("button", name="Check the credential").click()
    page.get_by_role("heading", level=2, name="Not genuine").wait_for()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page, "a tampered credential")
    shot(page, "badge-check-tampered")
