"""Single sign-on with SAML 2.0 against a real identity provider (pysaml2's server, with keys made
when the tests run: tests/helpers/saml_idp.py): the app's metadata and signed request, the whole
flow through the test client, what it does with accounts (the steps OpenID Connect shares), and
every answer that must be refused, each with a clear page and never a server error."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import saml2.time_util
from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1
from sqlalchemy import select

from config import ProviderSettingProblem, saml_providers
from courseware.cohorts import services as cohort_services
from courseware.extensions import db
from courseware.models import CohortMember, SamlAssertion, SignInIdentity, User
from courseware.models.base import utcnow
from courseware.sso import saml_providers as sp
from courseware.sso import services as sso_services
from tests.conftest import PASSWORD
from tests.helpers import factories
from tests.helpers.html import parse
from tests.helpers.saml_idp import encoded, identity_provider, post_answer, sign_in_through, start

ACS = "http://localhost/sign-in/saml/riverside/acs"


@pytest.fixture(scope="module")
def idp():
    try:
        with identity_provider() as made:
            yield made
    except RuntimeError as error:  # conftest.py turns this skip into a failure in CI
        pytest.skip(f"the local SAML identity provider could not start: {error}")


@pytest.fixture
def riverside(app, client, idp):
    """The app signs in with the local identity provider, as "Riverside ID"; the identity provider
    has read the app's metadata."""
    app.config["SAML_PROVIDERS"] = {"riverside": idp.settings()}
    app.config["SAML_SP_KEY_FILE"] = str(idp.sp_key_file)
    app.config["SAML_SP_CERT_FILE"] = str(idp.sp_cert_file)
    idp.trust(client.get("/sign-in/saml/riverside/metadata").get_data(as_text=True))
    return idp


_subjects = iter(range(10**6))


def person(idp, email: str, name: str = "Ana Alvarez") -> str:
    subject = f"riverside-{next(_subjects)}-{time.monotonic_ns()}"
    idp.set_person(subject, email, name)
    return subject


def identities() -> list[tuple[str, str, int, str]]:
    db.session.expire_all()
    return [(i.provider, i.subject, i.user_id, i.email) for i in db.session.scalars(select(SignInIdentity))]


def signed_in_as(client) -> str | None:
    response = client.get("/account")
    if response.status_code != 200:
        return None
    return parse(response).select_one("input[name=profile-name]")["value"]


def page_text(response) -> str:
    return " ".join(parse(response).select_one("main").get_text(" ").split())


def started(client, idp):
    """The app's request, read by the identity provider, and the relay state."""
    answer = start(client)
    assert answer.status_code == 302
    return idp.read_request(answer.location)


# --- the app as a service provider -------------------------------------------------------------------


def test_the_metadata_names_our_entity_id_acs_and_certificate_from_public_url(app, client, riverside):
    app.config["PUBLIC_URL"] = "https://training.district.org"
    response = client.get("/sign-in/saml/riverside/metadata")
    assert response.status_code == 200 and response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert 'entityID="https://training.district.org/sign-in/saml/riverside/metadata"' in xml
    assert 'Location="https://training.district.org/sign-in/saml/riverside/acs"' in xml
    assert 'AuthnRequestsSigned="true"' in xml
    certificate = "".join(riverside.sp_cert_file.read_text().splitlines()[1:-1])
    assert certificate in xml
    assert "sha256" in xml and "sha1" not in xml and "md5" not in xml  # the algorithms it accepts
    assert "PRIVATE KEY" not in xml and client.get("/sign-in/saml/elsewhere/metadata").status_code == 404


def test_the_sign_in_page_shows_the_identity_providers_button(app, client, riverside):
    links = parse(client.get("/sign-in?next=/courses/example-course")).select(".sign-in-choices a")
    assert [(a.get_text(" ", strip=True), a["href"]) for a in links] == [
        ("Sign in with Riverside ID", "/sign-in/saml/riverside?next=/courses/example-course")
    ]
    app.config["SAML_PROVIDERS"] = {}
    assert not parse(client.get("/sign-in")).select(".sign-in-choices")
    assert client.get("/sign-in/saml/riverside").status_code == 404


