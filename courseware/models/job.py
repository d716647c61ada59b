from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting until run_at (a first run, or a retry after a failure)
    RUNNING = "running"  # claimed by worker_id until lease_until
    DONE = "done"
    DEAD = "dead"  # failed max_attempts times; kept with its last error until retried


# Only one job with a given dedupe key may be waiting or running at a time.
ACTIVE_STATUSES = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
ACTIVE_CONDITION = text("status IN ('queued', 'running')")


class Job(Model):
    """Work done outside the request that asked for it (see docs/jobs.md).

    ``attempts`` counts the runs started: a worker adds one when it claims the job, so a run
    that was cut short (the worker killed mid-job) counts too. ``lease_until`` and ``worker_id``
    are set while a worker holds the job; once the lease has passed, another worker may take it.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        # "The next due job": WHERE status = 'queued' AND run_at <= now ORDER BY run_at, id LIMIT 1.
        Index("ix_jobs_status_run_at", "status", "run_at", "id"),
        Index(
            "uq_jobs_dedupe_key_active",
            "dedupe_key",
            unique=True,
            sqlite_where=ACTIVE_CONDITION,
            postgresql_where=ACTIVE_CONDITION,
        ),
        CheckConstraint("status IN ('queued', 'running', 'done', 'dead')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    run_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"


class DeliveryState(enum.StrEnum):
    SENDING = "sending"  # the mail server is being given the message: it may or may not have accepted it
    SENT = "sent"  # the mail server accepted the message
    UNCERTAIN = "uncertain"  # a run stopped while sending; the job was made dead rather than send again


class EmailDelivery(Model):
    """What became of an "email.send" job's message, recorded apart from the job's own transaction
    (see courseware.jobs.emails): it survives a worker that dies before marking the job done."""

    __tablename__ = "email_deliveries"
    __table_args__ = (CheckConstraint("state IN ('sending', 'sent', 'uncertain')", name="state"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    attempt: Mapped[int]  # the run of the job that last changed the state
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
