"""Single sign-on against a real OpenID Connect provider on a local port (tests/helpers/oidc_provider.py):
the whole redirect flow through the test client, what it does with accounts, and every way a sign-in
must be refused, each with a clear page."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from sqlalchemy import select

from config import ProviderSettingProblem, oidc_providers
from courseware.cohorts import services as cohort_services
from courseware.cohorts.domains import policy_for
from courseware.extensions import db
from courseware.models import CohortMember, SignInIdentity, SignUpRequest, User
from tests.conftest import PASSWORD
from tests.helpers import factories
from tests.helpers.client import sign_in_directly
from tests.helpers.html import parse
from tests.helpers.oidc_provider import CLIENT_ID, running_provider, sign_in_through, signed, start, with_payload_of
from tests.helpers.sign_up import mailed_link
from tests.test_jobs import queued_emails


@pytest.fixture(scope="module")
def provider():
    try:
        with running_provider() as running:
            yield running
    except (OSError, RuntimeError) as error:  # conftest.py turns this skip into a failure in CI
        pytest.skip(f"the local OpenID Connect provider could not start: {error}")


@pytest.fixture
def riverside(app, provider):
    """The app signs in with the local provider, as "Riverside ID"."""
    app.config["OIDC_PROVIDERS"] = {"riverside": provider.settings()}
    provider.forge = None
    yield provider
    provider.forge = None


_subjects = iter(range(10**6))


def person(provider, email: str, verified: object = True, name: str = "Ana Alvarez") -> str:
    """A person at the provider (a fresh subject); their subject."""
    subject = f"subject-{next(_subjects)}-{time.monotonic_ns()}"
    claims = {"email": email, "name": name}
    if verified is not None:
        claims["email_verified"] = verified
    provider.set_person(subject, **claims)
    return subject


def identities() -> list[tuple[str, str, int, str]]:
    db.session.expire_all()
    return [(i.provider, i.subject, i.user_id, i.email) for i in db.session.scalars(select(SignInIdentity))]


def signed_in_as(client) -> str | None:
    """The name on My account, or None when the client is not signed in."""
    response = client.get("/account")
    if response.status_code != 200:
        return None
    return parse(response).select_one("input[name=profile-name]")["value"]


def page_text(response) -> str:
    return " ".join(parse(response).select_one("main").get_text(" ").split())


# --- the sign-in page --------------------------------------------------------------------------------


def test_the_sign_in_page_shows_a_button_for_each_provider_and_none_without(app, client, riverside):
    app.config["OIDC_PROVIDERS"]["google"] = {**riverside.settings(label="Google")}
    buttons = [b.get_text(" ", strip=True) for b in parse(client.get("/sign-in")).select(".sign-in-choices a")]
    assert buttons == ["Sign in with Riverside ID", "Sign in with Google"]
    links = parse(client.get("/sign-in?next=/courses/example-course")).select(".sign-in-choices a")
    assert [a["href"] for a in links] == [
        "/sign-in/oidc/riverside?next=/courses/example-course",
        "/sign-in/oidc/google?next=/courses/example-course",
    ]
    app.config["OIDC_PROVIDERS"] = {}
    assert not parse(client.get("/sign-in")).select(".sign-in-choices")
    assert client.get("/sign-in/oidc/riverside").status_code == 404


# --- matching, linking ---------------------------------------------------------------------------------


def test_an_account_with_the_same_verified_email_is_linked_with_its_password_then_matched_by_subject(
    client, riverside, make_user
):
    user = make_user(name="Ana Alvarez", email="ana@riverside.org")
    subject = person(riverside, "ana@riverside.org")

    response = sign_in_through(client, riverside, subject)
    assert response.status_code == 302 and response.location == "/sign-in/link"
    page = client.get("/sign-in/link")
    text = page_text(page)
    assert "Link your Riverside ID account" in text
    assert "Link your Riverside ID account to your Courseware account ana@riverside.org" in text
    assert parse(page).select_one("input[name=password][type=password]") is not None
    assert signed_in_as(client) is None and identities() == []

    wrong = client.submit("/sign-in/link", {"password": "not-the-password-at-all"})
    assert wrong.status_code == 422 and "not the password of this account" in page_text(wrong)
    assert identities() == [] and signed_in_as(client) is None

    linked = client.submit("/sign-in/link", {"password": PASSWORD})
    assert linked.status_code == 302 and linked.location == "/"
    assert signed_in_as(client) == "Ana Alvarez"
    assert identities() == [("riverside", subject, user.id, "ana@riverside.org")]
    db.session.refresh(user)
    assert user.email_verified_at is not None  # the provider vouched for it, the password proved the account

    # Next time the subject alone finds the account, even after the provider's address changed.
    riverside.set_person(subject, email="ana.alvarez@riverside.org", email_verified=True, name="Ana Alvarez")
    first_use = db.session.scalar(select(SignInIdentity.last_used_at))
    other = client.application.test_client()
    again = sign_in_through(other, riverside, subject)
    assert again.status_code == 302 and again.location == "/"
    assert signed_in_as(other) == "Ana Alvarez"
    db.session.expire_all()
    assert db.session.scalar(select(SignInIdentity.last_used_at)) > first_use
    assert len(identities()) == 1


def test_an_invited_account_without_a_password_links_with_the_button(client, riverside, make_user):
    user = make_user(name="Bea Brown", email="bea@riverside.org")
    user.password_hash = "!"  # invited by a roster, never chose a password
    db.session.commit()
    subject = person(riverside, "bea@riverside.org", name="Bea Brown")
    assert sign_in_through(client, riverside, subject).location == "/sign-in/link"
    page = client.get("/sign-in/link")
    assert parse(page).select_one("input[name=password]") is None
    assert "no password is needed" in page_text(page)
    assert client.submit("/sign-in/link").status_code == 302
    assert signed_in_as(client) == "Bea Brown"
    assert [row[2] for row in identities()] == [user.id]


def test_the_link_page_needs_a_sign_in_waiting(client, riverside, make_user):
    response = client.get("/sign-in/link")
    assert response.status_code == 302 and response.location == "/sign-in"
    assert client.submit("/sign-in/link", {"password": PASSWORD}, page="/sign-in").status_code == 302
    assert identities() == []


def test_a_link_is_refused_when_the_account_changed_meanwhile(client, riverside, make_user):
    user = make_user(email="cy@riverside.org")
    subject = person(riverside, "cy@riverside.org")
    sign_in_through(client, riverside, subject)
    token_page = "/sign-in/link"
    client.get(token_page)
    user.email = "cy.new@riverside.org"
    db.session.commit()
    response = client.submit(token_page, {"password": PASSWORD}, page="/sign-in")
    assert response.status_code == 302 and response.location == "/sign-in"  # the waiting sign-in has ended
    assert identities() == []


def test_a_closed_account_is_told_so(client, riverside, make_user):
    make_user(email="dee@riverside.org").is_active_account = False
    db.session.commit()
    subject = person(riverside, "dee@riverside.org")
    response = sign_in_through(client, riverside, subject)
    assert response.status_code == 403 and "This account is closed" in page_text(response)


def test_an_account_linked_to_another_subject_is_not_linked_twice(client, riverside, make_user):
    user = make_user(email="eve@riverside.org")
    db.session.add(SignInIdentity(user_id=user.id, provider="riverside", subject="older", email=user.email))
    db.session.commit()
    response = sign_in_through(client, riverside, person(riverside, "eve@riverside.org"))
    assert response.status_code == 409 and "linked to another Riverside ID account" in page_text(response)


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_email_never_matches_links_or_creates_an_account(client, riverside, make_user, verified):
    make_user(email="fay@riverside.org")
    district = factories.organisation("Riverside District")
    cohort_services.set_sign_in(district, ["riverside.org"], True, False, None)
    for email in ("fay@riverside.org", "new.person@riverside.org"):
        response = sign_in_through(client, riverside, person(riverside, email, verified=verified))
        assert response.status_code == 403, email
        assert "Riverside ID has not verified your email address" in page_text(response)
    assert identities() == [] and signed_in_as(client) is None
    assert db.session.scalar(select(User).where(User.email == "new.person@riverside.org")) is None


def test_a_provider_limited_to_domains_refuses_others(app, client, riverside, make_user):
    app.config["OIDC_PROVIDERS"]["riverside"]["domains"] = ["riverside.org"]
    make_user(email="gus@gmail.com")
    response = sign_in_through(client, riverside, person(riverside, "gus@gmail.com"))
    assert response.status_code == 403 and "cannot sign in here" in page_text(response)
    assert identities() == []


def test_the_page_asked_for_before_signing_in_comes_next(client, riverside, make_user):
    user = make_user(email="hal@riverside.org")
    subject = person(riverside, "hal@riverside.org")
    db.session.add(SignInIdentity(user_id=user.id, provider="riverside", subject=subject, email=user.email))
    db.session.commit()
    answer = start(client, "riverside", next_url="/courses/example-course")
    code = _authorize(riverside, answer.location, subject)
    assert client.get(code).location == "/courses/example-course"


# --- accounts created on first single sign-on ---------------------------------------------------------


def test_with_creation_on_a_verified_address_of_the_domain_gets_an_account_in_the_new_staff_cohort(client, riverside):
    district = factories.organisation("Riverside District")
    school = factories.organisation("Hillside Elementary", parent=district)
    new_staff = factories.cohort(school, "New staff 2026")
    cohort_services.set_sign_in(district, ["riverside.org"], True, False, new_staff)
    subject = person(riverside, "ivy@Riverside.org", name="Ivy Ito")

    response = sign_in_through(client, riverside, subject)
    assert response.status_code == 302 and response.location == "/"
    assert signed_in_as(client) == "Ivy Ito"
    user = db.session.scalar(select(User).where(User.email == "ivy@riverside.org"))
    assert user is not None and user.email_verified_at is not None and not user.has_password
    assert identities() == [("riverside", subject, user.id, "ivy@riverside.org")]
    assert [(m.cohort_id, m.active) for m in db.session.scalars(select(CohortMember))] == [(new_staff.id, True)]
    # Signing in again finds the same account.
    assert sign_in_through(client.application.test_client(), riverside, subject).location == "/"
    assert db.session.scalar(select(User.id).where(User.email == "ivy@riverside.org")) == user.id


def test_without_creation_an_unknown_person_is_told_whom_to_ask(client, riverside):
    district = factories.organisation("Riverside District")
    cohort_services.set_sign_in(district, ["riverside.org"], False, False, None)
    for email, organisation in (("jo@riverside.org", "Riverside District"), ("jo@elsewhere.org", None)):
        response = sign_in_through(client, riverside, person(riverside, email))
        text = page_text(response)
        assert response.status_code == 403
        assert "Your school has not set you up on Courseware yet" in text
        assert "Ask your school's Courseware leader or your district's administrator" in text
        assert (organisation in text) if organisation else ("belongs to" not in text)
    assert db.session.scalars(select(User)).all() == [] and identities() == []


# --- passwords turned off for a domain ----------------------------------------------------------------


def test_passwords_off_sends_password_forms_of_the_domain_to_single_sign_on(app, client, riverside, make_user):
    district = factories.organisation("Riverside District")
    cohort_services.set_sign_in(district, ["riverside.org"], False, True, None)
    make_user(email="kim@riverside.org")

    def answers(url: str, data: dict) -> list[str]:
        pages = []
        for email in ("kim@riverside.org", "nobody@riverside.org"):  # with an account, and without
            response = client.submit(url, {**data, "email": email})
            assert response.status_code == 200, (url, email)
            assert "Use your school account" in page_text(response)
            assert parse(response).select_one(".sign-in-choices a")["href"] == "/sign-in/oidc/riverside"
            pages.append(page_text(response))
        return pages

    for url, data in (
        ("/sign-in", {"password": PASSWORD}),
        ("/forgot-password", {}),
        ("/sign-up", {"name": "Kim Kay", "password": PASSWORD, "confirm": PASSWORD}),
    ):
        with_account, without = answers(url, data)
        assert with_account == without, url  # the answer depends on the domain alone
    assert signed_in_as(client) is None
    assert queued_emails() == [] and db.session.scalars(select(SignUpRequest)).all() == []

    # Other domains keep their passwords.
    outsider = make_user(email="lee@elsewhere.org")
    assert client.submit("/sign-in", {"email": outsider.email, "password": PASSWORD}).status_code == 302


def test_passwords_off_ends_reset_links_and_password_changes_and_links_without_the_password(
    app, client, riverside, make_user
):
    user = make_user(name="Max Moss", email="max@riverside.org")
    client.submit("/forgot-password", {"email": "max@riverside.org"})
    link = mailed_link("max@riverside.org", "password-reset")
    district = factories.organisation("Riverside District")
    cohort_services.set_sign_in(district, ["riverside.org"], False, True, None)
    assert "Use your school account" in page_text(client.get(link))

    signed_in = sign_in_directly(app.test_client(), user)
    response = signed_in.submit(
        "/account",
        {"form": "password", "password-current": PASSWORD, "password-password": "x" * 20, "password-confirm": "x" * 20},
    )
    assert "Use your school account" in page_text(response)

    subject = person(riverside, "max@riverside.org", name="Max Moss")
    sign_in_through(client, riverside, subject)
    page = client.get("/sign-in/link")
    assert parse(page).select_one("input[name=password]") is None
    assert client.submit("/sign-in/link").status_code == 302
    assert signed_in_as(client) == "Max Moss"


# --- refused: every check, with a clear page ------------------------------------------------------------


def refused(client, provider, subject: str, linked: int = 1, **flow) -> str:
    """Sign in through the provider; assert that nobody is signed in and nothing is written, and that
    the answer is a clear page (4xx, a way back to the sign-in page); its text."""
    before = identities()
    response = sign_in_through(client, provider, subject, **flow)
    assert 400 <= response.status_code < 500, response.status_code
    assert signed_in_as(client) is None and identities() == before and len(before) == linked
    assert parse(response).select_one("main a[href='/sign-in']") is not None
    return page_text(response)


def known(make_user, provider, email: str = "nia@riverside.org") -> str:
    """A person whose identity is linked already: a refusal below is the token's, not the account's."""
    user = make_user(email=email)
    subject = person(provider, email)
    db.session.add(SignInIdentity(user_id=user.id, provider="riverside", subject=subject, email=email))
    db.session.commit()
    return subject


def test_the_flow_signs_a_known_person_in_when_nothing_is_changed(client, riverside, make_user):
    subject = known(make_user, riverside)
    riverside.forge = lambda claims, own_key: signed(claims, own_key)  # re-signed as issued: still good
    assert sign_in_through(client, riverside, subject).location == "/"
    assert riverside.issued[-1]["aud"] in (CLIENT_ID, [CLIENT_ID]) and riverside.issued[-1]["nonce"]


def own_kid(provider) -> str | None:
    """The id of the provider's signing key, as its JWKS names it."""
    keys = requests.get(f"{provider.base_url}/jwks", timeout=10).json()["keys"]
    return keys[0].get("kid")


