"""The job table: enqueue in the caller's transaction, claim with a lease, run, retry with backoff.

A job is claimed by one worker at a time: on PostgreSQL the claim locks the next due row with
``SELECT ... FOR UPDATE SKIP LOCKED`` (workers never wait for each other), on SQLite it is a
conditional UPDATE that only one writer can win. The claim is committed, with a lease, before the
handler runs; the handler runs in its own application context (its own session), and the job is
marked done in the handler's transaction, so what the handler wrote and "done" commit together.

A worker that dies mid-job leaves the job ``running`` until its lease ends; the next worker then
takes it again, and the cut-short run counts as an attempt. Running is therefore at least once:
a handler whose effect leaves the database must record that effect itself, as "email.send" does
(``courseware.jobs.emails``), to avoid repeating it; it may raise ``GiveUp`` to make the job dead
at once. See docs/jobs.md.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import secrets
import socket
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from courseware.database import affected
from courseware.extensions import db
from courseware.models.base import utcnow
from courseware.models.job import ACTIVE_CONDITION, ACTIVE_STATUSES, Job, JobStatus

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_TIMEOUT = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
JITTER = 0.1  # a retry waits up to 10 % longer than its backoff, so failed jobs do not return in step
ERROR_LENGTH = 4000
KEY_LENGTH = 200
KIND = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
LEASE_EXPIRED = "lease expired: the worker stopped, or the job ran longer than its handler's timeout"

QUEUED, RUNNING, DONE, DEAD = (s.value for s in JobStatus)


@dataclass(frozen=True)
class Handler:
    kind: str
    fn: Callable[[dict[str, Any]], None]
    max_attempts: int
    timeout: timedelta  # the lease: after this long without a result, another worker may run the job


@dataclass(frozen=True)
class WorkReport:
    done: int = 0
    failed: int = 0  # failed and queued again for a later attempt
    dead: int = 0  # failed for the last time (or left running by a dead worker on its last attempt)
    lost: int = 0  # finished after its lease had been taken over; the result was not recorded

    @property
    def processed(self) -> int:
        return self.done + self.failed + self.dead + self.lost

    def __add__(self, other: WorkReport) -> WorkReport:
        return WorkReport(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.done, self.failed, self.dead, self.lost)


@dataclass(frozen=True)
class RetryResult:
    requeued: int
    skipped: int  # dead jobs whose dedupe key is already taken by a queued or running job


@dataclass(frozen=True)
class _Claim:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


class GiveUp(Exception):
    """Raised by a handler when running the job again by itself would do harm: the job becomes dead at
    once, with this message, whatever attempts it has left; an admin may retry it knowingly."""


_handlers: dict[str, Handler] = {}
_running: ContextVar[int | None] = ContextVar("courseware_job_running", default=None)


def current_job_id() -> int:
    """The id of the job whose handler is running (for handlers that record their own effects)."""
    job_id = _running.get()
    if job_id is None:
        raise RuntimeError("no job is running in this context")
    return job_id


# --- registering handlers --------------------------------------------------------------------------


def handler(
    kind: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, timeout: float | timedelta = DEFAULT_TIMEOUT
) -> Callable[[Callable[[dict[str, Any]], None]], Callable[[dict[str, Any]], None]]:
    """Register ``fn(payload)`` as the handler of jobs of ``kind``; use as a decorator at import time.

    The handler runs inside an application context with a session of its own. Returning means
    done; raising means the attempt failed and the job is tried again after a backoff, until
    ``max_attempts`` runs have failed (then it is dead). ``timeout`` (seconds or a timedelta) is
    the job's lease: a job still unfinished that long after it started is run again elsewhere.
    """
    if not isinstance(kind, str) or not KIND.fullmatch(kind):
        raise ValueError(f"a job kind is 1 to 100 characters of a-z, 0-9, '.', '_', '-': {kind!r}")
    if not isinstance(max_attempts, int) or max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    lease = timeout if isinstance(timeout, timedelta) else timedelta(seconds=timeout)
    if lease <= timedelta(0):
        raise ValueError("timeout must be positive")

    def register(fn: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        existing = _handlers.get(kind)
        if existing is not None and _name(existing.fn) != _name(fn):
            raise ValueError(f"jobs of kind {kind!r} are already handled by {_name(existing.fn)}")
        _handlers[kind] = Handler(kind, fn, max_attempts, lease)
        return fn

    return register


def registered(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise ValueError(f"no handler is registered for jobs of kind {kind!r}") from None


def _name(fn: Callable) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


# --- enqueueing ------------------------------------------------------------------------------------


def enqueue(
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job to the session; the caller commits it with the change that calls for it.

    ``run_at`` delays it; ``key`` makes it unique among queued and running jobs: while a job
    with the same key waits or runs, that job is returned and nothing is added.
    """
    row = _row(kind, payload, run_at, max_attempts, utcnow())
    if key is None:
        job = Job(**row)
        db.session.add(job)
        return job
    if not isinstance(key, str) or not 1 <= len(key) <= KEY_LENGTH:
        raise ValueError(f"key must be 1 to {KEY_LENGTH} characters")
    row["dedupe_key"] = key
    return _enqueue_once(row)


