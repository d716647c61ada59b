"""The email outbox: queued mail is sent by ``flask outbox deliver``, retried with backoff, never lost."""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
from collections import Counter
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select, update

from courseware.extensions import db
from courseware.models import OutboxMessage
from courseware.models.base import utcnow
from courseware.outbox import cli, services
from courseware.outbox.services import DeliveryReport, backoff, claim, deliver, enqueue, enqueue_many


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
def connections(monkeypatch):
    """Counts the SMTP connections the outbox opens."""
    opened = []
    real = services.open_smtp

    def counting():
        opened.append(1)
        return real()

    monkeypatch.setattr(services, "open_smtp", counting)
    return opened


def _queue(count: int, kind: str = "reminder", prefix: str = "teacher") -> list[int]:
    messages = [enqueue(f"{prefix}{n}@example.org", f"Subject {n}", f"Body {n}\n", kind) for n in range(count)]
    db.session.commit()
    return [m.id for m in messages]


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _mail_files(app) -> list:
    folder = app.config["MAIL_DIR"]
    return sorted(folder.glob("*.eml")) if folder.exists() else []


# Enqueueing


def test_enqueue_adds_a_due_message_that_the_caller_commits(app):
    message = enqueue("  jordan@example.org ", "Your course starts Monday", "Hello Jordan\n", "reminder")
    db.session.commit()
    (row,) = _rows()
    assert row.id == message.id
    assert (row.to_address, row.subject, row.kind, row.attempts) == (
        "jordan@example.org",
        "Your course starts Monday",
        "reminder",
        0,
    )
    assert row.sent_at is None and row.claimed_until is None and row.last_error is None
    assert row.next_attempt_at <= utcnow()


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
def test_enqueue_refuses_what_could_not_be_sent(app, to, subject, kind):
    with pytest.raises(ValueError):
        enqueue(to, subject, "body", kind)
    with pytest.raises(ValueError):
        enqueue_many([("ok@example.org", "Fine", "body", "reminder"), (to, subject, "body", kind)])
    db.session.commit()
    assert _rows() == []


def test_enqueue_many_inserts_thousands_in_one_go(app):
    inserts = []

    def count_inserts(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_inserts)
    try:
        added = enqueue_many(
            (f"teacher{n}@example.org", "New course assigned", f"Hello {n}", "invitation") for n in range(3000)
        )
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_inserts)
    assert added == 3000
    assert len(inserts) <= 3  # one executemany, or a few multi-row INSERTs; never one per message
    rows = _rows()
    assert len(rows) == 3000
    assert {row.kind for row in rows} == {"invitation"}
    assert all(row.attempts == 0 and row.next_attempt_at is not None for row in rows)
    assert enqueue_many([]) == 0


# Delivering without MAIL_SERVER: instance/mail/


def test_deliver_writes_to_the_mail_folder_without_a_mail_server(app):
    _queue(3)
    report = deliver()
    assert report == DeliveryReport(sent=3, failed=0, remaining=0)
    files = _mail_files(app)
    assert len(files) == 3
    received = Counter(message_from_bytes(path.read_bytes())["To"] for path in files)
    assert received == Counter({f"teacher{n}@example.org": 1 for n in range(3)})
    for row in _rows():
        assert row.sent_at is not None
        assert row.next_attempt_at is None and row.claimed_until is None and row.attempts == 0
    assert deliver() == DeliveryReport(sent=0, failed=0, remaining=0)
    assert len(_mail_files(app)) == 3


def test_deliver_sends_at_most_limit_and_counts_the_rest(app):
    enqueue_many((f"teacher{n}@example.org", "Reminder", "Body", "reminder") for n in range(250))
    db.session.commit()
    assert deliver(limit=100) == DeliveryReport(sent=100, failed=0, remaining=150)
    assert deliver(limit=200) == DeliveryReport(sent=150, failed=0, remaining=0)
    assert len(_mail_files(app)) == 250


