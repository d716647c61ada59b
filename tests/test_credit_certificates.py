"""Each credit profile's certificate, rendered in both designs: what the profile requires is printed,
with the signature and logo; the demo provider's certificate says it is a demo; older certificates
print as they always did."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from courseware import progress
from courseware.certificates import services as certificate_services
from courseware.courses import catalog
from courseware.courses.checks import credit_checks
from courseware.courses.model import Provider
from courseware.credit import all_profiles, find_provider
from courseware.credit import services as providers
from courseware.credit.images import check_image
from courseware.demo import DEMO_PROVIDER, demo_provider
from courseware.extensions import db
from courseware.models import Certificate, CreditProvider
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.test_credit_profiles import SHIPPED
from tests.test_provider_images import GOOD_SVG, png

MODULES = Path(__file__).resolve().parent.parent / "modules"
NUMBERS = {
    "contact-hours": "NTLC-0001", "clock-hours": "NTLC-0002", "iacet-ceu": "IACET-7712", "ma-pdp": "MA-3320",
    "tx-cpe": "902117", "wa-clock-hours": "WA-5521", "ny-ctle": "SP-4410", "il-pd-hours": "IL-8830",
    "pa-act48": "PA-1197",
}  # fmt: skip
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def northfield() -> CreditProvider:
    provider = providers.create_provider(
        "northfield",
        providers.ProviderDetailsForm(
            name="Northfield Teacher Learning Center",
            contact="training@northfield.test",
            signatory_name="Dana Whitfield",
            signatory_title="Director of Professional Learning",
            numbers=NUMBERS,
        ),
    )
    providers.store_asset(provider, "signature", check_image(png(300, 80)))
    providers.store_asset(provider, "logo", check_image(GOOD_SVG.encode()))
    return provider


def issue(user, course) -> Certificate:
    """The certificate settle would issue when ``user`` completes ``course`` now."""
    enrolment = factories.enrolment(user, course, pages=None)
    enrolment.completed_at = utcnow()
    certificate = progress.issue_certificate(user, course, enrolment, enrolment.completed_at)
    assert certificate is not None, enrolment.certificate_held_at
    db.session.commit()
    return certificate


@needs_poppler
@pytest.mark.parametrize("design", ["classic", "district"])
@pytest.mark.parametrize("key", SHIPPED)
def test_each_profile_prints_what_it_requires(app, make_user, tmp_path, key, design):
    profile = all_profiles()[key]
    northfield()
    example = catalog().get("example-course")
    credit = replace(example.credit, hours=12, profiles=(key,))
    course = replace(example, credit=credit, provider=Provider(key="northfield"), certificate_design=design)
    learner = make_user(name="Robin Vance")
    certificate = issue(learner, course)
    data = certificate_services.store_pdf(certificate)
    text = pdf_text(data, tmp_path)

    amount = f"{profile.amount(12):g} {profile.unit_for(profile.amount(12))}"
    expected = ["Robin Vance", "Example course", amount, profile.credit, "Northfield Teacher Learning Center"]
    expected += ["Date completed", "Date issued", certificate.completed_at.strftime("%-d %B %Y")]
    if "number" in profile.requires:
        expected.append(NUMBERS[key])
    if "contact" in profile.requires:
        expected.append("training@northfield.test")
    if "signatory" in profile.requires or profile.signature:
        expected += ["Dana Whitfield", "Director of Professional Learning"]
    for words in expected:  # labels may be printed in capitals
        assert words.lower() in text.lower(), (key, design, words)
    statement = certificate.statement.format(learner="Robin Vance", issued_on="")
    assert " ".join(statement.split()[:6]) in text
    assert certificate.code in text.replace(" ", "").replace("-", "")  # the code may wrap at a hyphen

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    assert list(reader.pages[0].images), "the signature (a PNG) is printed"
    # Page 1 as a picture for a person to look at: set CERTIFICATE_PNG_DIR to keep them.
    pictures = Path(os.environ.get("CERTIFICATE_PNG_DIR") or tmp_path)
    pictures.mkdir(parents=True, exist_ok=True)
    picture = pictures / f"{key}-{design}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(tmp_path / "certificate.pdf"), str(picture)], check=True
    )
    assert picture.with_suffix(".png").stat().st_size > 10_000


def test_the_demo_seed_sets_up_a_fictional_provider_the_reference_course_names(make_app):
    app = make_app(COURSES_DIR=MODULES, ENV_NAME="development")  # the demo runs in development only
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        assert "Lakeside Learning Collaborative (demo provider, fictional)" in result.output
        provider = find_provider(DEMO_PROVIDER)
        assert provider.name == "Lakeside Learning Collaborative (demo provider, fictional)"
        assert provider.contact.endswith(".invalid") and "(fictional)" in provider.signatory_name
        assert provider.numbers["tx-cpe"] == "DEMO-TX-CPE-0000" and all(
            n.startswith("DEMO-") for n in provider.numbers.values()
        )
        assert provider.signature_asset_id and provider.logo_asset_id
        course = catalog().get("compassionate-schools")
        assert course.provider.key == DEMO_PROVIDER and course.credit.learner_chooses
        assert course.credit.profiles[:2] == ("contact-hours", "iacet-ceu") and "tx-cpe" in course.credit.profiles
        assert course.credit_problems == [] and credit_checks(course) == []
        assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
        assert demo_provider().id == provider.id  # made once


@needs_poppler
def test_the_demo_certificate_shows_the_demo_provider(make_app, make_user, tmp_path):
    app = make_app(COURSES_DIR=MODULES)
    with app.app_context():
        demo_provider()
        course = catalog().get("compassionate-schools")
        certificate = issue(make_user(name="Jordan Rivera"), course)
        assert certificate.credit_profile == "contact-hours" and certificate.credit_amount == 12
        text = pdf_text(certificate_services.store_pdf(certificate), tmp_path)
    assert "Lakeside Learning Collaborative (demo provider, fictional)" in text
    assert "Morgan Ellis (fictional)" in text and "12 contact hours" in text
    assert "Building a Compassionate, Trauma-Informed School" in text


@needs_poppler
def test_a_certificate_issued_before_profiles_prints_as_it_did(app, make_user, tmp_path):
    learner = make_user(name="Jordan Rivera")
    certificate = factories.certificate(learner, pdf=None, provider_name="Old Provider", approval_number="OLD-1")
    assert certificate.credit_profile is None
    text = pdf_text(certificate_services.store_pdf(certificate), tmp_path)
    assert "1 contact hours · 0.1 CEU" in text and "Old Provider · approval no. OLD-1" in text
    assert "Date completed" not in text
    info = app.test_client().get(f"/verify/{certificate.code}.json").json
    assert info["profile"] is None and info["provider"]["approval_number"] == "OLD-1"


@pytest.mark.parametrize("design", ["classic", "district"])
def test_a_unit_prints_as_written_in_the_singular_and_the_plural(app, make_user, tmp_path, design):
    northfield()
    example = catalog().get("example-course")
    for key, hours, unit, wrong in (
        ("ma-pdp", 12, "12 PDPs", "PDPS"),
        ("contact-hours", 1, "1 contact hour", "1 contact hours"),
    ):
        credit = replace(example.credit, hours=hours, profiles=(key,))
        course = replace(example, credit=credit, provider=Provider(key="northfield"), certificate_design=design)
        certificate = issue(make_user(email=f"robin-{key}-{design}@example.org"), course)
        text = pdf_text(certificate_services.store_pdf(certificate), tmp_path)
        assert unit in text and wrong not in text, (design, key)  # the unit's case is kept, and its number
