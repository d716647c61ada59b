"""Providers set up by an admin, credit profiles offered by a course, and certificates held back until
the provider's details are complete: never a certificate with placeholder details."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select

from courseware import credit, jobs, progress
from courseware.courses import catalog, compile_course
from courseware.courses.checks import credit_checks
from courseware.credit import services as providers
from courseware.extensions import db
from courseware.models import Certificate, CreditProvider, Enrolment, Organisation
from courseware.models.base import utcnow
from courseware.pages import announce
from courseware.progress import Outcome
from tests.helpers import factories
from tests.helpers.html import text_of, texts_of

COURSE = "/courses/example-course"
WAITING = "Your completion is recorded; your certificate will be issued once the provider's details are complete"
NORTHFIELD = providers.ProviderDetailsForm(
    name="Northfield Teacher Learning Center",
    contact="training@northfield.test",
    signatory_name="Dana Whitfield",
    signatory_title="Director of Professional Learning",
    numbers={"tx-cpe": "902117", "ny-ctle": "SP-4410"},
)


def name_provider(folder, key: str = "northfield", profiles: str = "[contact-hours, tx-cpe]", chooses: bool = False):
    """The example course names a provider by key and offers ``profiles``."""
    yml = folder / "course.yml"
    text = re.sub(r"provider:\n(  .*\n)+", f"provider: {key}\n", yml.read_text())
    extra = f"  profiles: {profiles}\n" + ("  learner_chooses: true\n" if chooses else "")
    yml.write_text(text.replace("  type: contact hours\n", "  type: contact hours\n" + extra))


def certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def held() -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(Enrolment.certificate_held_at.is_not(None))))


@pytest.fixture
def admin(make_user):
    return make_user(name="Alex Admin", email="admin@northfield.test", role="admin")


def client_of(app, user, sign_in):
    client = app.test_client()
    sign_in(client, user)
    return client


# --- course.yml ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "found"),
    [
        ("name", '"Your organisation\'s name (set by the provider)"', "Your organisation"),
        ("name", '"Name (set by the provider)"', "(set by the provider)"),
        ("name", "TBD", "TBD"),
        ("contact", "training@example.org", "example"),
        ("approval_number", "XXX-0000", "XXX"),
        ("contact", '"<your email>"', "<your email>"),
    ],
)
def test_placeholder_details_in_course_yml_are_a_credit_problem_and_no_certificate_is_issued(
    editable, make_user, sign_in, setting, value, found
):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(re.sub(rf"  {setting}: .*\n", f"  {setting}: {value}\n", yml.read_text()))
    course = catalog().get("example-course")
    assert not course.is_broken  # learners can still take it and complete it
    line = yml.read_text().splitlines().index(f"  {setting}: {value}") + 1
    assert [str(p) for p in course.credit_problems] == [
        f"example-course/course.yml:{line}: 'provider.{setting}' is a placeholder (“{found}”): "
        "write the provider's real details"
    ]
    learner = make_user()
    assert factories.completed(learner) is None
    assert certificates() == [] and len(held()) == 1
    assert db.session.scalar(select(Enrolment.completed_at)) is not None  # the completion is recorded
    home = client_of(app, learner, sign_in).get(COURSE)
    assert WAITING in text_of(home, ".certificate-box")
    result = app.test_cli_runner().invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 1 and "'provider." in result.output and "1 credit problem found" in result.output


def test_empty_provider_details_are_a_credit_problem(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text(
        "title: Demo\ncredit:\n  hours: 1\nprovider:\n  name: ''\n  approval_number: ''\n"
    )
    (folder / "01-one.md").write_text("---\ntitle: One\nminutes: 60\n---\n## Page\n\nText.\n")
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    assert [str(p) for p in course.credit_problems if "provider" in p.message] == [
        "demo/course.yml:4: 'provider.contact' is empty: no certificate can be issued without it",
        "demo/course.yml:5: 'provider.name' is empty: no certificate can be issued without it",
        "demo/course.yml:6: 'provider.approval_number' is empty: fill it in or leave it out",
    ]


def test_a_course_offering_credit_without_a_provider_is_a_credit_problem(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 1\n")
    (folder / "01-one.md").write_text("---\ntitle: One\nminutes: 60\n---\n## Page\n\nText.\n")
    (problem,) = [p for p in compile_course(folder, tmp_path).credit_problems if "provider" in p.message]
    assert str(problem).startswith("demo/course.yml:2: a course that offers credit names its provider")


def test_an_unknown_profile_is_a_mistake_at_its_line(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    yml = "title: Demo\ncredit:\n  hours: 1\n  profiles:\n    - contact-hours\n    - tx-cpee\nprovider: northfield\n"
    (folder / "course.yml").write_text(yml)
    (folder / "01-one.md").write_text("---\ntitle: One\nminutes: 60\n---\n## Page\n\nText.\n")
    course = compile_course(folder, tmp_path, profiles=["contact-hours", "tx-cpe"])
    assert [str(p) for p in course.problems] == [
        "demo/course.yml:6: unknown credit profile 'tx-cpee' (profiles: contact-hours, tx-cpe)"
    ]
    assert course.credit.profiles == ("contact-hours",) and course.provider.key == "northfield"


def test_without_profiles_a_course_offers_the_one_of_its_credit_type(app):
    course = catalog().get("example-course")
    assert course.credit.profiles == ("contact-hours",) and course.credit.default_profile == "contact-hours"
    assert not course.credit.learner_chooses and course.credit_problems == []


def test_the_check_finds_a_missing_provider_and_missing_details_in_the_app(editable):
    app, folder = editable
    name_provider(folder, profiles="[contact-hours, tx-cpe]")
    line = (folder / "course.yml").read_text().splitlines().index("provider: northfield") + 1

    def check():
        return app.test_cli_runner().invoke(args=["courses", "check", str(folder)])

    result = check()
    assert result.exit_code == 1
    assert f"course.yml:{line}: no provider has the key 'northfield'" in result.output
    providers.create_provider("northfield", replace(NORTHFIELD, numbers={}))
    result = check()
    assert result.exit_code == 1
    assert f"course.yml:{line}: Texas CPE hours: the provider's CPE provider number is missing" in result.output
    assert "Contact hours" not in result.output
    provider = credit.find_provider("northfield")
    providers.update_provider(provider, NORTHFIELD)
    result = check()
    assert result.exit_code == 0, result.output
    assert "example-course: ok" in result.output


# --- issuing ---------------------------------------------------------------------------------------


def test_a_certificate_records_the_provider_and_profile_it_was_issued_with(editable, make_user):
    app, folder = editable
    name_provider(folder, profiles="[tx-cpe, contact-hours]")
    providers.create_provider("northfield", NORTHFIELD)
    learner = make_user(name="Robin Vance")
    certificate = factories.completed(learner)
    assert certificate is not None and held() == []
    assert (certificate.credit_profile, certificate.credit_amount, certificate.credit_unit) == (
        "tx-cpe",
        1,
        "CPE clock-hour",
    )
    assert certificate.credit_name == "Texas Continuing Professional Education (CPE)"
    assert (certificate.provider_name, certificate.approval_number) == ("Northfield Teacher Learning Center", "902117")
    assert (certificate.signatory_name, certificate.signatory_title) == (
        "Dana Whitfield",
        "Director of Professional Learning",
    )
    assert certificate.statement.startswith("{learner} completed “Example course”, 1 CPE clock-hour")
    assert "CPE provider no. 902117" in certificate.statement
    lines = dict(certificate.printed_lines)
    assert lines["CPE provider no."] == "902117" and lines["Date issued"] == "{issued_on}"
    info = app.test_client().get(f"/verify/{certificate.code}.json").json
    assert info["profile"]["key"] == "tx-cpe" and info["profile"]["amount"] == 1
    assert info["profile"]["unit"] == "CPE clock-hour" and info["profile"]["name"].startswith("Texas")
    assert info["profile"]["statement"].startswith("Robin Vance completed “Example course”")
    page = app.test_client().get(f"/verify/{certificate.code}")
    assert "1 CPE clock-hour" in text_of(page, ".verify-facts") and "CPE provider no." in texts_of(page, "dt")


def test_a_provider_changed_later_leaves_issued_certificates_as_they_were(editable, make_user, sign_in):
    app, folder = editable
    name_provider(folder, profiles="[tx-cpe]")
    providers.create_provider("northfield", NORTHFIELD)
    learner = make_user(name="Robin Vance")
    certificate = factories.completed(learner)
    provider = credit.find_provider("northfield")
    providers.update_provider(provider, replace(NORTHFIELD, name="Northfield Learning", numbers={"tx-cpe": "111"}))
    db.session.refresh(certificate)
    assert (certificate.provider_name, certificate.approval_number) == ("Northfield Teacher Learning Center", "902117")
    # A replacement after a name change prints the new name, and everything else as issued.
    learner.name = "Robin Vance-Okoro"
    db.session.commit()
    from courseware.certificates import services as certificate_services

    (new,) = certificate_services.replace_for_new_name(learner)
    db.session.commit()
    info = app.test_client().get(f"/verify/{new.code}.json").json
    assert info["profile"]["statement"].startswith("Robin Vance-Okoro completed")
    assert "902117" in info["profile"]["statement"] and info["provider"]["name"] == "Northfield Teacher Learning Center"


def test_a_placeholder_in_an_admin_s_provider_issues_no_certificate(editable, make_user):
    _, folder = editable
    name_provider(folder, profiles="[contact-hours]")
    providers.create_provider("northfield", replace(NORTHFIELD, contact="TBD"))  # past the form, which refuses it
    assert factories.completed(make_user()) is None
    assert certificates() == [] and len(held()) == 1
    course = catalog().get("example-course")
    assert [p.message for p in credit_checks(course)] == [
        "Contact hours: the provider's contact is a placeholder (“TBD”)"
    ]


def test_waiting_certificates_are_issued_once_an_admin_completes_the_provider(editable, make_user, sign_in, admin):
    app, folder = editable
    name_provider(folder, profiles="[tx-cpe]")
    provider = providers.create_provider("northfield", replace(NORTHFIELD, numbers={}))
    completed_at = utcnow().replace(microsecond=0)
    learners = [make_user(name=f"Learner {n}") for n in range(3)]
    for learner in learners[:2]:
        assert factories.completed(learner, at=completed_at) is None
    assert len(held()) == 2 and certificates() == []

    admin_client = client_of(app, admin, sign_in)
    for page in ["/admin/courses", "/admin/providers", "/admin/organisations", "/admin/certificates", "/admin/jobs"]:
        notice = text_of(admin_client.get(page), "#waiting-title + p + ul")
        assert "Example course: 2 learners waiting." in notice, page
        assert "Texas CPE hours: the provider's CPE provider number is missing" in notice, page

    form = {
        "name": NORTHFIELD.name,
        "contact": NORTHFIELD.contact,
        "signatory_name": NORTHFIELD.signatory_name,
        "signatory_title": NORTHFIELD.signatory_title,
        "number_tx_cpe": "902117",
    }
    response = admin_client.submit(f"/admin/providers/{provider.id}", form)
    assert response.status_code == 302
    assert jobs.work().done >= 1  # the waiting certificates, then their PDFs
    jobs.work()
    issued = certificates()
    assert [c.user_id for c in issued] == [learners[0].id, learners[1].id] and held() == []
    for certificate in issued:
        assert certificate.credit_profile == "tx-cpe" and certificate.approval_number == "902117"
        assert certificate.completed_at == completed_at and certificate.issued_at > completed_at
        assert certificate.pdf_sha256 is not None
    assert "waiting-title" not in admin_client.get("/admin/courses").get_data(as_text=True)
    home = client_of(app, learners[0], sign_in).get(COURSE).get_data(as_text=True)
    assert "Download my certificate" in home and WAITING not in home


def test_an_admin_can_ask_for_the_waiting_certificates_after_fixing_course_yml(editable, make_user, sign_in, admin):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("training@northfield.test", "TBD"))
    factories.completed(make_user())
    assert len(held()) == 1
    yml.write_text(yml.read_text().replace("TBD", "training@northfield.test"))
    admin_client = client_of(app, admin, sign_in)
    assert "Nothing is missing any more." in text_of(admin_client.get("/admin/courses"), ".waiting-list")
    assert admin_client.submit("/admin/certificates/issue-waiting", page="/admin/courses").status_code == 302
    jobs.work()
    assert len(certificates()) == 1 and held() == []


def test_the_learner_is_told_their_certificate_is_waiting(app):
    with app.test_request_context():
        announce(Outcome(completed=True, course_title="Example course", certificate_waiting=True))
        (message,) = get_flashed_messages()
    assert message == f"Congratulations: you completed “Example course”. {WAITING}."


# --- which profile -------------------------------------------------------------------------------------


def test_a_learner_chooses_their_profile_where_the_course_lets_them(editable, make_user, sign_in):
    app, folder = editable
    name_provider(folder, profiles="[contact-hours, tx-cpe, ny-ctle]", chooses=True)
    providers.create_provider("northfield", NORTHFIELD)
    learner = make_user()
    client = client_of(app, learner, sign_in)
    home = client.get(COURSE)
    options = texts_of(home, "#credit-profile option")
    assert options == [
        "Contact hours (1 contact hour)",
        "Texas CPE hours (1 CPE clock-hour)",
        "New York CTLE hours (1 CTLE clock hour)",
    ]
    assert client.submit(f"{COURSE}/credit-profile", {"profile": "nope"}, page=COURSE).status_code == 302
    assert db.session.scalar(select(Enrolment.credit_profile)) is None
    assert client.submit(f"{COURSE}/credit-profile", {"profile": "ny-ctle"}, page=COURSE).status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.credit_profile == "ny-ctle"
    # factories.completed makes its own enrolment: complete this one the same way settle would.
    enrolment.completed_at = utcnow()
    db.session.commit()
    certificate = progress.issue_certificate(learner, catalog().get("example-course"), enrolment, utcnow())
    db.session.commit()
    assert (
        certificate is not None and certificate.credit_profile == "ny-ctle" and certificate.approval_number == "SP-4410"
    )
    response = client.submit(f"{COURSE}/credit-profile", {"profile": "tx-cpe"}, page=COURSE)
    assert response.status_code == 302 and db.session.scalar(select(Enrolment.credit_profile)) == "ny-ctle"


def test_a_course_that_does_not_let_learners_choose_ignores_a_choice(editable, make_user, sign_in):
    app, folder = editable
    name_provider(folder, profiles="[contact-hours, tx-cpe]")
    client = client_of(app, make_user(), sign_in)
    assert client.submit(f"{COURSE}/credit-profile", {"profile": "tx-cpe"}, page=COURSE).status_code == 404


def test_the_organisation_s_profile_applies_when_the_course_offers_it(editable, make_user, sign_in, admin):
    app, folder = editable
    name_provider(folder, profiles="[contact-hours, tx-cpe]")
    providers.create_provider("northfield", NORTHFIELD)
    district = factories.organisation("Northfield ISD")
    school = factories.organisation("Northfield Elementary", district)
    texan, other = make_user(name="Texan"), make_user(name="Other")
    factories.member(factories.cohort(school, "Elementary staff"), texan)
    factories.member(factories.cohort(factories.organisation("Elsewhere"), "Staff"), other)
    admin_client = client_of(app, admin, sign_in)
    response = admin_client.submit(
        f"/admin/organisations/{district.id}/credit-profile", {"credit_profile": "tx-cpe"}, page="/admin/organisations"
    )
    assert response.status_code == 302 and db.session.get(Organisation, district.id).credit_profile == "tx-cpe"
    assert factories.completed(texan).credit_profile == "tx-cpe"  # the school follows its district
    assert factories.completed(other).credit_profile == "contact-hours"  # the course's first profile
    response = admin_client.submit(
        f"/admin/organisations/{district.id}/credit-profile", {"credit_profile": "nope"}, page="/admin/organisations"
    )
    assert response.status_code == 302 and db.session.get(Organisation, district.id).credit_profile == "tx-cpe"


def test_an_organisation_profile_the_course_does_not_offer_is_passed_over(editable, make_user):
    _, folder = editable
    name_provider(folder, profiles="[contact-hours, tx-cpe]")
    providers.create_provider("northfield", NORTHFIELD)
    district = factories.organisation("Albany City SD")
    district.credit_profile = "ny-ctle"
    db.session.commit()
    learner = make_user()
    factories.member(factories.cohort(district), learner)
    assert factories.completed(learner).credit_profile == "contact-hours"


# --- the admin pages ------------------------------------------------------------------------------------


def test_an_admin_sets_up_a_provider_and_bad_details_are_explained(app, admin, sign_in):
    client = client_of(app, admin, sign_in)
    form = {"key": "Northfield PD", "name": "  Northfield   Teacher Learning Center ", "contact": "TBD"}
    response = client.submit("/admin/providers/new", form)
    assert response.status_code == 422
    assert "lowercase letters, digits and hyphens" in text_of(response, "#key-error")
    assert "“TBD” reads like a placeholder" in text_of(response, "#contact-error")
    assert db.session.scalar(select(func.count(CreditProvider.id))) == 0
    form.update(key="northfield", contact="training@northfield.test", number_tx_cpe="902117", number_ny_ctle="")
    response = client.submit("/admin/providers/new", form)
    assert response.status_code == 302
    provider = credit.find_provider("northfield")
    assert provider.name == "Northfield Teacher Learning Center" and provider.numbers == {"tx-cpe": "902117"}
    again = client.submit("/admin/providers/new", form)
    assert again.status_code == 422 and "Another provider has this key" in text_of(again, "#key-error")
    page = client.get(f"/admin/providers/{provider.id}")
    assert page.status_code == 200
    assert "New York CTLE hours: Incomplete the provider's CTLE sponsor number is missing." in texts_of(
        page, ".readiness li"
    )
    assert client.get("/admin/providers").status_code == 200


ADMIN_ONLY = [
    ("get", "/admin/providers"),
    ("get", "/admin/providers/new"),
    ("post", "/admin/providers/new"),
    ("get", "/admin/providers/{id}"),
    ("post", "/admin/providers/{id}"),
    ("post", "/admin/providers/{id}/signature"),
    ("post", "/admin/providers/{id}/logo/remove"),
    ("get", "/admin/assets/{asset}"),
    ("post", "/admin/organisations/{org}/credit-profile"),
    ("post", "/admin/certificates/issue-waiting"),
]


def test_only_admins_reach_the_provider_pages(app, make_user, sign_in):
    provider = providers.create_provider("northfield", NORTHFIELD)
    from courseware.credit.images import check_image

    asset = providers.store_asset(provider, "logo", check_image(b'<svg xmlns="http://www.w3.org/2000/svg"/>'))
    org = factories.organisation("Northfield ISD")
    learner, leader = make_user(), make_user(role="leader")
    clients = {"learner": client_of(app, learner, sign_in), "leader": client_of(app, leader, sign_in)}
    anonymous = app.test_client()
    for method, pattern in ADMIN_ONLY:
        url = pattern.format(id=provider.id, asset=asset.id, org=org.id)
        for who, client in clients.items():
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": client.csrf_token("/"), "credit_profile": "tx-cpe"})
            assert response.status_code == 403, (who, url)
        response = getattr(anonymous, method)(url)
        assert response.status_code in (302, 400), url  # to sign in (a POST without a token stops earlier)
    assert db.session.get(Organisation, org.id).credit_profile is None
    assert credit.find_provider("northfield").logo_asset_id == asset.id