def test_a_failed_write_is_kept_with_a_truncated_error(app, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk trouble " * 1000)

    monkeypatch.setattr(services, "send_mail", broken)
    _queue(1)
    now = utcnow()
    assert deliver(now=now) == DeliveryReport(sent=0, failed=1, remaining=0)
    (row,) = _rows()
    assert row.attempts == 1 and row.sent_at is None
    assert row.last_error.startswith("RuntimeError: disk trouble")
    assert len(row.last_error) == services.ERROR_LENGTH
    assert row.next_attempt_at == now + timedelta(minutes=1)


# Delivering over SMTP


def test_a_temporary_smtp_failure_is_retried_and_every_message_arrives_once(smtp_app, smtp_server, connections):
    handler, _ = smtp_server
    _queue(5)
    now = utcnow()

    first = deliver(now=now)
    assert first == DeliveryReport(sent=0, failed=5, remaining=0)
    assert handler.refused == 5 and handler.received == []
    assert len(connections) == 1
    rows = _rows()
    assert len(rows) == 5
    for row in rows:
        assert row.attempts == 1
        assert row.sent_at is None and row.claimed_until is None
        assert row.next_attempt_at == now + timedelta(minutes=1)
        assert row.next_attempt_at > now
        assert "451" in row.last_error

    handler.accepting = True
    assert deliver(now=now + timedelta(seconds=30)) == DeliveryReport(sent=0, failed=0, remaining=0)
    assert handler.received == []

    later = now + timedelta(minutes=1, seconds=1)
    assert deliver(now=later) == DeliveryReport(sent=5, failed=0, remaining=0)
    assert len(connections) == 2
    assert handler.recipients() == Counter({f"teacher{n}@example.org": 1 for n in range(5)})
    for recipient, content in handler.received:
        message = message_from_bytes(content)
        assert message["To"] == recipient
        assert message["From"] == smtp_app.config["MAIL_FROM"]
        n = recipient.removeprefix("teacher").removesuffix("@example.org")
        assert message["Subject"] == f"Subject {n}"
        assert message.get_payload().strip() == f"Body {n}"
    for row in _rows():
        assert row.sent_at == later
        assert row.next_attempt_at is None and row.claimed_until is None
        assert row.attempts == 1

    assert deliver(now=later + timedelta(hours=1)) == DeliveryReport(sent=0, failed=0, remaining=0)
    assert len(handler.received) == 5


def test_an_unreachable_server_fails_the_batch_after_one_connection_attempt(unreachable_app, connections):
    _queue(3)
    now = utcnow()
    assert deliver(now=now) == DeliveryReport(sent=0, failed=3, remaining=0)
    assert len(connections) == 1
    for row in _rows():
        assert row.attempts == 1 and row.sent_at is None
        assert row.last_error.startswith("MailServerUnavailable: ConnectionRefusedError")
        assert row.next_attempt_at == now + timedelta(minutes=1)


# Leases: two deliverers never send the same message


def test_a_message_leased_by_another_deliverer_is_not_sent_twice(smtp_app, smtp_server):
    handler, _ = smtp_server
    handler.accepting = True
    ids = _queue(4)
    now = utcnow()

    held = claim(2, now)  # another deliverer has these two and is still sending them
    assert held == ids[:2]
    assert claim(10, now) == ids[2:]  # a second claim gets only what is free...
    assert claim(10, now) == []  # ...and then nothing

    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids[2:])).values(claimed_until=None))
    db.session.commit()
    assert deliver(now=now) == DeliveryReport(sent=2, failed=0, remaining=2)
    assert handler.recipients() == Counter({"teacher2@example.org": 1, "teacher3@example.org": 1})

    assert deliver(now=now + timedelta(minutes=4)) == DeliveryReport(sent=0, failed=0, remaining=2)
    assert len(handler.received) == 2

    # The other deliverer died without recording anything: once its lease is over, they go out.
    assert deliver(now=now + services.LEASE + timedelta(seconds=1)) == DeliveryReport(sent=2, failed=0, remaining=0)
    assert handler.recipients() == Counter({f"teacher{n}@example.org": 1 for n in range(4)})


