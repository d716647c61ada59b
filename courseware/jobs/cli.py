"""``flask jobs``: run queued jobs, see what is waiting, and retry what died."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from courseware.jobs import core
from courseware.models.job import JobStatus

jobs_cli = AppGroup("jobs", help="Run queued jobs and report on them (see docs/jobs.md).")

STATUSES = [s.value for s in JobStatus]


@jobs_cli.command("work")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1), help="Jobs per pass.")
@click.option(
    "--loop",
    "interval",
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Keep working until stopped: when nothing is due, look again every SECONDS.",
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Jobs run at the same time, each by a worker thread of its own.",
)
def work_command(limit: int, interval: float | None, threads: int) -> None:
    """Run the jobs that are due: one pass, or continuously with --loop.

    SIGTERM (and Ctrl-C) finishes the job in hand, then stops.
    """
    app = current_app.app_context().app  # the application itself, for the threads that run jobs
    stop = threading.Event()
    reports: list[core.WorkReport] = []
    errors: list[BaseException] = []
    with _stop_on_sigterm(stop):
        if threads == 1:
            try:
                _worker(app, "", limit, interval, stop, reports)
            except KeyboardInterrupt:
                stop.set()
        else:

            def worker(name: str) -> None:
                try:
                    _worker(app, name, limit, interval, stop, reports)
                except Exception as exc:
                    errors.append(exc)
                    stop.set()

            workers = [
                threading.Thread(target=worker, args=(f"t{n}",), name=f"jobs-{n}", daemon=True)
                for n in range(1, threads + 1)
            ]
            for thread in workers:
                thread.start()
            try:
                while any(thread.is_alive() for thread in workers):
                    for thread in workers:
                        thread.join(0.2)
            except KeyboardInterrupt:
                stop.set()
                for thread in workers:
                    thread.join()
    if errors:
        raise click.ClickException(f"a worker thread failed: {errors[0]}")
    if interval is None:
        click.echo(_summary(sum(reports, core.WorkReport())))
    else:
        click.echo("Stopped.")


def _worker(
    app: Flask, name: str, limit: int, interval: float | None, stop: threading.Event, reports: list[core.WorkReport]
) -> None:
    worker_id = core.new_worker_id(name)
    while not stop.is_set():
        try:
            with app.app_context():
                report = core.work(limit=limit, worker_id=worker_id, stop=stop)
        except SQLAlchemyError as exc:
            if interval is None:
                raise
            click.echo(f"database error, trying again in {interval:g} s: {exc}", err=True)
            report = None
        if interval is None:
            if report is not None:
                reports.append(report)
            return
        if report is not None and report.processed:
            click.echo(f"{name + ': ' if name else ''}{_summary(report)}")
            if report.processed >= limit:
                continue  # a backlog: the next pass at once
        if stop.wait(interval):
            return


def _summary(report: core.WorkReport) -> str:
    line = f"done {report.done}, failed {report.failed}, dead {report.dead}"
    return line + (f", lost {report.lost}" if report.lost else "")


@jobs_cli.command("status")
def status_command() -> None:
    """Count jobs by kind and status."""
    counts = core.counts()
    width = max([len("kind"), len("total"), *(len(kind) for kind in counts)])
    click.echo(f"{'kind':<{width}}" + "".join(f"{status:>9}" for status in STATUSES))
    totals = dict.fromkeys(STATUSES, 0)
    for kind, by_status in counts.items():
        click.echo(f"{kind:<{width}}" + "".join(f"{by_status[status]:>9}" for status in STATUSES))
        for status in STATUSES:
            totals[status] += by_status[status]
    click.echo(f"{'total':<{width}}" + "".join(f"{totals[status]:>9}" for status in STATUSES))
    if totals[JobStatus.DEAD]:
        click.echo(
            "Dead jobs failed every attempt: `flask jobs list --dead` says why, `flask jobs retry --dead` retries."
        )


@jobs_cli.command("list")
@click.option("--dead", is_flag=True, help="Dead jobs (the same as --status dead).")
@click.option("--status", type=click.Choice(STATUSES), help="Jobs in this status.")
@click.option("--kind", help="Jobs of this kind only.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def list_command(dead: bool, status: str | None, kind: str | None, limit: int) -> None:
    """List the latest jobs of a status, newest first, with their last error."""
    if dead and status not in (None, JobStatus.DEAD):
        raise click.UsageError("--dead and --status name two different statuses")
    status = JobStatus.DEAD.value if dead else status
    if status is None:
        raise click.UsageError("say which jobs: --dead, or --status STATUS")
    found = core.jobs_in(status, kind=kind, limit=limit)
    if not found:
        click.echo(f"No {status} jobs.")
        return
    for job in found:
        when = {"queued": job.run_at, "running": job.started_at}.get(job.status, job.finished_at)
        stamp = f"{when:%Y-%m-%d %H:%M:%S}" if when else "-"
        error = (job.last_error or "").partition("\n")[0]
        attempts = f"attempts {job.attempts}/{job.max_attempts}"
        click.echo(f"{job.id:>8}  {job.kind}  {job.status}  {attempts}  {stamp}  {error}")


@jobs_cli.command("purge")
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(min=0), help="Keep what finished within DAYS."
)
def purge_command(days: int) -> None:
    """Delete done jobs that finished more than DAYS ago (queued, running and dead jobs stay)."""
    count = core.purge_done(timedelta(days=days))
    click.echo(f"Deleted {count} done job{'' if count == 1 else 's'}.")


@jobs_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--dead", "all_dead", is_flag=True, help="Every dead job (of --kind).")
@click.option("--kind", help="With --dead: dead jobs of this kind only.")
def retry_command(ids: tuple[int, ...], all_dead: bool, kind: str | None) -> None:
    """Queue dead jobs again (the given IDS, or every one with --dead), due now, with fresh attempts."""
    if bool(ids) == all_dead:
        raise click.UsageError("give the ids of dead jobs, or --dead for every dead job")
    result = core.retry(ids or None, kind=kind)
    click.echo(f"Requeued {result.requeued} job{'' if result.requeued == 1 else 's'}.")
    if result.skipped:
        click.echo(
            f"{result.skipped} stay{'s' if result.skipped == 1 else ''} dead: "
            "a job with the same key is already queued or running."
        )


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """While active, SIGTERM (a process supervisor stopping us) stops the workers after their current job."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