def test_an_id_token_signed_with_another_key_is_refused(client, riverside, make_user):
    subject = known(make_user, riverside)
    stranger = RSAKey.generate_key(2048, private=True)
    named_alike = RSAKey.import_key(stranger.as_dict(private=True), {"kid": own_kid(riverside)})
    riverside.forge = lambda claims, own_key: signed(claims, named_alike)
    text = refused(client, riverside, subject)
    assert "The sign-in could not be trusted" in text and "its signature is not Riverside ID's" in text


def test_an_id_token_whose_claims_were_changed_after_signing_is_refused(client, riverside, make_user):
    subject = known(make_user, riverside)
    victim = make_user(email="victim@riverside.org")
    db.session.add(SignInIdentity(user_id=victim.id, provider="riverside", subject="victim", email=victim.email))
    db.session.commit()
    riverside.forge = lambda claims, own_key: with_payload_of(signed(claims, own_key), {**claims, "sub": "victim"})
    text = refused(client, riverside, subject, linked=2)
    assert "its signature is not Riverside ID's" in text


def test_a_wrong_nonce_is_refused(client, riverside, make_user):
    subject = known(make_user, riverside)

    def other_nonce(authorize: str) -> str:
        parts = urlsplit(authorize)
        query = dict(parse_qsl(parts.query))
        assert query["nonce"] and query["code_challenge_method"] == "S256" and query["code_challenge"]
        query["nonce"] = "a-nonce-of-another-sign-in"
        return urlunsplit(parts._replace(query=urlencode(query)))

    text = refused(client, riverside, subject, change_request=other_nonce)
    assert riverside.issued[-1]["nonce"] == "a-nonce-of-another-sign-in"  # the provider did sign it
    assert "issued for another sign-in than this one (its nonce does not match)" in text


