"""Accounts: sign up, sign in and out, sessions, password reset, profile, rate limit, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courseware import jobs
from courseware.extensions import db
from courseware.models import PasswordReset, SignUpRequest, User
from courseware.models.base import utcnow
from tests.conftest import PASSWORD
from tests.helpers.sign_up import mailed_link
from tests.test_jobs import queued_emails

NEW_PASSWORD = "copper-meadow-falcon-77"


def sign_up(client, **fields):
    data = {"name": "Ana Souza", "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD}
    data.update(fields)
    return client.submit("/sign-up", data)


def test_sign_up_creates_the_account_when_the_mailed_link_is_confirmed(client):
    response = sign_up(client, email="  Ana@Example.ORG ")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True) and "ana@example.org" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(User)) is None  # nothing exists until the address is confirmed
    link = mailed_link("ana@example.org")
    page = client.get(link)
    assert page.status_code == 200 and "Ana Souza" in page.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None  # opening the link (a mail scanner does) creates nothing
    response = client.submit(link)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "ana@example.org" and user.email_verified_at is not None
    assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
    assert "Ana Souza" in client.get("/account").get_data(as_text=True)


def test_a_confirmation_link_works_once_and_ends_the_other_links_of_the_address(app, client):
    sign_up(client)
    first = mailed_link("ana@example.org")
    sign_up(client)
    second = mailed_link("ana@example.org")
    assert first != second
    assert client.submit(second).status_code == 302
    for link in (first, second):
        response = app.test_client().submit(link)
        assert response.status_code == 410 and "no longer works" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1


def test_an_expired_confirmation_link_creates_nothing(client):
    sign_up(client)
    db.session.execute(update(SignUpRequest).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(mailed_link("ana@example.org")).status_code == 410
    assert db.session.query(User).count() == 0


def test_an_address_given_an_account_meanwhile_is_not_taken_twice(client, make_user):
    sign_up(client)
    make_user(email="ana@example.org")  # a leader's roster, say, after the sign-up
    response = client.submit(mailed_link("ana@example.org"))
    assert response.status_code == 409 and "has an account" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1


def test_sign_up_with_an_address_that_has_an_account_changes_nothing_and_mails_its_owner(client, make_user):
    make_user(name="Ana Souza", email="ana@example.org")
    response = sign_up(client, email="ANA@example.org")
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1 and db.session.query(SignUpRequest).count() == 0
    body = queued_emails("sign-up-existing")[-1].body
    assert "You already have one" in body and "/forgot-password" in body and "/sign-in" in body


def test_sign_up_errors_sit_next_to_fields_and_keep_what_was_typed(client):
    response = sign_up(client, name="", email="not-an-email", password="short", confirm="other")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and "name@school.org" in html
    assert 'id="name-error"' in html
    assert "at least 12 characters" in html
    assert 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert db.session.query(User).count() == 0


def test_common_and_guessable_passwords_are_refused(client):
    for weak in ["password1234", "qwertyuiop123", "aaaaaaaaaaaa"]:
        response = sign_up(client, password=weak, confirm=weak)
        assert response.status_code == 422, weak
    assert "commonly used" in sign_up(client, password="password1234", confirm="password1234").get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_password_containing_own_email_is_refused(client):
    weak = "ana@example.org1"
    response = sign_up(client, password=weak, confirm=weak)
    assert response.status_code == 422


def test_html_in_a_name_is_shown_as_text(client):
    sign_up(client, name='<script>alert("x")</script>')
    client.submit(mailed_link("ana@example.org"))
    html = client.get("/account").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_sign_in_and_wrong_password(client, learner):
    response = client.submit("/sign-in", {"email": "JORDAN@example.org", "password": "wrong-password-1"})
    assert response.status_code == 422
    assert "do not match an account" in response.get_data(as_text=True)
    response = client.submit("/sign-in", {"email": "nobody@example.org", "password": PASSWORD})
    assert "do not match an account" in response.get_data(as_text=True)
    response = client.submit("/sign-in", {"email": "JORDAN@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_sign_in_follows_only_local_next(client, learner):
    response = client.submit("/sign-in?next=/account", {"email": learner.email, "password": PASSWORD})
    assert response.location == "/account"
    client.submit("/sign-out", page="/")
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.submit(f"/sign-in?next={target}", {"email": learner.email, "password": PASSWORD})
        assert response.location == "/", target
        client.submit("/sign-out", page="/")


def test_deactivated_account_cannot_sign_in(client, learner):
    learner.is_active_account = False
    db.session.commit()
    response = client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    assert response.status_code == 422


def test_sign_out_refuses_a_replayed_cookie_and_ends_other_sessions(app, learner, sign_in):
    first, second = app.test_client(), app.test_client()
    sign_in(first, learner)
    sign_in(second, learner, remember=True)
    stolen = first.get_cookie("session").value
    assert first.get("/account").status_code == 200

    response = first.submit("/sign-out", page="/account")
    assert response.status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account").status_code == 302  # sent to sign in
    assert second.get("/account").status_code == 302  # the other device is signed out too


def test_sign_out_requires_post(learner_client):
    assert learner_client.get("/sign-out").status_code == 405


def test_change_password_ends_other_sessions_but_keeps_this_one(app, learner, sign_in):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, learner)
    sign_in(elsewhere, learner)
    response = here.submit(
        "/account",
        {
            "form": "password",
            "password-current": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    db.session.refresh(learner)
    assert learner.check_password(NEW_PASSWORD)


def test_change_password_needs_the_current_one(learner_client, learner):
    response = learner_client.submit(
        "/account",
        {
            "form": "password",
            "password-current": "wrong-password-9",
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "not your current password" in response.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.check_password(PASSWORD)


def test_a_new_email_address_is_used_once_the_link_mailed_to_it_is_confirmed(app, learner_client, learner):
    profile = {"form": "profile", "profile-current": PASSWORD}
    response = learner_client.submit(
        "/account", {**profile, "profile-name": "  Jordan   R. ", "profile-email": "J@example.org"}
    )
    assert response.status_code == 302
    db.session.refresh(learner)
    assert (learner.name, learner.email) == ("Jordan R.", "jordan@example.org")  # the name at once, not the email
    page = learner_client.get("/account").get_data(as_text=True)
    assert "open the link we sent to it" in page and "Waiting for confirmation" in page and "j@example.org" in page
    link = mailed_link("j@example.org", "email-change")
    anyone = app.test_client()  # the link works in any browser: the person may open it on their phone
    assert "j@example.org" in anyone.get(link).get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.email == "jordan@example.org"  # opening it changes nothing
    assert anyone.submit(link).status_code == 302
    db.session.refresh(learner)
    assert learner.email == "j@example.org" and learner.email_verified_at is not None
    told = [mail for mail in queued_emails("email-changed") if mail.to_address == "jordan@example.org"]
    assert told and "j@example.org" in told[0].body
    assert anyone.submit(link).status_code == 410  # once
    assert "Waiting for confirmation" not in learner_client.get("/account").get_data(as_text=True)


def test_a_new_address_another_account_uses_gets_the_same_answer_and_changes_nothing(
    learner_client, learner, make_user
):
    make_user(email="taken@example.org")
    response = learner_client.submit(
        "/account",
        {
            "form": "profile",
            "profile-current": PASSWORD,
            "profile-name": "Jordan",
            "profile-email": "Taken@example.org",
        },
    )
    assert response.status_code == 302
    assert "open the link we sent to it" in learner_client.get("/account").get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.email == "jordan@example.org"
    assert [mail.to_address for mail in queued_emails("email-change-existing")] == ["taken@example.org"]
    assert queued_emails("email-change") == []


def test_an_address_taken_before_the_link_is_used_is_not_taken_twice(client, learner_client, learner, make_user):
    learner_client.submit(
        "/account",
        {"form": "profile", "profile-current": PASSWORD, "profile-name": "Jordan", "profile-email": "new@example.org"},
    )
    link = mailed_link("new@example.org", "email-change")
    make_user(email="new@example.org")
    response = client.submit(link)
    assert response.status_code == 409 and "has an account" in response.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.email == "jordan@example.org"


def test_a_password_change_ends_a_waiting_change_of_address(client, learner_client, learner):
    learner_client.submit(
        "/account",
        {"form": "profile", "profile-current": PASSWORD, "profile-name": "Jordan", "profile-email": "new@example.org"},
    )
    link = mailed_link("new@example.org", "email-change")
    learner.set_password(NEW_PASSWORD)  # the owner, say, after noticing someone else had their password
    db.session.commit()
    assert client.get(link).status_code == 410


def test_changing_the_email_needs_the_current_password(learner_client, learner):
    response = learner_client.submit(
        "/account", {"form": "profile", "profile-name": "Jordan", "profile-email": "thief@example.org"}
    )
    assert response.status_code == 422
    assert "Enter your current password to change your email address." in response.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.email == "jordan@example.org"
    response = learner_client.submit(
        "/account", {"form": "profile", "profile-name": "Jordan R", "profile-email": learner.email}
    )
    assert response.status_code == 302  # a name alone needs no password


def _reset_link(app) -> str:
    jobs.work()  # the request queued the mail; a worker sends it
    mails = sorted((app.config["MAIL_DIR"]).glob("*.eml"))
    assert mails, "no mail was written"
    body = mails[-1].read_text()
    match = re.search(r"http://localhost(/reset-password/[\w-]+)", body)
    assert match, body
    return match.group(1)


def test_password_reset_link_works_once(app, client, learner):
    response = client.submit("/forgot-password", {"email": "Jordan@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    link = _reset_link(app)
    assert client.get(link).status_code == 200

    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.check_password(NEW_PASSWORD)

    again = app.test_client()
    assert again.get(link).status_code == 410
    assert "no longer works" in again.get(link).get_data(as_text=True)


def test_password_reset_ends_existing_sessions(app, learner, sign_in, client):
    other = app.test_client()
    sign_in(other, learner)
    client.submit("/forgot-password", {"email": learner.email})
    client.submit(_reset_link(app), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other.get("/account").status_code == 302


def test_expired_reset_link_is_refused(app, client, learner):
    client.submit("/forgot-password", {"email": learner.email})
    link = _reset_link(app)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(link).status_code == 410
    token_page = "/forgot-password"
    response = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": client.csrf_token(token_page)}
    )
    assert response.status_code == 410
    db.session.refresh(learner)
    assert learner.check_password(PASSWORD)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(app, client):
    response = client.submit("/forgot-password", {"email": "nobody@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    assert jobs.work() == jobs.WorkReport()
    assert not list(app.config["MAIL_DIR"].glob("*.eml")) if app.config["MAIL_DIR"].exists() else True


def test_reset_token_is_stored_only_as_a_hash(app, client, learner):
    client.submit("/forgot-password", {"email": learner.email})
    token = _reset_link(app).rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordReset.token_hash))
    assert stored != token and len(stored) == 64


def test_sign_in_is_rate_limited(make_app, make_user):
    app = make_app(SIGN_IN_RATE_LIMIT="3 per minute")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        codes = [
            client.submit("/sign-in", {"email": user.email, "password": "wrong-password-x"}).status_code
            for _ in range(4)
        ]
        assert codes == [422, 422, 422, 429]
        assert "Too many attempts" in client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).get_data(
            as_text=True
        )


def test_post_without_csrf_token_gets_a_friendly_400(client, learner):
    response = client.post("/sign-in", data={"email": learner.email, "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This form has expired" in html and '<main id="main"' in html
    response = client.post("/sign-in", data={"email": learner.email, "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_csrf_token_from_before_sign_out_is_refused(app, learner, sign_in):
    client = app.test_client()
    sign_in(client, learner)
    old_token = client.csrf_token("/account")
    client.submit("/sign-out", page="/account")
    response = client.post(
        "/account",
        data={"form": "profile", "profile-name": "X", "profile-email": learner.email, "csrf_token": old_token},
    )
    assert response.status_code in {302, 400}
    db.session.refresh(learner)
    assert learner.name == "Jordan Rivera"


def test_create_admin_command(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "Head@Example.org", "--name", "Pat Lee", "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "head@example.org"))
    assert user.is_admin
    result = runner.invoke(
        args=["users", "create-admin", "--email", "x@example.org", "--name", "X", "--password", "short"]
    )
    assert result.exit_code != 0 and "12 characters" in result.output


def test_create_admin_refuses_a_bad_email(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "not-an-email", "--name", "X", "--password", NEW_PASSWORD]
    )
    assert result.exit_code != 0 and "--email" in result.output


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the local Redis, removed afterwards."""
    import uuid

    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    prefix = f"courseware-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_sign_in_limit_can_live_in_redis(make_app, make_user, redis_prefix):
    """With RATELIMIT_STORAGE_URI pointing at Redis, every process shares the same counts."""
    settings = {
        "SIGN_IN_RATE_LIMIT": "2 per minute",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": redis_prefix,
    }
    first, second = make_app(**settings), make_app(**settings)
    with first.app_context():
        user = make_user()
        client = first.test_client()
        codes = [
            client.submit("/sign-in", {"email": user.email, "password": "wrong-password-x"}).status_code
            for _ in range(2)
        ]
    with second.app_context():
        blocked = second.test_client().submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code
    assert codes == [422, 422] and blocked == 429


def test_reset_emails_are_limited_per_address(make_app, make_user):
    app = make_app(RESET_RATE_LIMIT="2 per hour")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        codes = [client.submit("/forgot-password", {"email": user.email}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