@pytest.mark.parametrize("returning", [True, False], ids=["update-returning", "row-by-row"])
def test_claim_checks_the_lease_again_when_a_rival_claims_first(app, monkeypatch, returning):
    monkeypatch.setattr(db.engine.dialect, "update_returning", returning)
    ids = _queue(3)
    now = utcnow()
    rival_went = []

    def rival_claims_between_select_and_update(conn, cursor, statement, parameters, context, executemany):
        if rival_went or not statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGES"):
            return
        rival_went.append(True)
        with db.engine.connect() as other:
            other.execute(
                update(OutboxMessage).where(OutboxMessage.id == ids[1]).values(claimed_until=now + services.LEASE)
            )
            other.commit()

    event.listen(db.engine, "before_cursor_execute", rival_claims_between_select_and_update)
    try:
        claimed = claim(10, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", rival_claims_between_select_and_update)
    assert rival_went
    assert claimed == [ids[0], ids[2]]


def test_deliverers_running_at_once_send_every_message_exactly_once(smtp_app, smtp_server):
    handler, _ = smtp_server
    handler.accepting = True
    enqueue_many((f"teacher{n}@example.org", "Reminder", "Body", "reminder") for n in range(300))
    db.session.commit()
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def deliverer():
        try:
            with smtp_app.app_context():
                start.wait()
                while True:
                    report = deliver(limit=25)
                    reports.append(report)
                    if not report.remaining and not report.sent:
                        break
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r.sent for r in reports) == 300 and sum(r.failed for r in reports) == 0
    assert handler.recipients() == Counter({f"teacher{n}@example.org": 1 for n in range(300)})
    assert all(row.sent_at is not None for row in _rows())


def test_a_crash_mid_batch_loses_nothing(app, monkeypatch):
    real = services.send_mail
    calls = []

    def dies_on_the_second(to, subject, body):
        calls.append(to)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(to, subject, body)

    monkeypatch.setattr(services, "send_mail", dies_on_the_second)
    _queue(3)
    now = utcnow()
    with pytest.raises(KeyboardInterrupt):
        deliver(now=now)
    first, second, third = _rows()
    assert first.sent_at is not None
    for row in (second, third):
        assert row.sent_at is None and row.attempts == 0
        assert row.claimed_until is None  # handed back at once, not only when the lease runs out

    monkeypatch.setattr(services, "send_mail", real)
    assert deliver(now=now) == DeliveryReport(sent=2, failed=0, remaining=0)
    received = Counter(message_from_bytes(path.read_bytes())["To"] for path in _mail_files(app))
    assert received == Counter({f"teacher{n}@example.org": 1 for n in range(3)})


def test_a_deliverer_whose_lease_runs_out_hands_the_rest_back(app, monkeypatch):
    clock = iter(range(0, 100000, 180))  # three minutes pass with every look at the clock
    monkeypatch.setattr(services, "monotonic", lambda: next(clock))
    _queue(3)
    now = utcnow()
    assert deliver(now=now) == DeliveryReport(sent=1, failed=0, remaining=2)
    first, second, third = _rows()
    assert first.sent_at is not None
    assert second.sent_at is None and second.claimed_until is None
    assert third.sent_at is None and third.claimed_until is None


# Backoff and giving up


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 14)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360, 360]
    assert backoff(1000) == timedelta(hours=6)
    with pytest.raises(ValueError):
        backoff(0)