@pytest.mark.parametrize("audience", [{"aud": "another-app"}, {"aud": ["another-app"], "azp": CLIENT_ID}])
def test_a_token_for_another_application_is_refused(client, riverside, make_user, audience):
    subject = known(make_user, riverside)
    riverside.forge = lambda claims, own_key: signed({**claims, **audience}, own_key)
    text = refused(client, riverside, subject)
    assert "issued for another application than Courseware" in text


def test_a_code_issued_to_another_client_id_gets_no_token(app, client, riverside, make_user):
    """The provider binds its code to the client id of the authorization request: a client set up with
    another id gets no token for it, and the person reads why."""
    subject = known(make_user, riverside)
    answer = start(client, "riverside")
    app.config["OIDC_PROVIDERS"]["riverside"]["client_id"] = "another-app"
    response = client.get(_authorize(riverside, answer.location, subject))
    assert response.status_code == 400 and signed_in_as(client) is None
    assert "Riverside ID refused the sign-in" in page_text(response)


def test_an_expired_token_is_refused(app, client, make_user):
    with running_provider(access_token_max_age=timedelta(minutes=-10)) as expiring:
        app.config["OIDC_PROVIDERS"] = {"riverside": expiring.settings()}
        subject = known(make_user, expiring)
        text = refused(client, expiring, subject)
    assert expiring.issued[-1]["exp"] < time.time() - 300
    assert "it has expired" in text


