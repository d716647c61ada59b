"""The admin's LTI pages: who may open them, the registration form's checks, and the key command."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

import config
from courseware.extensions import db
from courseware.models import LtiLaunch, LtiRegistration
from tests.helpers import factories
from tests.helpers.html import parse

VALID = {
    "name": "Riverside Canvas",
    "issuer": "https://canvas.instructure.com",
    "client_id": "10000000000001",
    "deployment_ids": "1:abc\n2:def\n",
    "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
    "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "access_token_url": "https://sso.canvaslms.com/login/oauth2/token",
    "organisation_id": "",
}


@pytest.fixture
def registration(app):
    found = LtiRegistration(
        name="Riverside Canvas",
        issuer=VALID["issuer"],
        client_id="c1",
        deployment_ids="1:abc",
        key_set_url=VALID["key_set_url"],
        auth_login_url=VALID["auth_login_url"],
        access_token_url=VALID["access_token_url"],
    )
    db.session.add(found)
    db.session.flush()
    launch = LtiLaunch(
        registration_id=found.id,
        deployment_id="1:abc",
        resource_link_id="link",
        sub="s",
        memberships_url="https://127.0.0.1:9/memberships",
    )
    db.session.add(launch)
    db.session.commit()
    return found, launch


def _pages(registration, launch) -> list[tuple[str, str]]:
    return [
        ("GET", "/admin/lti"),
        ("GET", "/admin/lti/new"),
        ("POST", "/admin/lti/new"),
        ("GET", f"/admin/lti/{registration.id}"),
        ("POST", f"/admin/lti/{registration.id}"),
        ("GET", f"/admin/lti/{registration.id}/roster/{launch.id}"),
        ("POST", f"/admin/lti/{registration.id}/delete"),
    ]


@pytest.mark.parametrize("role", ["anonymous", "learner", "leader", "admin"])
def test_only_admins_open_the_lti_pages(app, registration, sign_in, role):
    found, launch = registration
    client = app.test_client()
    if role != "anonymous":
        person = factories.user(role="admin" if role == "admin" else "learner")
        if role == "leader":
            factories.leader(person, organisation=factories.organisation("Riverside District"))
        sign_in(client, person)
    token = client.csrf_token("/")
    for method, url in _pages(found, launch):
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        if role == "anonymous":
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
        elif role != "admin":
            assert response.status_code == 403, url
        elif method == "GET":
            assert response.status_code == 200, url
        else:
            assert response.status_code in (302, 422), url
    if role != "admin":
        assert db.session.get(LtiRegistration, found.id) is not None  # nothing was removed


@pytest.fixture
def admin_client(app, sign_in):
    client = app.test_client()
    sign_in(client, factories.user(role="admin"))
    return client


def test_a_registration_is_saved_with_its_deployments(app, admin_client):
    district = factories.organisation("Riverside District")
    response = admin_client.submit("/admin/lti/new", {**VALID, "organisation_id": str(district.id)})
    assert response.status_code == 302
    saved = db.session.scalar(select(LtiRegistration))
    assert saved.deployments == ["1:abc", "2:def"] and saved.organisation_id == district.id
    listing = admin_client.get("/admin/lti")
    assert "Riverside Canvas" in listing.get_data(as_text=True)
    tool = parse(listing).select_one("dl.tool-values").get_text(" ")
    assert "http://localhost/lti/login" in tool and "http://localhost/lti/launch" in tool
    assert "http://localhost/lti/jwks" in tool


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Name the platform"),
        ({"issuer": "canvas"}, "Enter a full web address"),
        ({"key_set_url": "http://canvas.example/jwks"}, "Use an https:// address"),
        ({"deployment_ids": "  \n "}, "at least one deployment id"),
        ({"deployment_ids": "x" * 300}, "longer than 255 characters"),
        ({"access_token_url": ""}, "access token URL"),
        ({"organisation_id": "999"}, "Not a valid choice"),
    ],
)
def test_a_registration_with_a_mistake_says_what_to_fix(app, admin_client, changes, message):
    response = admin_client.submit("/admin/lti/new", {**VALID, **changes})
    assert response.status_code == 422
    summary = parse(response).select_one(".error-summary").get_text(" ")
    assert message in summary
    assert db.session.scalar(select(LtiRegistration)) is None


def test_a_second_registration_of_the_same_client_is_refused(app, admin_client):
    assert admin_client.submit("/admin/lti/new", VALID).status_code == 302
    again = admin_client.submit("/admin/lti/new", {**VALID, "name": "Again"})
    assert again.status_code == 422 and "Another registration has this issuer and client id" in again.get_data(
        as_text=True
    )


def test_a_plain_http_platform_is_accepted_on_this_machine_only(app, admin_client):
    local = {key: value.replace("https://sso.canvaslms.com", "http://127.0.0.1:8000") for key, value in VALID.items()}
    assert admin_client.submit("/admin/lti/new", local).status_code == 302


def test_the_roster_page_says_when_the_platform_cannot_be_reached(app, admin_client, registration, tmp_path):
    from courseware.lti import protocol

    found, launch = registration
    path = tmp_path / "key.pem"
    protocol.generate_key(path)
    app.config["LTI_KEY_FILE"] = str(path)
    page = admin_client.get(f"/admin/lti/{found.id}/roster/{launch.id}")
    assert page.status_code == 200 and "could not be read from Riverside Canvas" in page.get_data(as_text=True)


def test_generate_key_writes_a_private_key_only_its_owner_reads(runner, tmp_path):
    path = tmp_path / "lti.pem"
    result = runner.invoke(args=["lti", "generate-key", str(path)])
    assert result.exit_code == 0, result.output
    assert "key id" in result.output and "Set LTI_KEY_FILE=" in result.output
    assert oct(os.stat(path).st_mode & 0o777) == "0o600" and b"PRIVATE KEY" in path.read_bytes()
    again = runner.invoke(args=["lti", "generate-key", str(path)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_generate_key_if_missing_keeps_the_key_there_is(runner, tmp_path):
    path = tmp_path / "lti.pem"
    made = runner.invoke(args=["lti", "generate-key", "--if-missing", str(path)])
    assert made.exit_code == 0 and "key id" in made.output
    key = path.read_bytes()
    kept = runner.invoke(args=["lti", "generate-key", "--if-missing", str(path)])
    assert kept.exit_code == 0 and "kept as it is" in kept.output and path.read_bytes() == key


def test_the_key_file_is_read_from_lti_key_file(monkeypatch, tmp_path):
    monkeypatch.setenv("LTI_KEY_FILE", str(tmp_path / "tool.pem"))
    assert str(tmp_path / "tool.pem") == config.TestConfig().LTI_KEY_FILE
