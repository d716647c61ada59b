"""Jobs: enqueued in the caller's transaction, run by workers with leases, retried with backoff, dead after
their last attempt, retried from the admin page and the command line; email goes through them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError

import config
from courseware import jobs
from courseware.extensions import db
from courseware.jobs.core import LEASE_EXPIRED, backoff
from courseware.jobs.worker import in_process_worker
from courseware.models import EmailDelivery, Job, User
from courseware.models.base import utcnow
from tests import job_handlers
from tests.conftest import CSRF_META

ROOT = Path(__file__).resolve().parent.parent
WorkReport = jobs.WorkReport


class FlakyHandler:
    """An SMTP server's handler that answers 451 (try again later) until told to accept."""

    def __init__(self) -> None:
        self.accepting = False
        self.refused = 0
        self.received: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if not self.accepting:
            self.refused += 1
            return "451 4.3.0 Temporary failure, try again later"
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, envelope.content))
        return "250 OK"

    def recipients(self) -> Counter:
        return Counter(recipient for recipient, _ in self.received)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), server_hostname="localhost")
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    _, port = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    with app.app_context():
        yield app


@pytest.fixture
def unreachable_app(make_app):
    """MAIL_SERVER points at a port nobody listens on: every connection is refused."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_USE_TLS=False)
    with app.app_context():
        yield app


@pytest.fixture
def runs(app):
    """The table the test handlers record their runs in (see tests/job_handlers.py)."""
    job_handlers.runs.create(db.engine, checkfirst=True)
    job_handlers.overrun_calls.clear()
    job_handlers.rescues.clear()
    yield job_handlers.runs
    db.session.remove()
    job_handlers.runs.drop(db.engine, checkfirst=True)


@dataclass(frozen=True)
class QueuedEmail:
    """An "email.send" job, as the tests of the areas that send mail look at it."""

    id: int
    to_address: str
    subject: str
    body: str
    kind: str
    status: str
    attempts: int


def queued_emails(kind: str | None = None) -> list[QueuedEmail]:
    """The email jobs (of one kind of mail: ``invitation``, ``reminder``, ...), oldest first."""
    found = []
    for job in _jobs(jobs.EMAIL_SEND):
        mail = job.payload
        if kind is None or mail["kind"] == kind:
            found.append(
                QueuedEmail(job.id, mail["to"], mail["subject"], mail["body"], mail["kind"], job.status, job.attempts)
            )
    return found


def _jobs(kind: str | None = None) -> list[Job]:
    db.session.expire_all()
    query = select(Job).order_by(Job.id)
    if kind:
        query = query.where(Job.kind == kind)
    return list(db.session.scalars(query))


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get_one(Job, job_id)


def _records() -> dict[int, str]:
    db.session.rollback()
    return dict(db.session.execute(select(job_handlers.runs.c.n, job_handlers.runs.c.worker)).all())


def _mail_files(app) -> list[Path]:
    folder = app.config["MAIL_DIR"]
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _queue_emails(count: int, kind: str = "reminder", prefix: str = "teacher") -> list[int]:
    queued = [jobs.enqueue_email(f"{prefix}{n}@example.org", f"Subject {n}", f"Body {n}\n", kind) for n in range(count)]
    db.session.commit()
    return [job.id for job in queued]


def run_until_dead(job_id: int) -> None:
    """Run a failing job at ever later clocks until it is dead."""
    when = utcnow()
    while _job(job_id).status != "dead":
        jobs.work(now=when)
        when += timedelta(hours=7)  # past the longest backoff


def _page(response) -> str:
    """The page without its CSRF token, which differs from one request to the next."""
    return CSRF_META.sub("", response.get_data(as_text=True))


def _within_backoff(wait: timedelta, attempts: int) -> bool:
    return backoff(attempts) <= wait <= backoff(attempts) * 1.1


# --- enqueueing --------------------------------------------------------------------------------------


def test_enqueue_adds_a_queued_job_that_the_caller_commits(app):
    job = jobs.enqueue("test.record", {"n": 1, "note": ["a", {"b": None}]})
    assert job in db.session.new
    db.session.commit()
    (row,) = _jobs()
    assert row.id == job.id
    assert (row.kind, row.payload, row.status, row.attempts, row.max_attempts) == (
        "test.record",
        {"n": 1, "note": ["a", {"b": None}]},
        "queued",
        0,
        jobs.registered("test.record").max_attempts,
    )
    assert row.run_at <= utcnow() and row.created_at <= utcnow()
    assert row.lease_until is row.worker_id is row.last_error is row.finished_at is row.dedupe_key is None

    later = utcnow() + timedelta(hours=1)
    delayed = jobs.enqueue("test.fail", {}, run_at=later, max_attempts=7)
    db.session.commit()
    assert (_job(delayed.id).run_at, _job(delayed.id).max_attempts) == (later, 7)


def test_a_job_is_written_with_the_change_that_causes_it_or_not_at_all(app, make_user):
    user = make_user(email="jordan@example.org")
    user.name = "Jordan R"
    jobs.enqueue("test.record", {"n": 1})
    db.session.rollback()
    assert _jobs() == []
    assert db.session.get(User, user.id).name != "Jordan R"

    db.session.add(User(name="Twin", email="jordan@example.org", password_hash="!"))  # the address is taken
    jobs.enqueue("test.record", {"n": 2})
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _jobs() == []

    jobs.enqueue("test.record", {"n": 3})
    db.session.commit()
    assert [job.payload for job in _jobs()] == [{"n": 3}]


@pytest.mark.parametrize(
    ("kind", "payload", "options"),
    [
        ("nobody.handles.this", {}, {}),
        ("test.record", ["not", "a", "dict"], {}),
        ("test.record", {"when": utcnow()}, {}),
        ("test.record", {"ids": {1, 2}}, {}),
        ("test.record", {"pair": (1, 2)}, {}),
        ("test.record", {1: "int key"}, {}),
        ("test.record", {"x": float("nan")}, {}),
        ("test.record", {}, {"run_at": utcnow().replace(tzinfo=None)}),
        ("test.record", {}, {"max_attempts": 0}),
        ("test.record", {}, {"key": ""}),
        ("test.record", {}, {"key": "k" * 201}),
    ],
)
def test_enqueue_refuses_unknown_kinds_and_what_cannot_be_stored(app, kind, payload, options):
    with pytest.raises(ValueError):
        jobs.enqueue(kind, payload, **options)
    if "key" not in options:
        with pytest.raises(ValueError):
            jobs.enqueue_many(kind, [{"fine": True}, payload], **options)
    db.session.commit()
    assert _jobs() == []


def test_handlers_are_registered_once_per_kind():
    with pytest.raises(ValueError, match="already handled"):
        jobs.handler("test.record")(lambda payload: None)
    jobs.handler("test.record")(job_handlers.record)  # the same function again (a module reloaded) is fine
    assert jobs.registered("test.record").fn is job_handlers.record
    for bad in ("", "Upper.case", "with space", "x" * 101):
        with pytest.raises(ValueError):
            jobs.handler(bad)
    with pytest.raises(ValueError):
        jobs.handler("test.other", max_attempts=0)
    with pytest.raises(ValueError):
        jobs.handler("test.other", timeout=0)
    with pytest.raises(ValueError, match="no handler"):
        jobs.registered("test.other")


@pytest.mark.parametrize(
    ("to", "subject", "kind"),
    [
        ("", "Hello", "reminder"),
        ("a@example.org\nBcc: everyone@example.org", "Hello", "reminder"),
        ("a@example.org", "Hello\r\nBcc: everyone@example.org", "reminder"),
        ("a@example.org", "x" * 301, "reminder"),
        ("a@example.org", "Hello", ""),
        ("a@example.org", "Hello", "k" * 41),
    ],
)
def test_enqueue_email_refuses_what_could_not_be_sent(app, to, subject, kind):
    with pytest.raises(ValueError):
        jobs.enqueue_email(to, subject, "body", kind)
    with pytest.raises(ValueError):
        jobs.enqueue_emails([("ok@example.org", "Fine", "body", "reminder"), (to, subject, "body", kind)])
    db.session.commit()
    assert _jobs() == []


def test_enqueue_email_queues_an_email_send_job(app):
    job = jobs.enqueue_email("  jordan@example.org ", "Your course starts Monday", "Hello Jordan\n", "reminder")
    db.session.commit()
    (row,) = _jobs()
    assert row.id == job.id and row.kind == jobs.EMAIL_SEND == "email.send"
    assert row.payload == {
        "to": "jordan@example.org",
        "subject": "Your course starts Monday",
        "body": "Hello Jordan\n",
        "kind": "reminder",
    }
    assert row.max_attempts == 12


def test_enqueue_many_inserts_thousands_in_one_go(app):
    inserts = []

    def count_inserts(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_inserts)
    try:
        added = jobs.enqueue_emails(
            (f"teacher{n}@example.org", "New course assigned", f"Hello {n}", "invitation") for n in range(3000)
        )
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_inserts)
    assert added == 3000
    assert len(inserts) <= 3  # one executemany, or a few multi-row INSERTs; never one per job
    rows = _jobs()
    assert len(rows) == 3000
    assert {row.payload["kind"] for row in rows} == {"invitation"}
    assert all(row.status == "queued" and row.attempts == 0 for row in rows)
    assert jobs.enqueue_many("test.record", []) == 0


# --- dedupe keys -------------------------------------------------------------------------------------


def test_a_dedupe_key_queues_a_job_once_while_it_waits_or_runs(app, runs):
    first = jobs.enqueue("test.record", {"n": 1}, key="record 1")
    again = jobs.enqueue("test.record", {"n": 1}, key="record 1")  # in the same transaction
    db.session.commit()
    assert again.id == first.id
    assert jobs.enqueue("test.record", {"n": 1}, key="record 1").id == first.id  # in a later one
    other = jobs.enqueue("test.record", {"n": 2}, key="record 2")
    db.session.commit()
    assert other.id != first.id and len(_jobs()) == 2

    assert jobs.work() == WorkReport(done=2)
    anew = jobs.enqueue("test.record", {"n": 3}, key="record 1")  # the first is done: the key is free
    db.session.commit()
    assert anew.id not in (first.id, other.id)
    assert [(job.dedupe_key, job.status) for job in _jobs()] == [
        ("record 1", "done"),
        ("record 2", "done"),
        ("record 1", "queued"),
    ]

    dead = jobs.enqueue("test.fail", {}, key="failing")
    db.session.commit()
    run_until_dead(dead.id)
    replacement = jobs.enqueue("test.fail", {}, key="failing")  # a dead job does not hold its key
    db.session.commit()
    assert replacement.id != dead.id
    assert jobs.retry([dead.id]) == jobs.RetryResult(requeued=0, skipped=1)  # the replacement holds it
    assert _job(dead.id).status == "dead"


def test_concurrent_enqueues_with_one_key_make_one_job(app):
    start = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def enqueuer():
        try:
            with app.app_context():
                start.wait()
                job = jobs.enqueue("test.record", {"n": 1}, key="once")
                db.session.commit()
                ids.append(job.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=enqueuer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(ids) == 2 and ids[0] == ids[1]
    assert len(_jobs()) == 1


# --- working -----------------------------------------------------------------------------------------


def test_work_runs_due_jobs_oldest_first_and_records_each_result(app, runs):
    now = utcnow()
    later = jobs.enqueue("test.record", {"n": 3}, run_at=now + timedelta(minutes=5))
    second = jobs.enqueue("test.record", {"n": 2}, run_at=now - timedelta(seconds=1))
    first = jobs.enqueue("test.record", {"n": 1}, run_at=now - timedelta(seconds=2))
    db.session.commit()

    assert jobs.work(limit=1, worker_id="w1", now=now) == WorkReport(done=1)
    assert _job(first.id).status == "done" and _job(second.id).status == "queued"
    assert jobs.work(worker_id="w1", now=now) == WorkReport(done=1)
    assert _job(later.id).status == "queued"
    assert jobs.work(now=now) == WorkReport()

    assert jobs.work(worker_id="w2", now=now + timedelta(minutes=5)) == WorkReport(done=1)
    for job, worker in ((first, "w1"), (second, "w1"), (later, "w2")):
        row = _job(job.id)
        assert (row.status, row.attempts, row.worker_id, row.lease_until) == ("done", 1, worker, None)
        assert row.started_at is not None and row.finished_at is not None
    assert sorted(_records()) == [1, 2, 3]
    with pytest.raises(ValueError):
        jobs.work(limit=0)


def test_a_failing_job_never_affects_the_others_and_what_it_wrote_is_rolled_back(app, runs):
    ok1 = jobs.enqueue("test.record", {"n": 1})
    bad = jobs.enqueue("test.fail", {"n": 2, "message": "the printer is on fire"})
    ok2 = jobs.enqueue("test.record", {"n": 3})
    db.session.commit()
    now = utcnow()
    assert jobs.work(now=now) == WorkReport(done=2, failed=1)
    assert _records().keys() == {1, 3}  # the failing handler's row was rolled back
    assert _job(ok1.id).status == _job(ok2.id).status == "done"
    row = _job(bad.id)
    assert (row.status, row.attempts, row.lease_until) == ("queued", 1, None)
    assert row.last_error.startswith("RuntimeError: the printer is on fire\n\nTraceback")
    assert "job_handlers.py" in row.last_error
    assert _within_backoff(row.run_at - now, 1)


def test_a_handler_runs_in_a_session_of_its_own(app, runs, make_user):
    user = make_user(name="Before")
    jobs.enqueue("test.record", {"n": 1})
    db.session.commit()
    user.name = "Not committed"  # pending in the caller's session
    assert jobs.work() == WorkReport(done=1)
    assert user in db.session.dirty  # the worker neither committed nor discarded the caller's change
    db.session.rollback()
    assert db.session.get(User, user.id).name == "Before"


def test_a_job_without_a_handler_in_this_worker_fails_and_waits_for_one(app):
    db.session.add(Job(kind="retired.kind", payload={}, max_attempts=2))
    db.session.commit()
    assert jobs.work() == WorkReport(failed=1)
    (row,) = _jobs()
    assert row.status == "queued"
    assert row.last_error.startswith("LookupError: no handler is registered for jobs of kind 'retired.kind'")


def test_failures_back_off_and_the_last_one_makes_the_job_dead(app, runs):
    job = jobs.enqueue("test.fail", {"n": 1, "message": "still broken"})  # max_attempts=3
    db.session.commit()
    now = utcnow()
    assert jobs.work(now=now) == WorkReport(failed=1)
    first = _job(job.id).run_at
    assert _within_backoff(first - now, 1)
    assert jobs.work(now=first - timedelta(seconds=1)) == WorkReport()  # not due yet

    assert jobs.work(now=first) == WorkReport(failed=1)
    second = _job(job.id).run_at
    assert _job(job.id).attempts == 2 and _within_backoff(second - first, 2)

    assert jobs.work(now=second) == WorkReport(dead=1)
    dead = _job(job.id)
    assert (dead.status, dead.attempts, dead.lease_until, dead.finished_at) == ("dead", 3, None, second)
    assert dead.last_error.startswith("RuntimeError: still broken")
    assert jobs.work(now=now + timedelta(days=30)) == WorkReport()
    assert _records() == {}


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 14)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360, 360]
    assert backoff(1000) == timedelta(hours=6)
    with pytest.raises(ValueError):
        backoff(0)


def test_a_finished_run_whose_lease_was_taken_over_is_not_recorded(app, runs):
    now = utcnow()
    later = now + timedelta(minutes=1)  # past the handler's 30-second lease
    job = jobs.enqueue("test.overrun", {"n": 5, "later": later.isoformat()}, run_at=now)
    db.session.commit()
    assert jobs.work(now=now, worker_id="slow") == WorkReport(lost=1)
    assert job_handlers.rescues == [WorkReport(done=1)]
    assert _records() == {5: "MainThread"}  # the rescuer's row; the slow run's row (1005) was rolled back
    row = _job(job.id)
    assert (row.status, row.attempts, row.worker_id) == ("done", 2, "rescuer")


def test_a_job_left_running_on_its_last_attempt_becomes_dead(app):
    now = utcnow()
    db.session.add(
        Job(
            kind="test.record",
            payload={"n": 1},
            status="running",
            attempts=3,
            max_attempts=3,
            worker_id="gone",
            lease_until=now - timedelta(seconds=1),
        )
    )
    db.session.commit()
    assert jobs.work(now=now) == WorkReport(dead=1)
    (row,) = _jobs()
    assert (row.status, row.last_error, row.finished_at) == ("dead", LEASE_EXPIRED, now)


# --- email -------------------------------------------------------------------------------------------


def test_email_jobs_write_to_the_mail_folder_without_a_mail_server(app):
    _queue_emails(3)
    assert jobs.work() == WorkReport(done=3)
    files = _mail_files(app)
    received = Counter(message_from_bytes(path.read_bytes())["To"] for path in files)
    assert received == Counter({f"teacher{n}@example.org": 1 for n in range(3)})
    assert jobs.work() == WorkReport()
    assert len(_mail_files(app)) == 3


def test_smtp_down_a_reset_request_answers_normally_and_the_mail_arrives_once_when_it_is_back(make_app, make_user):
    port = _free_port()  # nothing listens here yet
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    with app.app_context():
        user = make_user(name="Jordan Rivera", email="jordan@example.org")
        client = app.test_client()
        answered = client.submit("/forgot-password", {"email": user.email})
        unknown = client.submit("/forgot-password", {"email": "nobody@example.org"})
        assert answered.status_code == unknown.status_code == 200
        assert "Check your email" in answered.get_data(as_text=True)
        assert _page(answered).replace(user.email, "?") == _page(unknown).replace("nobody@example.org", "?")

        (job,) = _jobs()
        assert (job.kind, job.payload["to"], job.payload["kind"]) == ("email.send", user.email, "password-reset")
        now = utcnow()
        assert jobs.work(now=now) == WorkReport(failed=1)
        job = _job(job.id)
        assert (job.status, job.attempts) == ("queued", 1)
        assert "Connection refused" in job.last_error
        assert _within_backoff(job.run_at - now, 1)

        smtp = FlakyHandler()
        smtp.accepting = True
        controller = Controller(smtp, hostname="127.0.0.1", port=port, server_hostname="localhost")
        controller.start()
        try:
            assert jobs.work(now=now + timedelta(seconds=30)) == WorkReport()  # the retry is not due yet
            assert smtp.received == []
            assert jobs.work(now=now + timedelta(minutes=2)) == WorkReport(done=1)
            assert jobs.work(now=now + timedelta(days=1)) == WorkReport()
        finally:
            controller.stop()
        assert smtp.recipients() == Counter({"jordan@example.org": 1})
        message = message_from_bytes(smtp.received[0][1])
        assert message["Subject"] == "Reset your Courseware password"
        link = re.search(r"http://localhost(/reset-password/[\w-]+)", message.get_payload())
        assert link and client.get(link.group(1)).status_code == 200
        assert _job(job.id).status == "done"


def test_a_temporary_smtp_failure_is_retried_and_every_message_arrives_once(smtp_app, smtp_server):
    handler, _ = smtp_server
    ids = _queue_emails(5)
    now = utcnow()
    assert jobs.work(now=now) == WorkReport(failed=5)
    assert handler.refused == 5 and handler.received == []
    for row in _jobs():
        assert row.attempts == 1 and row.status == "queued" and "451" in row.last_error

    handler.accepting = True
    assert jobs.work(now=now + timedelta(seconds=30)) == WorkReport()
    later = now + timedelta(minutes=2)
    assert jobs.work(now=later) == WorkReport(done=5)
    assert handler.recipients() == Counter({f"teacher{n}@example.org": 1 for n in range(5)})
    for recipient, content in handler.received:
        message = message_from_bytes(content)
        n = recipient.removeprefix("teacher").removesuffix("@example.org")
        assert (message["To"], message["From"], message["Subject"]) == (
            recipient,
            smtp_app.config["MAIL_FROM"],
            f"Subject {n}",
        )
        assert message.get_payload().strip() == f"Body {n}"
    assert [(_job(i).status, _job(i).attempts, _job(i).finished_at) for i in ids] == [("done", 2, later)] * 5
    assert jobs.work(now=later + timedelta(hours=1)) == WorkReport()
    assert len(handler.received) == 5


class Killed(BaseException):
    """The worker's process dies here: nothing after this point runs and nothing is handed back."""


