"""Accounts under attack: links that outlive a change of email or password, lock-outs, telling
which accounts exist, and settings that would be unsafe in production."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from config import ProductionConfig, config_from_env
from courseware import create_app
from courseware.accounts import services, sign_up
from courseware.extensions import db
from courseware.models import PasswordReset, User
from courseware.models.base import utcnow
from tests.conftest import PASSWORD
from tests.helpers.sign_up import mailed_link
from tests.test_jobs import queued_emails

NEW_PASSWORD = "copper-meadow-falcon-77"
OTHER_PASSWORD = "granite-willow-parsnip-31"


def reset_link(kind: str = "password-reset") -> str:
    body = queued_emails(kind)[-1].body
    match = re.search(r"http://localhost(/reset-password/[\w-]+)", body)
    assert match, body
    return match.group(1)


def invited(make_user, email: str = "new.teacher@example.org"):
    """A person a roster added: no password yet, and an invitation link (as the roster stores it)."""
    person = make_user(name="Nia Banks", email=email)
    person.password_hash = "!"
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user=person,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=utcnow() + timedelta(days=14),
        )
    )
    db.session.commit()
    return person, f"/reset-password/{token}"


def assert_link_is_dead(app, link: str, person) -> None:
    client = app.test_client()
    assert client.get(link).status_code == 410
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page="/forgot-password")
    assert response.status_code == 410
    db.session.refresh(person)
    assert not person.check_password(NEW_PASSWORD)


# --- 1. links end when the email or the password changes ---------------------------------------


def test_a_reset_link_sent_to_the_old_email_ends_when_the_email_changes(app, client, learner, sign_in):
    client.submit("/forgot-password", {"email": learner.email})
    link = reset_link()
    owner = app.test_client()
    sign_in(owner, learner)
    response = owner.submit(
        "/account",
        {"form": "profile", "profile-name": learner.name, "profile-email": "jordan.r@example.org",
         "profile-current": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    assert app.test_client().get(link).status_code == 200  # the address is not changed until confirmed
    assert app.test_client().submit(mailed_link("jordan.r@example.org", "email-change")).status_code == 302
    assert_link_is_dead(app, link, learner)


def test_a_reset_link_sent_before_a_password_change_ends_with_it(app, client, learner, sign_in):
    client.submit("/forgot-password", {"email": learner.email})
    link = reset_link()
    owner = app.test_client()
    sign_in(owner, learner)
    response = owner.submit(
        "/account",
        {"form": "password", "password-current": PASSWORD, "password-password": OTHER_PASSWORD,
         "password-confirm": OTHER_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    assert_link_is_dead(app, link, learner)


def test_a_password_or_email_set_by_an_admin_or_a_command_ends_every_open_link(app, client, make_user):
    first, second = make_user(), make_user()
    client.submit("/forgot-password", {"email": first.email})
    first_link = reset_link()
    client.submit("/forgot-password", {"email": second.email})
    second_link = reset_link()
    # What an admin page or a command does: change the row through the ORM and commit.
    first.set_password(OTHER_PASSWORD)
    second.email = "moved@example.org"
    db.session.commit()
    assert_link_is_dead(app, first_link, first)
    assert_link_is_dead(app, second_link, second)


def test_using_a_reset_link_ends_the_others(app, client, learner):
    client.submit("/forgot-password", {"email": learner.email})
    first = reset_link()
    client.submit("/forgot-password", {"email": learner.email})
    second = reset_link()
    assert client.submit(second, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert app.test_client().get(first).status_code == 410


def test_an_invitation_ends_when_the_invited_address_is_changed(app, make_user):
    person, link = invited(make_user)
    person.email = "corrected@example.org"  # an admin correcting a typo in a roster, say
    db.session.commit()
    assert_link_is_dead(app, link, person)


def test_saving_the_same_email_and_name_leaves_the_links_open(app, client, learner):
    client.submit("/forgot-password", {"email": learner.email})
    link = reset_link()
    services.update_profile(learner, "Jordan R. Rivera")
    assert app.test_client().get(link).status_code == 200


# --- 4. an invited person's first password ---------------------------------------------------------


def test_an_invited_person_choosing_a_first_password_is_welcomed_not_told_it_changed(app, make_user):
    _, link = invited(make_user)
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    assert "Choose your password" in page and "new password" not in page
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Welcome, Nia Banks! Your password is set and you are signed in." in text
    assert "Your password is changed" not in text and "every other session" not in text


def test_a_reset_of_an_existing_password_still_says_it_changed(app, client, learner):
    client.submit("/forgot-password", {"email": learner.email})
    link = reset_link()
    assert "Choose a new password" in client.get(link).get_data(as_text=True)
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is changed, and every other session is signed out." in response.get_data(as_text=True)


# --- 2. no lock-out of the owner, no refusal of a school signing in together ----------------------


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_attacker_failing_from_one_address_does_not_lock_the_owner_out_of_another(make_app, make_user):
    app = make_app()  # the default limits
    with app.app_context():
        owner = make_user()
        attacker = from_address(app, "203.0.113.7")
        codes = [
            attacker.submit("/sign-in", {"email": owner.email, "password": f"guess-{n}-wrong-x"}).status_code
            for n in range(30)
        ]
        assert codes[:10] == [422] * 10 and set(codes[10:]) == {429}
        # Even the right password is refused from the attacker's address now ...
        assert attacker.submit("/sign-in", {"email": owner.email, "password": PASSWORD}).status_code == 429
        # ... but the owner, at school, signs in.
        at_school = from_address(app, "198.51.100.20")
        assert at_school.submit("/sign-in", {"email": owner.email, "password": PASSWORD}).status_code == 302


def test_a_whole_school_signs_in_from_one_address(make_app, make_user):
    app = make_app()  # the default limits
    with app.app_context():
        staff = [make_user() for _ in range(150)]
        codes = []
        for n, person in enumerate(staff):
            client = from_address(app, "198.51.100.20")
            if n % 10 == 0:  # one in ten mistypes first
                assert client.submit("/sign-in", {"email": person.email, "password": "mistyped-x"}).status_code == 422
            codes.append(client.submit("/sign-in", {"email": person.email, "password": PASSWORD}).status_code)
        assert codes == [302] * 150


def test_password_spraying_from_one_address_is_stopped(make_app, make_user):
    app = make_app(SIGN_IN_ADDRESS_RATE_LIMIT="20 per 15 minutes")
    with app.app_context():
        people = [make_user() for _ in range(25)]
        sprayer = from_address(app, "203.0.113.7")
        codes = [
            sprayer.submit("/sign-in", {"email": p.email, "password": "Summer2025!school"}).status_code for p in people
        ]
        assert codes[:20] == [422] * 20 and set(codes[20:]) == {429}
        assert (
            from_address(app, "198.51.100.20")
            .submit("/sign-in", {"email": people[-1].email, "password": PASSWORD})
            .status_code
            == 302
        )


# --- 5. settings that fail safe ------------------------------------------------------------------

GOOD_KEY = "4f1c0e9a7b3d2e8f6a5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a"


@pytest.fixture
def production_env(monkeypatch):
    """Settings a production server could start with; each test spoils one of them."""
    for name in ("FLASK_DEBUG", "RATELIMIT_SINGLE_PROCESS", "RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSEWARE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("PUBLIC_URL", "https://training.district.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379")
    assert isinstance(config_from_env(), ProductionConfig)
    return monkeypatch


@pytest.mark.parametrize(
    "key", ["dev", "changeme", "secret", "dev-only-not-secret", "test-secret-key", "ChangeMe", "a" * 31, "short"]
)
def test_production_refuses_a_short_or_well_known_secret_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match=r"SECRET_KEY .*(well-known|at least 32 characters)"):
        config_from_env()


@pytest.mark.parametrize(
    "url",
    ["training.district.org", "http://training.district.org", "ftp://training.district.org", "https://", "/courses"],
)
def test_production_refuses_a_public_url_that_is_not_absolute_https(production_env, url):
    production_env.setenv("PUBLIC_URL", url)
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be an absolute https:// address"):
        config_from_env()


@pytest.mark.parametrize("url", ["http://localhost:8000", "http://127.0.0.1", "https://training.district.org/"])
def test_production_accepts_https_and_plain_http_on_this_machine(production_env, url):
    production_env.setenv("PUBLIC_URL", url)
    assert url == config_from_env().PUBLIC_URL


def test_production_refuses_rate_limits_kept_in_one_process_unless_told_there_is_one(production_env):
    production_env.delenv("RATELIMIT_STORAGE_URI")
    with pytest.raises(RuntimeError, match=r"RATELIMIT_STORAGE_URI .*RATELIMIT_SINGLE_PROCESS=1"):
        config_from_env()
    production_env.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="several workers"):
        config_from_env()
    production_env.setenv("RATELIMIT_SINGLE_PROCESS", "1")
    assert config_from_env().RATELIMIT_STORAGE_URI == "memory://"
    production_env.setenv("RATELIMIT_SINGLE_PROCESS", "0")
    production_env.setenv("RATELIMIT_ENABLED", "false")  # no limits, nothing to share
    config_from_env()


def test_without_courseware_env_the_app_is_production_and_refuses_a_missing_key(production_env):
    production_env.delenv("COURSEWARE_ENV")
    assert isinstance(config_from_env(), ProductionConfig) and config_from_env().DEBUG is False
    production_env.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app()


def test_production_refuses_to_start_with_debug_on(production_env):
    production_env.setenv("FLASK_DEBUG", "1")  # what `flask --debug run` sets
    with pytest.raises(RuntimeError, match="debug on"):
        create_app()


def test_demo_seed_refuses_outside_development(make_app):
    for env_name in ("production", "test"):
        app = make_app(ENV_NAME=env_name)
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["demo", "seed"])
            assert result.exit_code != 0
            assert "runs only with COURSEWARE_ENV=development" in result.output
            assert db.session.scalar(select(User).where(User.email == "admin@example.org")) is None


# --- 3. the same answer whether or not an account exists -----------------------------------------


def without_csrf(response, email: str = "") -> tuple[int, str]:
    """Status and page, without the CSRF tokens (new on every page) and with the email typed made the same."""
    body = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", response.get_data(as_text=True))
    body = re.sub(r'<meta name="csrf-token" content="[^"]*">', "", body)
    return response.status_code, body.replace(email, "someone@example.org") if email else body


def test_sign_in_answers_the_same_for_an_account_a_missing_one_and_an_invited_one(app, make_user):
    make_user(email="known@example.org")
    invited(make_user, email="invited@example.org")
    answers = {
        email: without_csrf(
            app.test_client().submit("/sign-in", {"email": email, "password": "wrong-password-x"}), email
        )
        for email in ("known@example.org", "nobody@example.org", "invited@example.org")
    }
    first = answers["known@example.org"]
    assert first[0] == 422 and "do not match an account" in first[1]
    assert answers["nobody@example.org"] == first and answers["invited@example.org"] == first


def test_every_sign_in_runs_one_full_password_check(app, make_user, monkeypatch):
    make_user(email="known@example.org")
    invited(make_user, email="invited@example.org")
    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda stored, pw: checked.append(stored) or real(stored, pw))
    for email in ("known@example.org", "nobody@example.org", "invited@example.org"):
        checked.clear()
        assert services.authenticate(email, "wrong-password-x") is None
        assert len(checked) == 1 and checked[0].startswith("pbkdf2:sha256:1000$"), (email, checked)
    checked.clear()
    assert services.authenticate("known@example.org", PASSWORD) is not None and len(checked) == 1


def test_forgot_password_answers_the_same_for_an_account_a_missing_one_and_an_invited_one(app, make_user):
    make_user(email="known@example.org")
    invited(make_user, email="invited@example.org")
    answers = [without_csrf(app.test_client().submit("/forgot-password", {"email": "someone@example.org"}))]
    for email in ("known@example.org", "nobody@example.org", "invited@example.org"):
        status, body = without_csrf(app.test_client().submit("/forgot-password", {"email": email}), email)
        assert status == 200 and body == answers[0][1]


SIGN_UP = {"name": "Nia Banks", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def test_sign_up_answers_the_same_for_a_new_address_an_account_an_invited_one_and_a_closed_one(app, make_user):
    make_user(email="known@example.org")
    invited(make_user, email="invited@example.org")
    closed = make_user(email="closed@example.org")
    closed.is_active_account = False
    db.session.commit()
    answers = {
        email: without_csrf(app.test_client().submit("/sign-up", {**SIGN_UP, "email": email}), email)
        for email in ("nobody@example.org", "known@example.org", "invited@example.org", "closed@example.org")
    }
    first = answers["nobody@example.org"]
    assert first[0] == 200 and "Check your email" in first[1] and "already exists" not in first[1]
    assert all(answer == first for answer in answers.values())
    assert db.session.query(User).count() == 3  # nobody@ has no account until the link is used


def test_every_sign_up_hashes_the_password_once(app, make_user, monkeypatch):
    make_user(email="known@example.org")
    invited(make_user, email="invited@example.org")
    hashed = []
    real = sign_up.generate_password_hash
    monkeypatch.setattr(sign_up, "generate_password_hash", lambda pw, method: hashed.append(method) or real(pw, method))
    for email in ("nobody@example.org", "known@example.org", "invited@example.org"):
        hashed.clear()
        sign_up.request_sign_up("Nia Banks", email, NEW_PASSWORD, None)
        assert hashed == ["pbkdf2:sha256:1000"], email


def test_each_address_gets_the_mail_it_calls_for(app, make_user):
    make_user(email="known@example.org")
    person, _ = invited(make_user, email="invited@example.org")
    for email in ("nobody@example.org", "known@example.org", "invited@example.org"):
        assert app.test_client().submit("/sign-up", {**SIGN_UP, "email": email}).status_code == 200
    kinds = {mail.to_address: mail.kind for mail in queued_emails()}
    assert kinds == {
        "nobody@example.org": "sign-up",
        "known@example.org": "sign-up-existing",
        "invited@example.org": "sign-up-invited",
    }
    # The invited person's mail holds a link to choose their password, which proves the address.
    link = reset_link("sign-up-invited")
    client = app.test_client()
    response = client.submit(link, {"password": OTHER_PASSWORD, "confirm": OTHER_PASSWORD}, page=link)
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.check_password(OTHER_PASSWORD) and person.email_verified_at is not None


def test_sign_up_mail_to_one_address_is_limited(make_app):
    app = make_app(SIGN_UP_EMAIL_RATE_LIMIT="2 per hour")
    with app.app_context():
        codes = [
            from_address(app, f"203.0.113.{n}")
            .submit("/sign-up", {**SIGN_UP, "email": "Target@example.org"})
            .status_code
            for n in range(3)
        ]
        assert codes == [200, 200, 429]
        assert len(queued_emails("sign-up")) == 2
        assert app.test_client().submit("/sign-up", {**SIGN_UP, "email": "other@example.org"}).status_code == 200


def test_sign_up_and_forgot_password_are_limited_per_network_address(make_app):
    app = make_app(SIGN_UP_RATE_LIMIT="3 per hour", RESET_ADDRESS_RATE_LIMIT="3 per hour")
    with app.app_context():
        client = from_address(app, "203.0.113.7")
        codes = [client.submit("/forgot-password", {"email": f"p{n}@example.org"}).status_code for n in range(4)]
        assert codes == [200, 200, 200, 429]
        codes = [
            client.submit(
                "/sign-up", {"name": "Pat Lee", "email": f"p{n}@x.org", "password": "short", "confirm": "short"}
            ).status_code
            for n in range(4)
        ]
        assert codes == [422, 422, 422, 429]
        other = from_address(app, "198.51.100.20")
        assert other.submit("/forgot-password", {"email": "p9@example.org"}).status_code == 200
