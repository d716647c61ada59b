"""``flask outbox``: send queued mail and see what is waiting."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from courseware.extensions import db
from courseware.outbox import services

outbox_cli = AppGroup("outbox", help="Send queued email and report on the outbox.")


@outbox_cli.command("deliver")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1), help="Messages per batch.")
@click.option(
    "--loop",
    "interval",
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="Keep delivering, a batch every SECONDS (at once while a backlog remains), until stopped.",
)
def deliver_command(limit: int, interval: int | None) -> None:
    """Send the messages that are due, one batch, or continuously with --loop."""
    if interval is None:
        _echo_report(services.deliver(limit=limit))
        return
    stop = threading.Event()
    with _stop_on_sigterm(stop):
        try:
            while not stop.is_set():
                try:
                    report = services.deliver(limit=limit)
                except SQLAlchemyError as exc:
                    click.echo(f"database error, trying again in {interval} s: {exc}", err=True)
                    report = None
                finally:
                    db.session.remove()
                if report is not None:
                    _echo_report(report)
                    if report.remaining and (report.sent or report.failed) and not stop.is_set():
                        continue  # a backlog: the next batch at once
                if _pause(stop, interval):
                    break
        except KeyboardInterrupt:
            pass
    click.echo("Stopped.")


@outbox_cli.command("status")
def status_command() -> None:
    """Count messages waiting, retrying, given up and sent."""
    counts = services.status()
    for label, count, note in (
        ("pending", counts.pending, "not tried yet"),
        ("retrying", counts.retrying, "failed, will be tried again"),
        ("given up", counts.given_up, f"failed {services.MAX_ATTEMPTS} times; `flask outbox requeue` tries them again"),
        ("sent", counts.sent, ""),
    ):
        click.echo(f"{label:<9}{count:>8}  {note}".rstrip())


@outbox_cli.command("requeue")
def requeue_command() -> None:
    """Try again the messages that were given up, with a fresh set of attempts."""
    count = services.requeue_given_up()
    click.echo(f"Requeued {count} message{'' if count == 1 else 's'}.")


def _echo_report(report: services.DeliveryReport) -> None:
    click.echo(f"sent {report.sent}, failed {report.failed}, remaining {report.remaining}")


def _pause(stop: threading.Event, seconds: int) -> bool:
    """Wait between batches; True when asked to stop meanwhile."""
    return stop.wait(seconds)


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """While active, SIGTERM (a process supervisor stopping us) ends the loop after the current batch."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
