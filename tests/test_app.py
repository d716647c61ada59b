"""App factory, configuration, error pages and the health route."""

from __future__ import annotations

import pytest

from config import DevelopmentConfig, ProductionConfig, config_from_env
from courseware import jobs


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        ProductionConfig()
    monkeypatch.setenv("PUBLIC_URL", "https://training.district.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379")
    assert ProductionConfig().SESSION_COOKIE_SECURE is True


def test_configuration_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("COURSEWARE_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    config = config_from_env()
    assert isinstance(config, DevelopmentConfig)
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("COURSEWARE_ENV", "staging")
    with pytest.raises(RuntimeError, match="COURSEWARE_ENV"):
        config_from_env()


def test_health_route_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_json_requests_get_json_errors(client):
    response = client.get("/courses/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404 and response.json["error"]


def test_an_unexpected_error_shows_a_friendly_page_without_a_trace(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_method_not_allowed_page(client):
    response = client.delete("/")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_demo_seed_creates_the_demo_accounts_once(app, runner):
    from sqlalchemy import func, select

    from courseware.extensions import db
    from courseware.models import User

    app.config["ENV_NAME"] = "development"  # the demo runs on a developer's machine only
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "learner@example.org" in first.output and "admin@example.org" in first.output
    assert db.session.scalar(select(func.count(User.id))) == 3
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles == {"learner@example.org": "learner", "leader@example.org": "leader", "admin@example.org": "admin"}
    from courseware.models import Cohort, CohortMember, Organisation

    assert db.session.scalar(select(func.count(Organisation.id))) == 3
    assert db.session.scalar(select(func.count(Cohort.id))) == 1
    assert db.session.scalar(select(func.count(CohortMember.id))) == 1


def test_behind_a_trusted_proxy_the_visitor_address_is_used(make_app):
    app = make_app(TRUSTED_PROXIES=1, VERIFY_RATE_LIMIT="1 per minute")
    with app.app_context():
        client = app.test_client()
        first = client.get("/verify/" + "C" * 32, headers={"X-Forwarded-For": "203.0.113.7"})
        other_visitor = client.get("/verify/" + "C" * 32, headers={"X-Forwarded-For": "203.0.113.8"})
        same_visitor = client.get("/verify/" + "C" * 32, headers={"X-Forwarded-For": "203.0.113.7"})
    assert (first.status_code, other_visitor.status_code, same_visitor.status_code) == (404, 404, 429)


def test_emailed_links_ignore_the_host_header(make_app, make_user):
    """A forged Host header never makes it into a password reset link."""
    app = make_app(PUBLIC_URL="https://training.district.org", TRUSTED_PROXIES=1)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        token = client.csrf_token("/forgot-password")
        client.post(
            "/forgot-password",
            data={"email": user.email, "csrf_token": token},
            headers={"X-Forwarded-Host": "evil.example"},
        )
        jobs.work()
        (mail,) = app.config["MAIL_DIR"].glob("*.eml")
        body = mail.read_text()
    assert "https://training.district.org/reset-password/" in body and "evil.example" not in body


def test_mail_to_an_unusual_address_is_saved_safely(app):
    from courseware.mail import send_mail

    send_mail("a/b@example.org", "Subject", "Body")
    (path,) = app.config["MAIL_DIR"].glob("*.eml")
    assert path.parent == app.config["MAIL_DIR"] and "/" not in path.name


def test_a_moment_is_written_in_utc_inside_a_time_element_for_the_readers_browser():
    from datetime import UTC, datetime, timedelta, timezone

    from courseware.templating import datetime_filter

    moment = datetime(2026, 11, 29, 22, 5, tzinfo=timezone(timedelta(hours=-5)))  # 03:05 the next day, in UTC
    assert str(datetime_filter(moment)) == (
        '<time datetime="2026-11-30T03:05:00+00:00" data-local-time>30 Nov 2026, 03:05 UTC</time>'
    )
    assert str(datetime_filter(None)) == "" and datetime_filter(datetime(2026, 1, 1, tzinfo=UTC)).startswith("<time")