def test_retries_back_off_and_stop_after_twelve_failures(unreachable_app, runner_for):
    (message_id,) = _queue(1)
    now = utcnow()
    waits = []
    for attempt in range(1, 13):
        assert deliver(now=now) == DeliveryReport(sent=0, failed=1, remaining=0)
        row = db.session.get(OutboxMessage, message_id)
        assert row.attempts == attempt
        if attempt < 12:
            waits.append((row.next_attempt_at - now) / timedelta(minutes=1))
            assert deliver(now=row.next_attempt_at - timedelta(seconds=1)) == DeliveryReport(0, 0, 0)
            now = row.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]

    (row,) = _rows()
    assert row.next_attempt_at is None and row.sent_at is None  # given up, but kept
    assert "Connection refused" in row.last_error
    assert deliver(now=now + timedelta(days=30)) == DeliveryReport(sent=0, failed=0, remaining=0)
    assert _rows()[0].attempts == 12

    result = runner_for(unreachable_app).invoke(args=["outbox", "requeue"])
    assert result.exit_code == 0, result.output
    assert "Requeued 1 message." in result.output
    (row,) = _rows()
    assert row.attempts == 0 and row.next_attempt_at is not None and row.sent_at is None


# The commands


@pytest.fixture
def runner_for():
    return lambda app: app.test_cli_runner()


def _status(output: str) -> dict[str, int]:
    lines = re.findall(r"^(pending|retrying|given up|sent)\s+(\d+)", output, re.M)
    return {label: int(count) for label, count in lines}


def test_status_counts_each_state(app, runner):
    now = utcnow()
    _queue(2)
    retrying, given_up, *sent = _queue(5, prefix="other")
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == retrying)
        .values(attempts=2, next_attempt_at=now + timedelta(minutes=2), last_error="451")
    )
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == given_up).values(attempts=12, next_attempt_at=None)
    )
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(sent)).values(sent_at=now, next_attempt_at=None)
    )
    db.session.commit()
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0, result.output
    assert _status(result.output) == {"pending": 2, "retrying": 1, "given up": 1, "sent": 3}


def test_status_of_an_empty_outbox(runner):
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0, result.output
    assert _status(result.output) == {"pending": 0, "retrying": 0, "given up": 0, "sent": 0}


def test_deliver_command_sends_one_batch(app, runner):
    _queue(3)
    result = runner.invoke(args=["outbox", "deliver", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert result.output == "sent 2, failed 0, remaining 1\n"
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.output == "sent 1, failed 0, remaining 0\n"
    assert len(_mail_files(app)) == 3


def test_deliver_command_refuses_a_limit_below_one(runner):
    result = runner.invoke(args=["outbox", "deliver", "--limit", "0"])
    assert result.exit_code == 2


def test_deliver_loop_works_through_a_backlog_then_waits_until_interrupted(app, runner, monkeypatch):
    _queue(5)
    pauses = []

    def pause(stop, seconds):
        pauses.append(seconds)
        if len(pauses) == 1:
            _queue(1, prefix="late")  # arrives while the deliverer waits
            return False
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_pause", pause)
    result = runner.invoke(args=["outbox", "deliver", "--limit", "2", "--loop", "30"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "sent 2, failed 0, remaining 3",
        "sent 2, failed 0, remaining 1",
        "sent 1, failed 0, remaining 0",
        "sent 1, failed 0, remaining 0",
        "Stopped.",
    ]
    assert pauses == [30, 30]
    assert len(_mail_files(app)) == 6


def test_deliver_loop_stops_on_sigterm_and_restores_the_handler(app, runner, monkeypatch):
    before = signal.getsignal(signal.SIGTERM)
    _queue(1)

    def pause(stop, seconds):
        assert signal.getsignal(signal.SIGTERM) is not before, "the loop must handle SIGTERM itself"
        os.kill(os.getpid(), signal.SIGTERM)
        return stop.wait(seconds)

    monkeypatch.setattr(cli, "_pause", pause)
    result = runner.invoke(args=["outbox", "deliver", "--loop", "600"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["sent 1, failed 0, remaining 0", "Stopped."]
    assert signal.getsignal(signal.SIGTERM) is before