def _die_without_handing_back(monkeypatch) -> None:
    """A killed worker hands nothing back: its job stays running until its lease ends."""
    monkeypatch.setattr(jobs.core, "_release", lambda *args: None)


def test_a_worker_killed_between_the_server_accepting_a_message_and_marking_it_done_never_resends_it(
    smtp_app, smtp_server, monkeypatch
):
    handler, _ = smtp_server
    handler.accepting = True
    ids = _queue_emails(5)
    _die_without_handing_back(monkeypatch)

    def kill_at_the_third_done_mark(conn, cursor, statement, parameters, context, executemany):
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if statement.startswith("UPDATE jobs SET status") and "done" in values and len(handler.received) == 3:
            raise Killed

    event.listen(db.engine, "before_cursor_execute", kill_at_the_third_done_mark)
    now = utcnow()
    try:
        with pytest.raises(Killed):
            jobs.work(now=now)
    finally:
        event.remove(db.engine, "before_cursor_execute", kill_at_the_third_done_mark)
    assert [_job(i).status for i in ids] == ["done", "done", "running", "queued", "queued"]
    # Another worker takes the job once its lease has ended: the server has the message, so it is not sent again.
    assert jobs.work(now=now + timedelta(minutes=10)) == WorkReport(done=3)
    assert handler.recipients() == Counter({f"teacher{n}@example.org": 1 for n in range(5)})
    assert [_job(i).status for i in ids] == ["done"] * 5
    assert db.session.get_one(EmailDelivery, ids[2]).state == "sent"