def test_a_token_from_another_issuer_is_refused(client, riverside, make_user):
    subject = known(make_user, riverside)
    riverside.forge = lambda claims, own_key: signed({**claims, "iss": "https://issuer.example.net"}, own_key)
    assert "it was not issued by Riverside ID" in refused(client, riverside, subject)


def test_refused_consent_is_said_plainly(client, riverside, make_user):
    subject = known(make_user, riverside)
    text = refused(client, riverside, subject, deny=True)
    assert "You did not let Riverside ID sign you in" in text


def test_an_answer_not_started_in_this_browser_or_used_twice_is_refused(client, riverside, make_user):
    subject = known(make_user, riverside)
    answer = start(client, "riverside")
    callback = _authorize(riverside, answer.location, subject)
    stranger = client.application.test_client()
    stranger.get("/sign-in")
    response = stranger.get(callback)
    assert response.status_code == 400 and "This sign-in was not started here" in page_text(response)
    assert client.get(callback).location == "/"  # the browser that started it
    assert client.get(callback).status_code == 400  # once: its state is spent


def test_an_unreachable_provider_is_said_plainly(app, client, make_user):
    app.config["OIDC_PROVIDERS"] = {
        "riverside": {
            "label": "Riverside ID",
            "discovery_url": "http://127.0.0.1:9/.well-known/openid-configuration",
            "client_id": CLIENT_ID,
            "client_secret": "secret",
            "domains": [],
        }
    }
    response = start(client, "riverside")
    assert response.status_code == 502
    assert "Riverside ID could not be reached" in page_text(response)


