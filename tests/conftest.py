"""Fixtures: apps on a database that is emptied after each test (SQLite, or PostgreSQL with TEST_DATABASE_URL).

Building an app is the costly part of a test (its routes, and its templates compiled on first use),
so ``app`` is one app per test session (per pytest-xdist worker), put back as it was after each test:
its configuration, the caches it keeps of database rows, its rate limits, its mail folder.
``make_app(**settings)`` builds a fresh app, for tests that change settings read when the app is
built or that serve the app from threads; every app shares one in-memory cache of compiled templates.
Tables are created once per session and emptied after every test that used them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from jinja2 import BytecodeCache

from config import TestConfig
from courseware import create_app
from courseware.extensions import db, limiter
from tests.helpers.client import PASSWORD, Client, sign_in_by_form, sign_in_directly
from tests.helpers.databases import TableCleaner, TestDatabases

__all__ = ["CSRF_META", "EXAMPLE_COURSES", "IN_CI", "PASSWORD", "Client", "TestDatabases"]

# Fixtures of one area, shared by its test files (the Open Badges issuer key).
pytest_plugins = ["tests.helpers.badges"]

IN_CI = os.environ.get("CI", "").lower() == "true"
EXAMPLE_COURSES = Path(__file__).parent / "courses"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')  # to leave tokens out of pages compared


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


class MemoryBytecodeCache(BytecodeCache):
    """Templates compiled once per session and shared by every app (keyed by name and source)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = TestDatabases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def database_url(databases):
    """One database for the session; tables are created once and emptied after each test."""
    return databases.new()


@pytest.fixture(scope="session")
def tables(database_url):
    cleaner = TableCleaner(database_url, db.metadata)
    cleaner.create_tables(db.metadata)
    yield cleaner
    cleaner.dispose()


@pytest.fixture
def clean_database(tables):
    """Empties the session database once the test, and every app it built, is done with it."""
    yield
    tables.empty()


def build_app(database_url: str, instance: Path, **overrides):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.INSTANCE_PATH = instance
    config.MAIL_DIR = instance / "mail"
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = Client
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


@pytest.fixture(scope="session")
def shared_app(database_url, tables, tmp_path_factory):
    """The app of the test configuration, built once; ``app`` resets it for each test."""
    app = build_app(database_url, tmp_path_factory.mktemp("instance"))
    pristine = {"config": dict(app.config), "extensions": set(app.extensions)}
    yield app, pristine
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(shared_app, clean_database, tmp_path):
    """The app, in an app context for the test. Whatever the test changes is put back afterwards."""
    app, pristine = shared_app
    app.config["MAIL_DIR"] = tmp_path / "instance" / "mail"
    limiter.init_app(app)  # a fresh in-memory count for every rate limit (the limiter is global)
    try:
        with app.app_context():
            yield app
    finally:
        app.config.clear()
        app.config.update(pristine["config"])
        for key in set(app.extensions) - pristine["extensions"]:
            del app.extensions[key]  # caches of rows (quiz versions) that are gone with the rows


@pytest.fixture
def make_app(database_url, tables, clean_database, tmp_path):
    """Build a fresh app with settings changed: make_app(SIGN_IN_RATE_LIMIT="3 per minute")."""
    built = []

    def factory(**overrides):
        app = build_app(database_url, tmp_path / "instance", **overrides)
        if app.config["SQLALCHEMY_DATABASE_URI"] != database_url:  # a database of the test's own
            with app.app_context():
                db.create_all()
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


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


@pytest.fixture
def make_user(app):
    """make_user(name=..., email=..., role=...): a user with PASSWORD, added directly."""
    from tests.helpers import factories

    def factory(name: str | None = None, email: str | None = None, password: str = PASSWORD, role: str = "learner"):
        return factories.user(name=name, email=email, password=password, role=role)

    return factory


@pytest.fixture
def sign_in():
    """sign_in(client, user): the client is signed in as the user. The session is written directly;
    with a password other than PASSWORD, or remember=True, the client signs in through the form."""

    def do(client: Client, user, password: str = PASSWORD, remember: bool = False):
        if password != PASSWORD or remember:
            return sign_in_by_form(client, user, password, remember)
        return sign_in_directly(client, user)

    return do


@pytest.fixture
def learner(make_user):
    return make_user(name="Jordan Rivera", email="jordan@example.org")


@pytest.fixture
def learner_client(client, learner, sign_in):
    sign_in(client, learner)
    return client
