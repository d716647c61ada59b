"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import TestConfig
from courseware import create_app
from courseware.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
EXAMPLE_COURSES = Path(__file__).parent / "courses"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every optional component must be present: a skip is a failure there."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped in CI, where every component must be present: {reason}"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only need truly concurrent transactions. Without PostgreSQL they are
    skipped with a reason; in CI, whose second run is on PostgreSQL, the SQLite run leaves them to it."""
    if os.environ.get("TEST_DATABASE_URL"):
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgres_only")]
    if IN_CI:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]
        return
    for item in postgres_only:
        reason = "needs PostgreSQL (TEST_DATABASE_URL) for truly concurrent transactions"
        item.add_marker(pytest.mark.skip(reason=reason))


def _to_psycopg(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


class TestDatabases:
    """Creates throwaway databases: SQLite files, or PostgreSQL databases dropped at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.server_url = os.environ.get("TEST_DATABASE_URL")
        self.created: list[str] = []

    @property
    def is_postgres(self) -> bool:
        return bool(self.server_url)

    def new(self) -> str:
        if not self.server_url:
            return f"sqlite:///{self.tmp / f'db-{uuid.uuid4().hex[:8]}.sqlite'}"
        name = f"courseware_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(_to_psycopg(self.server_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        return make_url(_to_psycopg(self.server_url)).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = create_engine(_to_psycopg(self.server_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = TestDatabases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def database_url(databases):
    """One database for the session; tables are created once and emptied after each test."""
    return databases.new()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app for a test; every app shares the session database, emptied afterwards."""
    built = []

    def factory(**overrides):
        config = TestConfig()
        config.SQLALCHEMY_DATABASE_URI = database_url
        config.INSTANCE_PATH = tmp_path / "instance"
        config.MAIL_DIR = config.INSTANCE_PATH / "mail"
        for key, value in overrides.items():
            setattr(config, key, value)
        app = create_app(config)
        app.test_client_class = Client
        with app.app_context():
            db.create_all()
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as conn:
                existing = set(inspect(conn).get_table_names())
                for table in reversed(db.metadata.sorted_tables):
                    if table.name in existing:
                        conn.execute(table.delete())
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


class Client(FlaskClient):
    """The Flask test client plus form posts that carry the page's CSRF token.

    The test holds an app context open for database access, and Flask reuses it for the
    client's requests; what a request caches on ``g`` (the signed-in user, the CSRF token)
    is dropped after it, so that every request starts from its own cookies, as in production.
    """

    def open(self, *args, **kwargs):
        try:
            return super().open(*args, **kwargs)
        finally:
            for key in list(vars(g)):
                g.pop(key, None)

    @property
    def raw(self) -> Client:
        return self

    def csrf_token(self, page: str = "/") -> str:
        response = self.get(page)
        match = CSRF_META.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {page} ({response.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST a form as a browser would after loading ``page`` (by default ``url`` itself)."""
        payload = dict(data or {})
        payload["csrf_token"] = self.csrf_token(page or url)
        return self.post(url, data=payload, **kwargs)

    def post_json(self, url: str, payload: dict, page: str = "/", **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(page), "Accept": "application/json"}
        return self.post(url, json=payload, headers=headers, **kwargs)


@pytest.fixture
def editable(app, make_app, tmp_path):
    """An app whose courses folder is a copy the test may edit: (app, the example course's folder)."""
    courses = tmp_path / "courses"
    shutil.copytree(EXAMPLE_COURSES, courses)
    app = make_app(COURSES_DIR=courses)
    with app.app_context():
        yield app, courses / "example-course"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "violet-harbor-lantern-42"


@pytest.fixture
def make_user(app):
    from courseware.accounts import services

    counter = iter(range(1, 100000))

    def factory(name: str | None = None, email: str | None = None, password: str = PASSWORD, role: str = "learner"):
        n = next(counter)
        return services.register(name or f"Learner {n}", email or f"learner{n}@example.org", password, role=role)

    return factory


@pytest.fixture
def sign_in():
    def do(client: Client, user, password: str = PASSWORD, remember: bool = False):
        response = client.submit(
            "/sign-in", {"email": user.email, "password": password, **({"remember": "y"} if remember else {})}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return do


@pytest.fixture
def learner(make_user):
    return make_user(name="Jordan Rivera", email="jordan@example.org")


@pytest.fixture
def learner_client(client, learner, sign_in):
    sign_in(client, learner)
    return client