def test_a_callback_of_an_unknown_provider_is_not_found(client, riverside):
    assert client.get("/sign-in/oidc/nowhere/callback?code=x&state=y").status_code == 404
    assert client.get("/sign-in/oidc/riverside/callback").status_code == 400


# --- settings -------------------------------------------------------------------------------------------


def test_providers_are_read_from_the_environment():
    environ = {
        "OIDC_GOOGLE_CLIENT_ID": "g-id", "OIDC_GOOGLE_CLIENT_SECRET": "g-secret",
        "OIDC_MICROSOFT_CLIENT_ID": "m-id", "OIDC_MICROSOFT_CLIENT_SECRET": "m-secret",
        "OIDC_MICROSOFT_TENANT": "riverside.onmicrosoft.com",
        "OIDC_MICROSOFT_DOMAINS": "riverside.org, @Hill.riverside.org",
        "OIDC_RIVERSIDE_ID_CLIENT_ID": "r-id", "OIDC_RIVERSIDE_ID_CLIENT_SECRET": "r-secret",
        "OIDC_RIVERSIDE_ID_DISCOVERY_URL": "https://id.riverside.org/.well-known/openid-configuration",
        "OIDC_RIVERSIDE_ID_LABEL": "Riverside ID",
    }  # fmt: skip
    found = oidc_providers(environ)
    assert list(found) == ["google", "microsoft", "riverside-id"]
    assert found["google"]["discovery_url"] == "https://accounts.google.com/.well-known/openid-configuration"
    assert found["microsoft"]["discovery_url"] == (
        "https://login.microsoftonline.com/riverside.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    )
    assert found["microsoft"]["label"] == "Microsoft" and found["riverside-id"]["label"] == "Riverside ID"
    assert oidc_providers({}) == {}


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"OIDC_GOOGLE_CLIENT_ID": "g"}, "OIDC_GOOGLE_CLIENT_SECRET must be set"),
        ({"OIDC_MICROSOFT_CLIENT_ID": "m", "OIDC_MICROSOFT_CLIENT_SECRET": "s"}, "OIDC_MICROSOFT_TENANT must be"),
        (
            {"OIDC_MICROSOFT_CLIENT_ID": "m", "OIDC_MICROSOFT_CLIENT_SECRET": "s", "OIDC_MICROSOFT_TENANT": "common"},
            "Shared tenants",
        ),
        ({"OIDC_X_CLIENT_ID": "x", "OIDC_X_CLIENT_SECRET": "s"}, "OIDC_X_DISCOVERY_URL and OIDC_X_LABEL must be set"),
        (
            {
                "OIDC_X_CLIENT_ID": "x",
                "OIDC_X_CLIENT_SECRET": "s",
                "OIDC_X_LABEL": "X",
                "OIDC_X_DISCOVERY_URL": "http://id.example.org/.well-known/openid-configuration",
            },
            "must be an https:// address",
        ),
        (
            {"OIDC_GOOGLE_CLIENT_ID": "g", "OIDC_GOOGLE_CLIENT_SECRET": "s", "OIDC_GOOGLE_DOMAINS": "not a domain!"},
            "OIDC_GOOGLE_DOMAINS must list email domains",
        ),
    ],
)
def test_incomplete_provider_settings_stop_the_app_with_a_reason(environ, says):
    with pytest.raises(ProviderSettingProblem, match=says):
        oidc_providers(environ)