def test_the_request_is_signed_and_names_our_acs(client, riverside):
    answer = start(client)
    query = parse_qs(urlsplit(answer.location).query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"] and query["Signature"]
    request, relay = riverside.read_request(answer.location)  # the identity provider checked the signature
    assert request.assertion_consumer_service_url == ACS
    assert request.issuer.text == "http://localhost/sign-in/saml/riverside/metadata"
    assert relay.startswith(request.id + ".") and len(relay) <= 80
    # A request changed on its way no longer verifies with the app's certificate.
    changed = answer.location.replace("Signature=", "Signature=AAAA")
    with pytest.raises(Exception, match="not signed correctly"):
        riverside.read_request(changed)


# --- matching, linking, creating ---------------------------------------------------------------------


def test_an_account_with_the_same_vouched_email_is_linked_with_its_password_then_matched_by_subject(
    client, riverside, make_user
):
    user = make_user(name="Ana Alvarez", email="ana@riverside.org")
    subject = person(riverside, "ana@riverside.org")
    response = sign_in_through(client, riverside, subject)
    assert response.status_code == 302 and response.location == "/sign-in/link"
    assert "Link your Riverside ID account to your Courseware account ana@riverside.org" in page_text(
        client.get("/sign-in/link")
    )
    linked = client.submit("/sign-in/link", {"password": PASSWORD})
    assert linked.status_code == 302 and signed_in_as(client) == "Ana Alvarez"
    assert identities() == [("saml:riverside", subject, user.id, "ana@riverside.org")]

    other = client.application.test_client()
    again = sign_in_through(other, riverside, subject)
    assert again.status_code == 302 and again.location == "/"
    assert signed_in_as(other) == "Ana Alvarez"
    assert len(db.session.scalars(select(SamlAssertion)).all()) == 2


def test_the_page_asked_for_before_signing_in_comes_next(client, riverside, make_user):
    user = make_user(email="hal@riverside.org")
    subject = person(riverside, "hal@riverside.org")
    db.session.add(SignInIdentity(user_id=user.id, provider="saml:riverside", subject=subject, email=user.email))
    db.session.commit()
    answer = start(client, next_url="/courses/example-course")
    request, relay = riverside.read_request(answer.location)
    posted = post_answer(client, riverside.answer(request, subject), relay)
    assert posted.status_code == 303
    assert client.get(posted.location).location == "/courses/example-course"


def test_creation_on_first_sign_on_joins_the_new_staff_cohort(client, riverside):
    district = factories.organisation("Riverside District")
    new_staff = factories.cohort(district, "New staff 2026")
    cohort_services.set_sign_in(district, ["riverside.org"], True, False, new_staff)
    subject = person(riverside, "Ivy@Riverside.org", name="Ivy Ito")
    response = sign_in_through(client, riverside, subject)
    assert response.status_code == 302 and response.location == "/"
    assert signed_in_as(client) == "Ivy Ito"
    user = db.session.scalar(select(User).where(User.email == "ivy@riverside.org"))
    assert user is not None and user.email_verified_at is not None and not user.has_password
    assert identities() == [("saml:riverside", subject, user.id, "ivy@riverside.org")]
    assert [m.cohort_id for m in db.session.scalars(select(CohortMember))] == [new_staff.id]


def test_an_identity_provider_not_vouching_for_emails_never_matches_or_creates(app, client, riverside, make_user):
    app.config["SAML_PROVIDERS"]["riverside"]["vouches_for_emails"] = False
    make_user(email="fay@riverside.org")
    district = factories.organisation("Riverside District")
    cohort_services.set_sign_in(district, ["riverside.org"], True, False, None)
    for email in ("fay@riverside.org", "new.person@riverside.org"):
        response = sign_in_through(client, riverside, person(riverside, email))
        assert response.status_code == 403, email
        assert "Riverside ID has not verified your email address" in page_text(response)
    assert identities() == [] and signed_in_as(client) is None
    assert db.session.scalar(select(User).where(User.email == "new.person@riverside.org")) is None


def test_the_email_comes_from_the_configured_attribute(app, client, riverside, make_user):
    app.config["SAML_PROVIDERS"]["riverside"]["email_attribute"] = "mail"
    make_user(email="gil@riverside.org")
    subject = person(riverside, "gil@riverside.org")
    riverside.people[subject]["mail"] = ["gil.other@riverside.org"]
    district = factories.organisation("Riverside District")
    cohort_services.set_sign_in(district, ["riverside.org"], True, False, None)
    assert sign_in_through(client, riverside, subject).location == "/"  # created from "mail", not "email"
    assert identities()[0][3] == "gil.other@riverside.org"


def test_an_identity_provider_limited_to_domains_refuses_others(app, client, riverside, make_user):
    app.config["SAML_PROVIDERS"]["riverside"]["domains"] = ["riverside.org"]
    make_user(email="gus@gmail.com")
    response = sign_in_through(client, riverside, person(riverside, "gus@gmail.com"))
    assert response.status_code == 403 and "cannot sign in here" in page_text(response)


# --- answers refused ---------------------------------------------------------------------------------


def refused(response, *words: str) -> str:
    assert 400 <= response.status_code < 500, response.status_code
    text = page_text(response)
    for word in words:
        assert word in text, text
    return text


@pytest.fixture
def ana(client, riverside, make_user):
    """An account linked to a subject at the identity provider: any answer accepted signs it in."""
    user = make_user(name="Ana Alvarez", email="ana@riverside.org")
    subject = person(riverside, "ana@riverside.org")
    db.session.add(SignInIdentity(user_id=user.id, provider="saml:riverside", subject=subject, email=user.email))
    db.session.commit()
    return subject


def nobody_signed_in(client) -> None:
    assert signed_in_as(client) is None


def test_a_tampered_answer_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana).replace("Ana Alvarez", "Mallory")
    assert "Mallory" in xml
    refused(post_answer(client, xml, relay), "could not be trusted", "signature is not Riverside ID's")
    nobody_signed_in(client)


