"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and move data
where a table is replaced."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from courseware import jobs
from courseware.extensions import db
from courseware.models import Job
from courseware.models.base import utcnow


def _diff(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(databases, make_app, tmp_path):
    url = databases.new()
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        upgrade()
    assert _diff(app) == []


def test_migrations_downgrade_and_upgrade_again(databases, make_app):
    url = databases.new()
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert _diff(app) == []


def test_0006_moves_unsent_mail_into_jobs_and_back(databases, make_app):
    url = databases.new()
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    now = utcnow()
    with app.app_context():
        db.drop_all()
        upgrade(revision="0005")
        outbox = sa.table(
            "outbox_messages",
            *(sa.column(name) for name in ("to_address", "subject", "body", "kind", "attempts", "last_error")),
            *(sa.column(name, sa.DateTime(timezone=True)) for name in ("created_at", "next_attempt_at", "sent_at")),
        )
        mail = {
            "subject": "Hello",
            "body": "Body\n",
            "created_at": now - timedelta(hours=1),
            "last_error": None,
            "sent_at": None,
        }
        with db.engine.begin() as conn:
            conn.execute(
                outbox.insert(),
                [
                    {**mail, "to_address": "new@x.org", "kind": "invitation", "attempts": 0, "next_attempt_at": now},
                    {
                        **mail,
                        "to_address": "retry@x.org",
                        "kind": "reminder",
                        "attempts": 2,
                        "next_attempt_at": now + timedelta(minutes=2),
                        "last_error": "451 try later",
                    },
                    {
                        **mail,
                        "to_address": "gone@x.org",
                        "kind": "reminder",
                        "attempts": 12,
                        "next_attempt_at": None,
                        "last_error": "550 no such user",
                    },
                    {
                        **mail,
                        "to_address": "sent@x.org",
                        "kind": "reminder",
                        "attempts": 0,
                        "next_attempt_at": None,
                        "sent_at": now,
                    },
                ],
            )

        upgrade()
        assert "outbox_messages" not in inspect(db.engine).get_table_names()
        moved = list(db.session.scalars(sa.select(Job).order_by(Job.id)))
        assert [(j.kind, j.payload["to"], j.payload["kind"], j.status, j.attempts, j.max_attempts) for j in moved] == [
            ("email.send", "new@x.org", "invitation", "queued", 0, 12),
            ("email.send", "retry@x.org", "reminder", "queued", 2, 12),
            ("email.send", "gone@x.org", "reminder", "dead", 12, 12),
        ]
        assert moved[0].payload == {"to": "new@x.org", "subject": "Hello", "body": "Body\n", "kind": "invitation"}
        assert [j.run_at for j in moved[:2]] == [now, now + timedelta(minutes=2)]
        assert [j.last_error for j in moved] == [None, "451 try later", "550 no such user"]
        assert moved[2].finished_at is not None and moved[0].created_at == now - timedelta(hours=1)

        # The moved mail is sent by the worker like any other job.
        assert jobs.work(now=now) == jobs.WorkReport(done=1)
        jobs.enqueue("email.send", jobs.email_payload("later@x.org", "Later", "Body", "reminder"))
        db.session.add(Job(kind="other.kind", payload={}, max_attempts=1))
        db.session.commit()
        db.session.remove()

        downgrade(revision="0005")
        assert "jobs" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            back = conn.execute(
                sa.text(
                    "SELECT to_address, kind, attempts, next_attempt_at IS NULL, last_error "
                    "FROM outbox_messages ORDER BY id"
                )
            ).all()
        assert [tuple(row) for row in back] == [
            ("retry@x.org", "reminder", 2, False, "451 try later"),
            ("gone@x.org", "reminder", 12, True, "550 no such user"),
            ("later@x.org", "reminder", 0, False, None),
        ]
        upgrade()
    assert _diff(app) == []
