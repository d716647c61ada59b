"""A throwaway database (SQLite in the temp dir, or PostgreSQL with BENCH_DATABASE_URL), migrated for real."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _psycopg(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


@contextmanager
def throwaway_database(tmp: Path) -> Iterator[str]:
    """The URL of an empty database that is dropped on exit.

    BENCH_DATABASE_URL names a PostgreSQL server (for example postgresql://postgres@127.0.0.1:5432/postgres);
    a new database is created there for the run, and that server's other databases are left alone.
    """
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp / 'bench.sqlite'}"
        return
    name = f"courseware_bench_{secrets.token_hex(6)}"
    admin = create_engine(_psycopg(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(_psycopg(server)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_environment(database_url: str, tmp: Path) -> dict[str, str]:
    """The environment of every app process of the run: production settings on the throwaway database."""
    return {
        **os.environ,
        "FLASK_APP": "app",
        "COURSEWARE_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "COURSEWARE_INSTANCE": str(tmp / "instance"),
        "RATELIMIT_ENABLED": "false",
        "PUBLIC_URL": "http://127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
    }


def migrate(env: dict[str, str]) -> None:
    """Apply the real migrations with ``flask db upgrade``."""
    result = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{result.stdout}{result.stderr}")