def test_an_answer_signed_with_another_key_is_refused(client, riverside, ana, idp):
    request, relay = started(client, riverside)
    with identity_provider() as impostor:  # same entity id, its own key
        impostor.people = riverside.people
        impostor.trust(client.get("/sign-in/saml/riverside/metadata").get_data(as_text=True))
        xml = impostor.answer(request, ana)
    refused(post_answer(client, xml, relay), "could not be trusted", "signature")
    nobody_signed_in(client)


def test_an_unsigned_answer_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana, sign_assertion=False, sign_response=False)
    assert "Signature" not in xml
    refused(post_answer(client, xml, relay), "could not be trusted", "not signed by Riverside ID")
    nobody_signed_in(client)


def test_an_answer_signed_with_sha1_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana, sign_alg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1)
    assert SIG_RSA_SHA1 in xml
    refused(post_answer(client, xml, relay), "could not be trusted", "SHA-1")
    nobody_signed_in(client)


def test_a_signed_response_holding_the_assertion_is_accepted(client, riverside, ana):
    request, relay = started(client, riverside)
    posted = post_answer(client, riverside.answer(request, ana, sign_assertion=False, sign_response=True), relay)
    assert posted.status_code == 303
    assert client.get(posted.location).location == "/" and signed_in_as(client) == "Ana Alvarez"


@pytest.mark.parametrize(("shift", "words"), [(3600, "outside the time"), (-3600, "outside the time")])
def test_an_answer_outside_its_time_window_is_refused(client, riverside, ana, monkeypatch, shift, words):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana)
    real = saml2.time_util.utc_now
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: real() + shift)
    refused(post_answer(client, xml, relay), "could not be trusted", words, "clock")
    nobody_signed_in(client)


