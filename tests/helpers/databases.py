"""Throwaway databases for a test session, and emptying them quickly between tests."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from sqlalchemy import MetaData, create_engine, exists, literal, select, text, union_all
from sqlalchemy.engine import Engine, make_url


def to_psycopg(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


class TestDatabases:
    """Creates throwaway databases: SQLite files, or PostgreSQL databases dropped at the end.

    Names are random, so that every pytest-xdist worker (each a session of its own) has its own.
    """

    __test__ = False  # not a test class, whatever its name

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
        engine = create_engine(to_psycopg(self.server_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            # A commit need not wait for the disk: this database is thrown away (visibility and
            # locking, which the tests are about, are unchanged).
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        engine.dispose()
        self.created.append(name)
        return make_url(to_psycopg(self.server_url)).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = create_engine(to_psycopg(self.server_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


class TableCleaner:
    """Empties the tables of one database after a test: one query finds the tables that hold rows,
    then one DELETE per such table, children before parents. Sequences are left as they are, as
    before (SQLite reuses ids from 1; PostgreSQL carries on counting)."""

    def __init__(self, url: str, metadata: MetaData) -> None:
        self.engine: Engine = create_engine(url)
        self.tables = list(reversed(metadata.sorted_tables))
        self._which = union_all(
            *(select(literal(table.name)).where(exists(select(literal(1)).select_from(table))) for table in self.tables)
        )

    def create_tables(self, metadata: MetaData) -> None:
        metadata.create_all(self.engine)

    def empty(self) -> None:
        with self.engine.begin() as conn:
            holding = set(conn.execute(self._which).scalars())
            for table in self.tables:
                if table.name in holding:
                    conn.execute(table.delete())

    def dispose(self) -> None:
        self.engine.dispose()
