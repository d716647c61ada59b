"""The provider pages, the notice of certificates held back, a learner's choice of credit and a
verification page with a credit profile, in a real browser with axe-core checks."""

from __future__ import annotations

import re
import shutil

import pytest

from courseware.accounts import services as accounts
from courseware.cohorts import services as cohorts
from courseware.credit import services as providers
from courseware.extensions import db
from courseware.models import Role
from courseware.models.base import utcnow
from tests.browser.conftest import LiveServer
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import PASSWORD, assert_accessible, shot
from tests.conftest import EXAMPLE_COURSES
from tests.helpers import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(make_app, tmp_path):
    """The app, with the example course naming the provider "northfield" and letting learners choose."""
    courses = tmp_path / "courses"
    shutil.copytree(EXAMPLE_COURSES, courses)
    yml = courses / "example-course" / "course.yml"
    text = re.sub(r"provider:\n(  .*\n)+", "provider: northfield\n", yml.read_text())
    yml.write_text(
        text.replace(
            "  type: contact hours\n",
            "  type: contact hours\n  profiles: [contact-hours, tx-cpe]\n  learner_chooses: true\n",
        )
    )
    server = LiveServer(make_app(COURSES_DIR=courses))
    server.start()
    yield server
    server.stop()


def test_provider_pages_and_held_certificates_pass_axe(page, live_server):
    with live_server.app.app_context():
        accounts.register("Adi Admin", "adi@district.org", PASSWORD, role=Role.ADMIN)
        learner = accounts.register("Ana Alvarez", "ana@district.org", PASSWORD)
        other = factories.user(name="Ben Brooks")
        provider = providers.create_provider(
            "northfield",
            providers.ProviderDetailsForm(
                name="Northfield Teacher Learning Center", contact="training@northfield.test"
            ),
        )
        provider_id = provider.id
        cohorts.create_organisation("Riverside District")
        waiting = factories.enrolment(learner, pages=None)
        waiting.credit_profile = "tx-cpe"  # the provider has no Texas CPE number yet: held back
        waiting.completed_at = waiting.certificate_held_at = utcnow()
        db.session.commit()
        issued = factories.completed(other)  # contact hours: complete
        assert issued is not None

    sign_in(page, "adi@district.org")
    page.goto("/admin/providers")
    assert "Example course: 1 learner waiting." in page.locator(".waiting-list").inner_text()
    assert_accessible(page, "the providers page, with certificates held back")
    page.goto("/admin/providers/new")
    page.get_by_role("button", name="Set up the provider").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, "the new provider form with errors")
    page.goto(f"/admin/providers/{provider_id}")
    page.locator("#signature-file").set_input_files(
        files=[{"name": "signature.svg", "mimeType": "image/svg+xml", "buffer": b"<svg><script>x()</script></svg>"}]
    )
    page.get_by_role("button", name="Upload the signature").click()
    page.get_by_role("alert").wait_for()
    assert "not an SVG image" in page.locator("#signature-file-error").inner_text()
    assert_accessible(page, "the provider page with an upload error")
    shot(page, "admin-provider")
    page.goto("/admin/organisations")
    assert_accessible(page, "the organisations page with credit profiles")

    page.context.clear_cookies()
    sign_in(page, "ana@district.org")
    page.goto("/courses/example-course")
    assert (
        "certificate will be issued once the provider's details are complete" in page.get_by_role("main").inner_text()
    )
    assert "Texas CPE hours" in page.get_by_label("Issue my certificate as").inner_text()
    assert_accessible(page, "the course page with a choice of credit")
    page.goto(f"/verify/{issued.code}")
    assert "1 contact hour" in page.get_by_role("main").inner_text()
    assert_accessible(page, "a verification page with a credit profile")
    shot(page, "verify-profile")