def test_a_worker_killed_while_the_server_takes_a_message_leaves_it_dead_for_an_admin_not_resent(
    smtp_app, smtp_server, monkeypatch
):
    handler, _ = smtp_server
    handler.accepting = True
    ids = _queue_emails(5)
    _die_without_handing_back(monkeypatch)
    send = jobs.emails.send_mail

    def killed_as_the_server_accepts(to, subject, body):
        message = send(to, subject, body)
        if len(handler.received) == 3:
            raise Killed  # before the worker heard the server's answer, as far as anyone can tell
        return message

    monkeypatch.setattr(jobs.emails, "send_mail", killed_as_the_server_accepts)
    now = utcnow()
    with pytest.raises(Killed):
        jobs.work(now=now)
    monkeypatch.setattr(jobs.emails, "send_mail", send)
    assert jobs.work(now=now + timedelta(minutes=10)) == WorkReport(done=2, dead=1)
    assert handler.recipients() == Counter({f"teacher{n}@example.org": 1 for n in range(5)})
    uncertain = _job(ids[2])
    assert uncertain.status == "dead" and uncertain.attempts == 2 and "not sent again" in uncertain.last_error
    assert db.session.get_one(EmailDelivery, ids[2]).state == "uncertain"
    # An admin who has checked the mail server's log retries it: that is a deliberate second message.
    assert jobs.retry([ids[2]], now=now + timedelta(minutes=20)).requeued == 1
    assert jobs.work(now=now + timedelta(minutes=20)) == WorkReport(done=1)
    assert handler.recipients()["teacher2@example.org"] == 2
    db.session.expire_all()
    assert db.session.get_one(EmailDelivery, ids[2]).state == "sent"