def _authorize(provider, authorize: str, subject: str) -> str:
    """Choose ``subject`` on the provider's form; the address of the app's callback it redirects to."""
    chosen = requests.post(authorize, data={"sub": subject}, allow_redirects=False, timeout=10)
    back = urlsplit(chosen.headers["Location"])
    return f"{back.path}?{back.query}"


# --- the admin's settings -------------------------------------------------------------------------------


def test_an_admin_sets_an_organisations_domains_and_sign_in(app, make_user, sign_in):
    district = factories.organisation("Riverside District")
    school = factories.organisation("Hillside Elementary", parent=district)
    other = factories.organisation("Lakeside District")
    new_staff = factories.cohort(school, "New staff")
    elsewhere = factories.cohort(other, "Lakeside staff")
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    url = f"/admin/organisations/{district.id}/sign-in"
    page = "/admin/organisations"

    def save(organisation_id: int = district.id, **fields):
        response = admin.submit(f"/admin/organisations/{organisation_id}/sign-in", fields, page=page)
        assert response.status_code == 302
        return page_text(admin.get(page))

    text = save(domains="Riverside.org, @hill.riverside.org", create_accounts="yes", new_staff_cohort_id=new_staff.id)
    assert "Riverside District: sign-in settings saved." in text
    policy = _policy("someone@hill.riverside.org")
    assert policy.organisation.id == district.id and policy.create_accounts and not policy.passwords_off
    assert policy.new_staff_cohort.id == new_staff.id
    form = parse(admin.get(page)).select_one(f"form[action='{url}']")
    assert form.select_one("input[name=domains]")["value"] == "hill.riverside.org, riverside.org"  # sorted
    assert form.select_one("input[name=create_accounts]").has_attr("checked")

    assert "riverside.org belongs to Riverside District already" in save(other.id, domains="riverside.org")
    assert "is not an email domain" in save(domains="riverside")
    assert "Choose one of the cohorts of Riverside District" in save(
        domains="riverside.org", new_staff_cohort_id=elsewhere.id
    )
    assert "List the organisation's email domains first" in save(domains="", passwords_off="yes")
    assert _policy("someone@hill.riverside.org").create_accounts  # nothing changed by the refusals

    save(domains="riverside.org", passwords_off="yes")
    assert _policy("someone@hill.riverside.org") is None
    assert _policy("a@riverside.org").passwords_off and not _policy("a@riverside.org").create_accounts
    assert admin.submit("/admin/organisations/999999/sign-in", {"domains": ""}, page=page).status_code == 404