def test_a_small_clock_difference_is_allowed(client, riverside, ana, monkeypatch):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana)
    real = saml2.time_util.utc_now
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: real() - 90)  # our clock 90 s behind
    assert post_answer(client, xml, relay).status_code == 303


def test_an_answer_for_another_audience_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana, sp_entity_id="https://other.example/saml/metadata")
    refused(post_answer(client, xml, relay), "could not be trusted", "audience is not ours")
    nobody_signed_in(client)


def test_an_answer_sent_to_another_address_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana, destination="https://other.example/saml/acs")
    refused(post_answer(client, xml, relay), "could not be trusted", "another address than Courseware's")
    nobody_signed_in(client)


def test_a_replayed_answer_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    xml = riverside.answer(request, ana)
    first = post_answer(client, xml, relay)
    assert first.status_code == 303 and "Set-Cookie" not in first.headers  # a POST without cookies sets none
    refused(post_answer(client, xml, relay), "could not be trusted", "used already")
    # The first answer still finishes in the browser that started it, once.
    assert client.get(first.location).location == "/"
    other = client.application.test_client()
    other.get("/sign-in")
    refused(other.get(first.location), "not started here")
    nobody_signed_in(other)


def test_an_answer_to_another_request_is_refused(client, riverside, ana):
    request, relay = started(client, riverside)
    _, other_relay = started(client.application.test_client(), riverside)
    refused(post_answer(client, riverside.answer(request, ana), other_relay), "not started here")
    refused(post_answer(client, riverside.answer(request, ana), "id-0." + "0" * 32), "not started here")
    refused(post_answer(client, riverside.answer(request, ana, in_response_to=None), relay), "not started here")
    nobody_signed_in(client)


def test_an_answer_finished_in_another_browser_signs_nobody_in(client, riverside, ana):
    """Someone's own answer, carried to another person's browser (a forced sign-in), is refused."""
    attacker = client.application.test_client()
    request, relay = started(attacker, riverside)
    posted = post_answer(attacker, riverside.answer(request, ana), relay)
    victim = client
    started(victim, riverside)  # the victim has a sign-in of their own waiting
    refused(victim.get(posted.location), "not started here")
    nobody_signed_in(victim)


@pytest.mark.parametrize(
    "saml_response",
    [
        "",
        "not base64 at all!",
        base64.b64encode(b"<not-xml").decode(),
        base64.b64encode(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>').decode(),
        encoded("<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>"),
        "A" * 300_000,
    ],
)
def test_hostile_answers_get_a_clear_page(client, riverside, saml_response):
    _, relay = started(client, riverside)
    response = client.application.test_client().post(
        "/sign-in/saml/riverside/acs", data={"SAMLResponse": saml_response, "RelayState": relay}
    )
    refused(response, "You are not signed in")
    assert db.session.scalars(select(SamlAssertion)).all() == []


def test_expired_assertions_are_forgotten(app, riverside):
    old = SamlAssertion(provider="saml:riverside", assertion_id="old", expires_at=utcnow() - timedelta(seconds=1))
    db.session.add(old)
    db.session.commit()
    assert sso_services.spend_assertion("saml:riverside", "new", utcnow() + timedelta(minutes=5))
    assert not sso_services.spend_assertion("saml:riverside", "new", utcnow() + timedelta(minutes=5))
    assert sso_services.spend_assertion("saml:elsewhere", "new", utcnow() + timedelta(minutes=5))
    db.session.expire_all()
    assert sorted(a.assertion_id for a in db.session.scalars(select(SamlAssertion))) == ["new", "new"]


# --- settings ----------------------------------------------------------------------------------------


def test_settings_are_read_from_the_environment(tmp_path, idp):
    (tmp_path / "riverside-idp.xml").write_text(idp.metadata())
    environ = {
        "SAML_RIVERSIDE_ID_METADATA": "riverside-idp.xml",
        "SAML_RIVERSIDE_ID_LABEL": "Riverside ID",
        "SAML_RIVERSIDE_ID_EMAIL_ATTRIBUTE": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "SAML_RIVERSIDE_ID_VOUCHES_FOR_EMAILS": "true",
        "SAML_RIVERSIDE_ID_DOMAINS": "riverside.org, @hill.riverside.org",
    }
    found = saml_providers(environ, tmp_path)
    assert list(found) == ["riverside-id"]
    settings = found["riverside-id"]
    assert settings["vouches_for_emails"] is True and settings["domains"] == ["riverside.org", "hill.riverside.org"]
    assert settings["email_attribute"].endswith("/emailaddress") and "IDPSSODescriptor" in str(settings["metadata"])
    unset = saml_providers({**environ, "SAML_RIVERSIDE_ID_VOUCHES_FOR_EMAILS": ""}, tmp_path)
    assert unset["riverside-id"]["vouches_for_emails"] is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SAML_X_LABEL": ""}, "SAML_X_LABEL must be set"),
        ({"SAML_X_METADATA": "missing.xml"}, "could not be read"),
        ({"SAML_X_DOMAINS": "not a domain!"}, "SAML_X_DOMAINS must list email domains"),
        ({"SAML_X_VOUCHES_FOR_EMAILS": "maybe"}, "must be true or false"),
    ],
)
def test_incomplete_settings_stop_the_app_with_a_message(tmp_path, idp, change, message):
    (tmp_path / "idp.xml").write_text(idp.metadata())
    environ = {"SAML_X_METADATA": "idp.xml", "SAML_X_LABEL": "X", **change}
    with pytest.raises(ProviderSettingProblem, match=message):
        saml_providers(environ, tmp_path)