def test_a_message_the_server_refused_leaves_no_mark_and_is_retried(smtp_app, smtp_server):
    handler, _ = smtp_server
    (job_id,) = _queue_emails(1)
    now = utcnow()
    assert jobs.work(now=now) == WorkReport(failed=1)
    assert db.session.get(EmailDelivery, job_id) is None
    handler.accepting = True
    assert jobs.work(now=now + timedelta(minutes=2)) == WorkReport(done=1)
    assert handler.recipients() == Counter({"teacher0@example.org": 1})


def test_email_is_tried_twelve_times_over_about_twenty_hours_then_dead(unreachable_app):
    (job_id,) = _queue_emails(1)
    now = utcnow()
    waits = []
    for attempt in range(1, 13):
        assert jobs.work(now=now) == (WorkReport(failed=1) if attempt < 12 else WorkReport(dead=1))
        row = _job(job_id)
        assert row.attempts == attempt
        if attempt < 12:
            waits.append(row.run_at - now)
            now = row.run_at
    assert all(_within_backoff(wait, n) for n, wait in enumerate(waits, start=1))
    assert timedelta(hours=20) < sum(waits, timedelta()) < timedelta(hours=23)  # 20.5 hours and jitter
    row = _job(job_id)
    assert row.status == "dead" and "Connection refused" in row.last_error


