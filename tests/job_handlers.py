"""Job handlers for the tests, and an app factory for workers the tests start as processes.

``flask --app tests.job_handlers:create_app jobs work`` is a worker that knows these handlers;
with COURSEWARE_ENV=test it uses TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from courseware import jobs
from courseware.extensions import db

# Kept out of the app's metadata, so that the migrations still match the models.
metadata = sa.MetaData()
runs = sa.Table(
    "test_job_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False, unique=True),  # a job run twice cannot record twice
    sa.Column("worker", sa.String(200)),
)

overrun_calls: list[int] = []
rescues: list[jobs.WorkReport] = []


def _record(n: int, worker: str | None = None) -> None:
    db.session.execute(runs.insert().values(n=n, worker=worker or threading.current_thread().name))


@jobs.handler("test.record")
def record(payload: dict) -> None:
    """Records ``n``; the worker commits the row together with marking the job done."""
    _record(payload["n"])


@jobs.handler("test.fail", max_attempts=3)
def fail(payload: dict) -> None:
    """Writes a row, then fails: the row must be rolled back."""
    if "n" in payload:
        _record(payload["n"])
    raise RuntimeError(payload.get("message", "this job always fails"))


@jobs.handler("test.wait", timeout=60)
def wait(payload: dict) -> None:
    """Says it started (a file), waits until the gate file exists, then records ``n``."""
    Path(payload["started"]).write_text(str(os.getpid()))
    gate = Path(payload["gate"])
    deadline = time.monotonic() + 60
    while not gate.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the gate never opened")
        time.sleep(0.02)
    _record(payload["n"], worker=str(os.getpid()))


@jobs.handler("test.overrun", timeout=30)
def overrun(payload: dict) -> None:
    """The first run outlives its lease: meanwhile another worker, at a later clock, takes the job
    over and records ``n``; the first run then records ``n + 1000``, which must not be kept."""
    overrun_calls.append(1)
    if len(overrun_calls) == 1:
        rescues.append(jobs.work(now=datetime.fromisoformat(payload["later"]), worker_id="rescuer"))
        _record(payload["n"] + 1000)
    else:
        _record(payload["n"])


def create_app():
    from courseware import create_app as build

    return build()