def test_unusable_metadata_or_keys_stop_the_app_with_a_message(app, riverside, tmp_path):
    app.config["SAML_PROVIDERS"]["riverside"]["metadata"] = "<not metadata"
    with pytest.raises(ProviderSettingProblem, match="SAML_RIVERSIDE_METADATA"):
        sp.check(app)
    app.config["SAML_PROVIDERS"]["riverside"] = riverside.settings()
    app.config["SAML_SP_KEY_FILE"] = str(tmp_path / "missing.key")
    with pytest.raises(ProviderSettingProblem, match="SAML_SP_KEY_FILE"):
        sp.check(app)
    app.config["SAML_SP_KEY_FILE"] = str(riverside.sp_key_file)
    sp.check(app)


def test_broken_settings_at_sign_in_are_a_clear_page(app, client, riverside):
    app.config["SAML_SP_CERT_FILE"] = str(Path(riverside.folder) / "missing.crt")
    response = start(client)
    assert response.status_code == 502 and "Signing in with Riverside ID is not working" in page_text(response)


def test_admins_read_what_to_give_the_identity_provider_and_no_one_else_does(app, riverside, make_user, sign_in):
    app.config["PUBLIC_URL"] = "https://training.district.org"
    admin, learner = app.test_client(), app.test_client()
    sign_in(admin, make_user(role="admin"))
    sign_in(learner, make_user(email="lou@riverside.org"))
    page = admin.get("/admin/organisations")
    row = parse(page).select_one("table[aria-labelledby=saml-title] tbody tr")
    cells = [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
    assert cells == [
        "Sign in with Riverside ID",
        "https://training.district.org/sign-in/saml/riverside/metadata",
        "https://training.district.org/sign-in/saml/riverside/acs",
        "Attribute email , vouched for by the identity provider",
        "Any",
    ]
    assert learner.get("/admin/organisations").status_code == 403
    assert app.test_client().get("/admin/organisations").status_code == 302


def test_without_xmlsec1_the_app_stops_with_the_command_to_install_it(app, riverside, monkeypatch):
    monkeypatch.setattr(sp.shutil, "which", lambda name: None)
    app.config["SAML_PROVIDERS"]["riverside"] = riverside.settings(label="Riverside ID again")  # not the kept client
    with pytest.raises(ProviderSettingProblem, match="apt-get install -y --no-install-recommends xmlsec1"):
        sp.check(app)