# --- several workers ---------------------------------------------------------------------------------


def _run_workers(app, count: int, limit: int) -> tuple[list[tuple[str, WorkReport]], list[BaseException]]:
    reports: list[tuple[str, WorkReport]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def worker(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                while (report := jobs.work(limit=limit, worker_id=name)).processed:
                    reports.append((name, report))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{n}",), name=f"w{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return reports, errors


def test_workers_running_at_once_run_every_job_exactly_once(app, runs):
    jobs.enqueue_many("test.record", ({"n": n} for n in range(300)))
    db.session.commit()
    reports, errors = _run_workers(app, 4, limit=25)
    assert not errors, errors
    assert sum((report for _, report in reports), WorkReport()) == WorkReport(done=300)
    assert sorted(_records()) == list(range(300))
    assert {(job.status, job.attempts) for job in _jobs()} == {("done", 1)}


@pytest.mark.postgres_only
def test_two_workers_on_postgresql_run_two_thousand_jobs_exactly_once(app, runs):
    jobs.enqueue_many("test.record", ({"n": n} for n in range(2000)))
    db.session.commit()
    started = time.monotonic()
    reports, errors = _run_workers(app, 2, limit=250)
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert sum((report for _, report in reports), WorkReport()) == WorkReport(done=2000)
    records = _records()
    assert sorted(records) == list(range(2000))  # each once: n is unique in the table
    per_worker = Counter(records.values())
    assert set(per_worker) == {"w0", "w1"} and min(per_worker.values()) >= 200, per_worker
    by_job = Counter(
        db.session.execute(select(Job.status, Job.attempts, Job.worker_id).where(Job.kind == "test.record")).all()
    )
    assert by_job == Counter({("done", 1, "w0"): per_worker["w0"], ("done", 1, "w1"): per_worker["w1"]})
    assert elapsed < 60, f"{elapsed:.1f} s"  # about 6 s on an idle 2-core machine; more when it is busy


def _worker_process(database_url: str, tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "COURSEWARE_ENV": "test",
        "TEST_DATABASE_URL": database_url,
        "COURSEWARE_INSTANCE": str(tmp_path / "worker-instance"),
    }
    env.pop("FLASK_APP", None)
    with (tmp_path / "worker.log").open("w") as log:  # the worker writes to its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tests.job_handlers:create_app", "jobs", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _wait_for(condition, process: subprocess.Popen, tmp_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}: {(tmp_path / 'worker.log').read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not get there: {(tmp_path / 'worker.log').read_text()}")
        time.sleep(0.02)


def test_a_worker_killed_mid_job_leaves_the_job_to_another_worker(app, runs, database_url, tmp_path):
    started, gate = tmp_path / "started", tmp_path / "gate"
    job = jobs.enqueue("test.wait", {"n": 7, "started": str(started), "gate": str(gate)})
    db.session.commit()
    process = _worker_process(database_url, tmp_path, "work", "--limit", "1")
    try:
        _wait_for(started.exists, process, tmp_path)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    killed = _job(job.id)
    assert (killed.status, killed.attempts) == ("running", 1)
    assert f":{process.pid}:" in killed.worker_id
    assert killed.lease_until > utcnow() and killed.lease_until - killed.started_at == timedelta(seconds=60)
    assert jobs.work(now=utcnow()) == WorkReport()  # the lease still holds: nobody else takes it

    gate.touch()
    assert jobs.work(now=killed.lease_until + timedelta(seconds=1), worker_id="second") == WorkReport(done=1)
    row = _job(job.id)
    assert (row.status, row.attempts, row.worker_id, row.last_error) == ("done", 2, "second", LEASE_EXPIRED)
    assert _records() == {7: str(os.getpid())}


def test_sigterm_lets_a_worker_finish_its_job_then_stop(app, runs, database_url, tmp_path):
    started, gate = tmp_path / "started", tmp_path / "gate"
    waiting = jobs.enqueue("test.wait", {"n": 8, "started": str(started), "gate": str(gate)})
    db.session.commit()
    after = jobs.enqueue("test.record", {"n": 9})
    db.session.commit()
    process = _worker_process(database_url, tmp_path, "work", "--loop", "1")
    try:
        _wait_for(started.exists, process, tmp_path)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert process.poll() is None  # still busy with the job in hand
        gate.touch()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = (tmp_path / "worker.log").read_text()
    assert output.splitlines()[-2:] == ["done 1, failed 0, dead 0", "Stopped."], output
    assert (_job(waiting.id).status, _job(waiting.id).attempts) == ("done", 1)
    assert _job(after.id).status == "queued"  # not started after SIGTERM
    assert _records() == {8: str(process.pid)}


# --- the commands ------------------------------------------------------------------------------------


def test_work_command_runs_one_pass_and_says_what_happened(app, runner, runs):
    jobs.enqueue_many("test.record", ({"n": n} for n in range(3)))
    jobs.enqueue("test.fail", {})
    db.session.commit()
    result = runner.invoke(args=["jobs", "work", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert result.output == "done 2, failed 0, dead 0\n"
    result = runner.invoke(args=["jobs", "work"])
    assert result.output == "done 1, failed 1, dead 0\n"
    assert runner.invoke(args=["jobs", "work", "--limit", "0"]).exit_code == 2


def test_work_command_with_threads(app, runner, runs):
    jobs.enqueue_many("test.record", ({"n": n} for n in range(40)))
    db.session.commit()
    result = runner.invoke(args=["jobs", "work", "--threads", "3"])
    assert result.exit_code == 0, result.output
    assert result.output == "done 40, failed 0, dead 0\n"
    assert sorted(_records()) == list(range(40))


def test_work_loop_works_through_a_backlog_and_stops_on_sigterm(app, runner, runs):
    before = signal.getsignal(signal.SIGTERM)
    jobs.enqueue_many("test.record", ({"n": n} for n in range(3)))
    db.session.commit()

    def terminate_once_the_loop_listens():
        deadline = time.monotonic() + 10
        while signal.getsignal(signal.SIGTERM) is before:
            if time.monotonic() > deadline:
                return  # the loop never started; sending SIGTERM now would end the test run
            time.sleep(0.01)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    timer = threading.Thread(target=terminate_once_the_loop_listens)
    timer.start()
    result = runner.invoke(args=["jobs", "work", "--loop", "0.1", "--limit", "2"])
    timer.join()
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["done 2, failed 0, dead 0", "done 1, failed 0, dead 0", "Stopped."]
    assert signal.getsignal(signal.SIGTERM) is before


def _status(output: str) -> dict[str, list[int]]:
    rows = re.findall(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", output, re.M)
    return {kind: [int(n) for n in counts] for kind, *counts in rows}


def test_status_counts_jobs_by_kind_and_status(app, runner, runs):
    assert _status(runner.invoke(args=["jobs", "status"]).output) == {"total": [0, 0, 0, 0]}
    _queue_emails(3)
    failing = jobs.enqueue("test.fail", {})
    db.session.commit()
    run_until_dead(failing.id)  # and the emails are sent
    jobs.enqueue_many("test.record", ({"n": n} for n in range(2)))
    jobs.enqueue("test.record", {"n": 5}, run_at=utcnow() + timedelta(hours=1))
    taken = _jobs("test.record")[0].id
    db.session.execute(
        update(Job).where(Job.id == taken).values(status="running", lease_until=utcnow() + timedelta(minutes=5))
    )
    db.session.commit()
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["kind", "queued", "running", "done", "dead"]
    assert _status(result.output) == {
        "email.send": [0, 0, 3, 0],
        "test.fail": [0, 0, 0, 1],
        "test.record": [2, 1, 0, 0],
        "total": [2, 1, 3, 1],
    }
    assert "flask jobs retry --dead" in result.output


def test_list_and_retry_dead_jobs_from_the_command_line(app, runner):
    first = jobs.enqueue("test.fail", {"message": "first problem"})
    second = jobs.enqueue("test.fail", {"message": "second problem"})
    db.session.commit()
    for job in (first, second):
        run_until_dead(job.id)

    listed = runner.invoke(args=["jobs", "list", "--dead"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:5] == [str(second.id), "test.fail", "dead", "attempts", "3/3"]
    assert lines[0].endswith("RuntimeError: second problem") and lines[1].endswith("RuntimeError: first problem")
    assert runner.invoke(args=["jobs", "list", "--status", "queued"]).output == "No queued jobs.\n"
    assert runner.invoke(args=["jobs", "list"]).exit_code == 2

    assert runner.invoke(args=["jobs", "retry"]).exit_code == 2  # which ones?
    result = runner.invoke(args=["jobs", "retry", str(first.id)])
    assert result.output == "Requeued 1 job.\n"
    row = _job(first.id)
    assert (row.status, row.attempts, row.finished_at) == ("queued", 0, None)
    assert row.last_error.startswith("RuntimeError: first problem")  # kept until the next attempt

    result = runner.invoke(args=["jobs", "retry", "--dead"])
    assert result.exit_code == 0, result.output
    assert result.output == "Requeued 1 job.\n"
    assert {job.status for job in _jobs()} == {"queued"}
    assert runner.invoke(args=["jobs", "retry", "--dead"]).output == "Requeued 0 jobs.\n"
    assert jobs.work() == WorkReport(failed=2)  # they run again, with fresh attempts


def test_purge_deletes_done_jobs_that_finished_long_ago(app, runner, runs):
    long_ago = jobs.enqueue("test.record", {"n": 1}, run_at=utcnow() - timedelta(days=40))
    db.session.commit()
    long_ago_id = long_ago.id
    assert jobs.work(now=utcnow() - timedelta(days=31)) == WorkReport(done=1)
    recent = jobs.enqueue("test.record", {"n": 2})
    failing = jobs.enqueue("test.fail", {})
    db.session.commit()
    run_until_dead(failing.id)  # and the recent one is done
    waiting = jobs.enqueue("test.record", {"n": 3}, run_at=utcnow() + timedelta(days=90))
    db.session.commit()

    result = runner.invoke(args=["jobs", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output == "Deleted 1 done job.\n"
    assert {job.id: job.status for job in _jobs()} == {recent.id: "done", failing.id: "dead", waiting.id: "queued"}
    assert long_ago_id not in {job.id for job in _jobs()}
    assert runner.invoke(args=["jobs", "purge", "--days", "0"]).output == "Deleted 1 done job.\n"
    assert {job.status for job in _jobs()} == {"dead", "queued"}


# --- the admin page ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(app, make_user, sign_in):
    client = app.test_client()
    sign_in(client, make_user(name="Adi Admin", email="adi@example.org", role="admin"))
    return client


def test_the_admin_page_counts_jobs_and_retries_dead_ones(app, admin_client):
    _queue_emails(2)
    jobs.work(limit=1)
    reset = jobs.enqueue_email("jordan@example.org", "Reset your password", "secret link", "password-reset")
    broken = jobs.enqueue("test.fail", {"message": "disk full"})
    other = jobs.enqueue("test.fail", {"message": "still full"})
    db.session.commit()
    db.session.execute(update(Job).where(Job.id == reset.id).values(status="dead", last_error="SMTPAuthError"))
    db.session.commit()
    for job in (broken, other):
        run_until_dead(job.id)  # which sends the second email too
    _queue_emails(1, prefix="late")

    page = admin_client.get("/admin/jobs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r"<code>email\.send</code></th>(\s*<td[^>]*>\s*\d+\s*</td>){4}", html)
    counts = re.findall(r'<td class="numeric">(\d+)</td>', html)
    assert counts == ["1", "0", "2", "1", "0", "0", "0", "2", "1", "0", "2", "3"]  # email.send, test.fail, all
    assert "RuntimeError: disk full" in html and "RuntimeError: still full" in html
    assert "password-reset to jordan@example.org: Reset your password" in html
    assert "secret link" not in html  # bodies are not shown
    assert 'aria-current="page">Jobs</a>' in html
    assert 'href="/admin/jobs"' in admin_client.get("/admin/courses").get_data(as_text=True)

    response = admin_client.submit(f"/admin/jobs/{broken.id}/retry", page="/admin/jobs")
    assert response.status_code == 302 and response.location == "/admin/jobs"
    assert f"Job {broken.id} is queued again." in admin_client.get("/admin/jobs").get_data(as_text=True)
    assert (_job(broken.id).status, _job(broken.id).attempts) == ("queued", 0)

    again = admin_client.submit(f"/admin/jobs/{broken.id}/retry", page="/admin/jobs", follow_redirects=True)
    assert f"Job {broken.id} is queued, not dead: there is nothing to retry." in again.get_data(as_text=True)

    response = admin_client.submit("/admin/jobs/retry-dead", page="/admin/jobs", follow_redirects=True)
    assert "2 dead jobs queued again." in response.get_data(as_text=True)
    assert {job.status for job in _jobs()} == {"queued", "done"}
    assert "No dead job" in admin_client.get("/admin/jobs").get_data(as_text=True)


def test_the_admin_jobs_page_is_for_admins_only(app, client, admin_client, make_user, sign_in):
    job = jobs.enqueue("test.fail", {})
    db.session.commit()
    run_until_dead(job.id)

    anonymous = app.test_client()
    assert anonymous.get("/admin/jobs").status_code == 302
    learner = app.test_client()
    sign_in(learner, make_user())
    leader = app.test_client()
    sign_in(leader, make_user(role="leader"))
    for someone in (learner, leader):
        assert someone.get("/admin/jobs").status_code == 403
        token = someone.csrf_token("/")
        assert someone.post(f"/admin/jobs/{job.id}/retry", data={"csrf_token": token}).status_code == 403
        assert someone.post("/admin/jobs/retry-dead", data={"csrf_token": token}).status_code == 403
    assert admin_client.post(f"/admin/jobs/{job.id}/retry").status_code == 400  # no CSRF token
    assert admin_client.submit("/admin/jobs/999999/retry", page="/admin/jobs").status_code == 404
    assert _job(job.id).status == "dead"


# --- the in-process worker ---------------------------------------------------------------------------


def _wait_until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_in_process_worker_starts_with_the_serving_process_and_runs_jobs(make_app, runs):
    app = make_app(JOBS_IN_PROCESS_WORKER=True, JOBS_POLL_SECONDS=0.05)
    try:
        with app.app_context():
            assert in_process_worker(app) is None  # building the app starts nothing
            result = app.test_cli_runner().invoke(args=["jobs", "status"])
            assert result.exit_code == 0 and in_process_worker(app) is None  # nor does a command

            first = jobs.enqueue("test.record", {"n": 1})
            db.session.commit()
            assert app.test_client().get("/healthz").status_code == 200
            worker = in_process_worker(app)
            assert worker is not None and worker.alive and worker.thread.daemon
            _wait_until(lambda: _job(first.id).status == "done")

            second = jobs.enqueue("test.record", {"n": 2})  # found by polling, with no request
            db.session.commit()
            _wait_until(lambda: _job(second.id).status == "done")
            assert _records() == {1: "courseware-jobs", 2: "courseware-jobs"}
            app.test_client().get("/healthz")
            assert in_process_worker(app) is worker  # one thread per process
    finally:
        worker = in_process_worker(app)
        if worker is not None:
            worker.stop()
    assert not worker.alive


def test_the_reloaders_serving_child_starts_the_worker_at_once(make_app, monkeypatch):
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    assert in_process_worker(make_app()) is None  # off in tests unless asked for
    app = make_app(JOBS_IN_PROCESS_WORKER=True, JOBS_POLL_SECONDS=0.05)
    worker = in_process_worker(app)
    try:
        assert worker is not None and worker.alive
    finally:
        worker.stop()


def test_the_in_process_worker_is_on_in_development_only(monkeypatch):
    monkeypatch.delenv("JOBS_IN_PROCESS_WORKER", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://training.example.org")
    monkeypatch.setenv("RATELIMIT_SINGLE_PROCESS", "1")
    assert config.DevelopmentConfig().JOBS_IN_PROCESS_WORKER is True
    assert config.ProductionConfig().JOBS_IN_PROCESS_WORKER is False
    assert config.TestConfig().JOBS_IN_PROCESS_WORKER is False
    assert config.DevelopmentConfig().JOBS_POLL_SECONDS == 2
    monkeypatch.setenv("JOBS_IN_PROCESS_WORKER", "0")
    assert config.DevelopmentConfig().JOBS_IN_PROCESS_WORKER is False
    monkeypatch.setenv("JOBS_IN_PROCESS_WORKER", "1")
    assert config.ProductionConfig().JOBS_IN_PROCESS_WORKER is True


# --- password reset ----------------------------------------------------------------------------------


def test_the_reset_mail_is_queued_by_the_request_and_sent_by_the_worker(app, client, learner):
    response = client.submit("/forgot-password", {"email": learner.email})
    assert "Check your email" in response.get_data(as_text=True)
    assert _mail_files(app) == []  # nothing sent during the request
    (job,) = _jobs()
    assert job.payload["to"] == learner.email and job.payload["kind"] == "password-reset"
    assert jobs.work() == WorkReport(done=1)
    (mail,) = _mail_files(app)
    assert "/reset-password/" in mail.read_text()
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.status == "done")) == 1
