"""Database settings that depend on the engine in use."""

from __future__ import annotations

from typing import Any, cast

from flask import Flask
from sqlalchemy import CursorResult, event
from sqlalchemy.engine import Result

from courseware.extensions import db


def init_database(app: Flask) -> None:
    """SQLite, the embedded default, gets write-ahead logging: readers never wait for a writer,
    and a commit does not wait for the disk twice. Foreign keys are enforced as on PostgreSQL."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection, record) -> None:
        cursor = connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def affected(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (what conditional updates, used as claims, check)."""
    return cast(CursorResult[Any], result).rowcount