def enqueue_many(
    kind: str,
    payloads: Iterable[dict[str, Any]],
    *,
    run_at: datetime | None = None,
    max_attempts: int | None = None,
) -> int:
    """Add many jobs of one kind in a bulk insert; the caller commits. Returns how many.

    Every payload is checked before any job is inserted.
    """
    now = utcnow()
    rows = [_row(kind, payload, run_at, max_attempts, now) for payload in payloads]
    if rows:
        db.session.execute(insert(Job), rows)
    return len(rows)


def _row(
    kind: str, payload: dict[str, Any], run_at: datetime | None, max_attempts: int | None, now: datetime
) -> dict[str, Any]:
    handler_ = registered(kind)
    if not isinstance(payload, dict):
        raise ValueError(f"the payload of a job is a dict, not {type(payload).__name__}")
    try:
        stored = json.loads(json.dumps(payload, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the payload of a {kind!r} job is not JSON: {exc}") from None
    if stored != payload:
        raise ValueError(f"the payload of a {kind!r} job would change when stored as JSON (use str keys and lists)")
    if run_at is not None:
        _require_aware(run_at)
    if max_attempts is None:
        max_attempts = handler_.max_attempts
    elif not isinstance(max_attempts, int) or max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    return {
        "kind": kind,
        "payload": stored,
        "status": QUEUED,
        "attempts": 0,
        "max_attempts": max_attempts,
        "run_at": run_at or now,
        "created_at": now,
    }


def enqueue_unless_held(kind: str, payload: dict[str, Any], *, key: str, run_at: datetime | None = None) -> int | None:
    """Add a job with ``key`` unless a queued or running job holds the key: the new job's id, or None.
    The caller commits. Of transactions adding the same key at once, one adds it (PostgreSQL makes the
    others wait for it, then add nothing)."""
    if not isinstance(key, str) or not 1 <= len(key) <= KEY_LENGTH:
        raise ValueError(f"key must be 1 to {KEY_LENGTH} characters")
    row = {**_row(kind, payload, run_at, None, utcnow()), "dedupe_key": key}
    dialect = db.session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        upsert(Job)
        .values(**row)
        .on_conflict_do_nothing(index_elements=[Job.dedupe_key], index_where=ACTIVE_CONDITION)
        .returning(Job.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def keys_since(prefix: str, since: datetime) -> set[str]:
    """The keys starting with ``prefix`` of the jobs queued since ``since`` that are not dead."""
    _require_aware(since)
    query = select(Job.dedupe_key).where(
        Job.dedupe_key.startswith(prefix, autoescape=True), Job.created_at >= since, Job.status != DEAD
    )
    return {key for key in db.session.scalars(query) if key is not None}


def _enqueue_once(row: dict[str, Any]) -> Job:
    """Insert unless a queued or running job has the key; either way return the job that has it."""
    dialect = db.session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert  # the two databases Courseware runs on
    active = select(Job).where(Job.dedupe_key == row["dedupe_key"], Job.status.in_(ACTIVE_STATUSES))
    for _ in range(3):
        # A rival transaction inserting the same key makes PostgreSQL wait for it, then do nothing.
        statement = (
            upsert(Job)
            .values(**row)
            .on_conflict_do_nothing(index_elements=[Job.dedupe_key], index_where=ACTIVE_CONDITION)
            .returning(Job.id)
        )
        new_id = db.session.execute(statement).scalar_one_or_none()
        if new_id is not None:
            return db.session.get_one(Job, new_id)
        existing = db.session.scalar(active)
        if existing is not None:
            return existing
        # The job holding the key finished in between: insert again.
    raise RuntimeError(f"could not enqueue the job with key {row['dedupe_key']!r}")


# --- working ---------------------------------------------------------------------------------------


def new_worker_id(name: str = "") -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{name or secrets.token_hex(3)}"[:200]


def work(
    limit: int = 100,
    worker_id: str | None = None,
    now: datetime | None = None,
    *,
    stop: threading.Event | None = None,
) -> WorkReport:
    """Run up to ``limit`` due jobs, one after the other, and return what became of them.

    Stops early when no job is due or ``stop`` is set (the job in hand is finished first).
    ``now`` (for tests) fixes the clock for leases, backoff and timestamps. Needs an application
    context; the caller's session is not used, every step has a session of its own.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if now is not None:
        _require_aware(now)
    app = current_app.app_context().app  # the application itself, for the threads that run jobs
    worker_id = (worker_id or new_worker_id())[:200]

    def clock() -> datetime:
        return now if now is not None else utcnow()

    outcomes: Counter[str] = Counter()
    with app.app_context():
        outcomes["dead"] += _reclaim_expired(clock())
    for _ in range(limit):
        if stop is not None and stop.is_set():
            break
        # A new application context per job: a session and `g` of its own, removed afterwards.
        with app.app_context():
            claim = _claim_next(worker_id, clock())
            if claim is None:
                break
            outcomes[_run(claim, worker_id, clock)] += 1
    return WorkReport(done=outcomes["done"], failed=outcomes["failed"], dead=outcomes["dead"], lost=outcomes["lost"])


def _reclaim_expired(now: datetime) -> int:
    """Hand back the jobs whose worker's lease has passed; a last attempt becomes dead. Commits."""
    expired = (Job.status == RUNNING, Job.lease_until < now)
    if db.session.scalar(select(Job.id).where(*expired).limit(1)) is None:
        db.session.commit()
        return 0  # the usual case: no write at all (on SQLite, a write waits for every other writer)
    dead = affected(
        db.session.execute(
            update(Job)
            .where(*expired, Job.attempts >= Job.max_attempts)
            .values(status=DEAD, lease_until=None, finished_at=now, last_error=LEASE_EXPIRED)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.execute(
        update(Job)
        .where(*expired)
        .values(status=QUEUED, lease_until=None, run_at=now, last_error=LEASE_EXPIRED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return dead


def _claim_next(worker_id: str, now: datetime) -> _Claim | None:
    """Lease the next due job to this worker and commit; None when nothing is due.

    One statement: ``UPDATE jobs SET status = 'running', ... WHERE id = (SELECT id ... ORDER BY
    run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ...``. On PostgreSQL the subquery locks
    the row it picks and skips rows that other workers are claiming, so workers never wait for
    each other nor take the same job; SQLite has no row locks (FOR UPDATE is left out) but runs
    one writing statement at a time, so the pick and the update happen as one.
    """
    pick = (
        select(Job.id)
        .where(Job.status == QUEUED, Job.run_at <= now)
        .order_by(Job.run_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    row = db.session.execute(
        update(Job)
        .where(Job.id == pick, Job.status == QUEUED)
        .values(
            status=RUNNING,
            attempts=Job.attempts + 1,
            lease_until=now + DEFAULT_TIMEOUT,
            worker_id=worker_id,
            started_at=now,
        )
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        db.session.commit()
        return None
    handler_ = _handlers.get(row.kind)
    if handler_ is not None and handler_.timeout != DEFAULT_TIMEOUT:
        db.session.execute(
            update(Job)
            .where(Job.id == row.id)
            .values(lease_until=now + handler_.timeout)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return _Claim(row.id, row.kind, row.payload, row.attempts, row.max_attempts)


def _still_ours(claim: _Claim, worker_id: str) -> tuple:
    """The job is as this worker claimed it: no other worker has claimed it since, nobody reset it."""
    return (Job.id == claim.id, Job.worker_id == worker_id, Job.attempts == claim.attempts, Job.status != DONE)


def _run(claim: _Claim, worker_id: str, clock: Callable[[], datetime]) -> str:
    """Run a claimed job in the current application context, whose session holds nothing yet."""
    handler_ = _handlers.get(claim.kind)
    try:
        if handler_ is None:
            raise LookupError(f"no handler is registered for jobs of kind {claim.kind!r} in this worker")
        running = _running.set(claim.id)
        try:
            handler_.fn(claim.payload)
        finally:
            _running.reset(running)
        finished = affected(
            db.session.execute(
                update(Job)
                .where(*_still_ours(claim, worker_id))
                .values(status=DONE, lease_until=None, finished_at=clock())
                .execution_options(synchronize_session=False)
            )
        )
        if finished != 1:
            db.session.rollback()  # another worker owns the job now: what this run wrote is not kept
            log.warning("job %s (%s) ended after its lease was taken over; result discarded", claim.id, claim.kind)
            return "lost"
        db.session.commit()
        return "done"
    except Exception as exc:
        db.session.rollback()
        return _record_failure(claim, worker_id, exc, clock())
    except BaseException as exc:  # KeyboardInterrupt, SystemExit: hand the job back, then stop
        db.session.rollback()
        try:
            _release(claim, worker_id, exc, clock())
        except Exception:
            log.exception("job %s could not be handed back; it runs again when its lease ends", claim.id)
        raise


def _record_failure(claim: _Claim, worker_id: str, exc: BaseException, now: datetime) -> str:
    final = claim.attempts >= claim.max_attempts or isinstance(exc, GiveUp)
    values: dict[str, Any] = {"lease_until": None, "last_error": describe(exc)}
    if final:
        values.update(status=DEAD, finished_at=now)
    else:
        values.update(status=QUEUED, run_at=now + retry_delay(claim.attempts))
    recorded = affected(
        db.session.execute(
            update(Job)
            .where(*_still_ours(claim, worker_id))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    if recorded != 1:
        return "lost"
    log.warning(
        "job %s (%s) failed, attempt %s of %s%s",
        claim.id,
        claim.kind,
        claim.attempts,
        claim.max_attempts,
        ": dead" if final else f"; next attempt at {values['run_at']:%Y-%m-%d %H:%M:%S} UTC",
        exc_info=exc,
    )
    return "dead" if final else "failed"


def _release(claim: _Claim, worker_id: str, exc: BaseException, now: datetime) -> None:
    db.session.execute(
        update(Job)
        .where(*_still_ours(claim, worker_id))
        .values(status=QUEUED, lease_until=None, run_at=now, last_error=f"interrupted: {type(exc).__name__}")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed run: 1 minute, doubling, at most 6 hours."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    if attempts > 20:  # 2**20 minutes is far past the cap
        return LONGEST_RETRY
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def retry_delay(attempts: int) -> timedelta:
    """The backoff plus up to 10 % of jitter."""
    return backoff(attempts) * (1 + random.uniform(0, JITTER))


def describe(exc: BaseException) -> str:
    """``Type: message``, then the end of the traceback, within ERROR_LENGTH characters."""
    summary = f"{type(exc).__name__}: {exc}"[:1000]
    trace = "".join(traceback.format_exception(exc))
    room = ERROR_LENGTH - len(summary) - 2
    return f"{summary}\n\n{trace[-room:]}" if room > 0 else summary[:ERROR_LENGTH]


def _require_aware(when: datetime) -> None:
    if when.tzinfo is None:
        raise ValueError("naive datetime given; use courseware.models.base.utcnow()")


# --- looking and retrying --------------------------------------------------------------------------


def find(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def counts() -> dict[str, dict[str, int]]:
    """How many jobs of each kind are in each status: ``{kind: {status: count}}``."""
    result: dict[str, dict[str, int]] = {}
    rows = db.session.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status))
    for kind, status, count in rows:
        result.setdefault(kind, dict.fromkeys((s.value for s in JobStatus), 0))[status] = count
    return dict(sorted(result.items()))


def jobs_in(status: str, *, kind: str | None = None, limit: int = 100) -> list[Job]:
    """The latest jobs in a status, newest first."""
    query = select(Job).where(Job.status == status)
    if kind:
        query = query.where(Job.kind == kind)
    return list(db.session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def retry(ids: Iterable[int] | None = None, *, kind: str | None = None, now: datetime | None = None) -> RetryResult:
    """Queue dead jobs again, due at once with a fresh set of attempts: those of ``ids``, or every
    dead job (of ``kind``). A dead job whose key a queued or running job holds stays dead. Commits."""
    now = now if now is not None else utcnow()
    _require_aware(now)
    dead = [Job.status == DEAD]
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return RetryResult(0, 0)
        dead.append(Job.id.in_(wanted))
    if kind:
        dead.append(Job.kind == kind)
    fresh = {"status": QUEUED, "attempts": 0, "run_at": now, "lease_until": None, "finished_at": None}
    requeued = affected(
        db.session.execute(
            update(Job)
            .where(*dead, Job.dedupe_key.is_(None))
            .values(**fresh)
            .execution_options(synchronize_session=False)
        )
    )
    skipped = 0
    other = aliased(Job)
    held = exists().where(other.dedupe_key == Job.dedupe_key, other.status.in_(ACTIVE_STATUSES))
    keyed = list(db.session.scalars(select(Job.id).where(*dead, Job.dedupe_key.is_not(None)).order_by(Job.id)))
    for job_id in keyed:
        try:
            with db.session.begin_nested():
                done = affected(
                    db.session.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.status == DEAD, ~held)
                        .values(**fresh)
                        .execution_options(synchronize_session=False)
                    )
                )
        except IntegrityError:  # a job with the key was queued concurrently
            done = 0
        requeued += done
        skipped += 1 - done
    db.session.commit()
    return RetryResult(requeued=requeued, skipped=skipped)


def purge_done(older_than: timedelta, *, now: datetime | None = None) -> int:
    """Delete done jobs that finished more than ``older_than`` ago; returns how many. Commits.

    Their payloads may hold what should not be kept forever (an email with a reset link)."""
    now = now if now is not None else utcnow()
    _require_aware(now)
    deleted = affected(
        db.session.execute(
            delete(Job)
            .where(Job.status == DONE, Job.finished_at < now - older_than)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    return deleted