def _policy(email: str):
    db.session.expire_all()
    return policy_for(email)


def test_only_admins_change_sign_in_settings_or_see_the_providers(app, client, riverside, make_user, sign_in):
    district = factories.organisation("Riverside District")
    leader = make_user(email="leader@riverside.org")
    factories.leader(leader, organisation=district)
    url = f"/admin/organisations/{district.id}/sign-in"
    people = {
        "anonymous": None,
        "learner": make_user(email="learner@riverside.org"),
        "leader of the organisation": leader,
    }
    for who, person_ in people.items():
        visitor = app.test_client()
        if person_ is not None:
            sign_in(visitor, person_)
        response = visitor.submit(url, {"domains": "riverside.org", "passwords_off": "yes"}, page="/")
        assert response.status_code in (302, 403), who
        if response.status_code == 302:
            assert response.location.startswith("/sign-in"), who
        assert visitor.get("/admin/organisations").status_code in (302, 403), who
    assert _policy("a@riverside.org") is None
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    shown = page_text(admin.get("/admin/organisations"))
    assert "Sign in with Riverside ID" in shown and "http://localhost/sign-in/oidc/riverside/callback" in shown
    assert "a-client-secret" not in admin.get("/admin/organisations").get_data(as_text=True)


def test_wrong_passwords_on_the_linking_page_are_rate_limited(make_app, provider, make_user):
    app = make_app(SIGN_IN_RATE_LIMIT="2 per minute", OIDC_PROVIDERS={"riverside": provider.settings()})
    with app.app_context():
        make_user(email="ola@riverside.org")
        client = app.test_client()
        sign_in_through(client, provider, person(provider, "ola@riverside.org"))
        answers = [client.submit("/sign-in/link", {"password": "wrong-password-here"}).status_code for _ in range(3)]
        assert answers == [422, 422, 429]
        assert client.submit("/sign-in/link", {"password": PASSWORD}).status_code == 429
        assert identities() == []
