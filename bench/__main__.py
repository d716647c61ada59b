"""``python -m bench``: migrate a throwaway database, seed it, serve it with gunicorn, load it, report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.database import ROOT, app_environment, migrate, throwaway_database
from bench.queries import count_queries
from bench.seed import seed
from bench.server import Server, gunicorn
from bench.workloads import BASELINE, WORKLOADS
from courseware import create_app
from courseware.cohorts import services as cohort_services
from courseware.extensions import db
from courseware.models import Organisation


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--learners", type=int, default=200, help="learner accounts to seed (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="signed-in clients at once (default 8)")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per workload (default 5)")
    parser.add_argument("--requests", type=int, help="measure this many requests per workload instead of --seconds")
    parser.add_argument("--warmup", type=float, default=1, help="unmeasured seconds before each workload (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--query-samples", type=int, default=20, help="in-process requests per workload counted")
    parser.add_argument("--only", help=f"comma-separated workloads ({', '.join(WORKLOADS)}); {BASELINE} always runs")
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.learners < args.concurrency:
        parser.error("--learners must be at least --concurrency (each client signs in as its own learner)")
    if min(args.concurrency, args.workers, args.query_samples) < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--concurrency, --workers, --query-samples and --seconds must be positive")
    args.names = list(WORKLOADS)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")} | {BASELINE}
        unknown = wanted - set(WORKLOADS)
        if unknown:
            parser.error(f"unknown workload(s): {', '.join(sorted(unknown))}")
        args.names = [name for name in WORKLOADS if name in wanted]
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def step(label: str):
    started = time.perf_counter()
    say(f"{label}...")
    yield
    say(f"{label}: {time.perf_counter() - started:.1f} s")


def run_load(server: Server, seed_data: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    spec = {
        "host": server.host,
        "port": server.port,
        "seed": seed_data,
        "workloads": args.names,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "requests": args.requests,
        "warmup": args.warmup,
        "random_seed": args.random_seed,
    }
    per_workload = args.warmup + (60 if args.requests else args.seconds) + 30
    result = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        cwd=ROOT,
        input=json.dumps(spec),
        stdout=subprocess.PIPE,
        text=True,
        timeout=60 + per_workload * len(args.names),
    )
    if result.returncode != 0:
        raise RuntimeError(f"the load process failed (exit status {result.returncode}); see above")
    return json.loads(result.stdout)


ROSTER_ROWS = 5000


def time_roster_import(app, rows: int) -> float:
    """Seconds to apply a roster of ``rows`` people new to the site (accounts, invitations, memberships)."""
    lines = ["name,email,staff role,school"]
    lines += [
        f"Imported Person {i},imported-{i:05d}@example.org,Teacher,Bench School {1 + i % 10}" for i in range(rows)
    ]
    with app.app_context(), app.test_request_context():
        district = db.session.scalar(db.select(Organisation).where(Organisation.parent_id.is_(None)))
        cohort = cohort_services.create_cohort(district, "Imported roster")
        started = time.perf_counter()
        result = cohort_services.apply_roster(cohort, "\n".join(lines), False, None)
        seconds = time.perf_counter() - started
    if result.added != rows:
        raise RuntimeError(f"roster import added {result.added} of {rows} people")
    return seconds


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except OSError:
        return None


def bench(args: argparse.Namespace) -> None:
    rng = random.Random(args.random_seed)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="courseware-bench-")))
        database_url = stack.enter_context(throwaway_database(tmp))
        env = app_environment(database_url, tmp)
        with step("flask db upgrade"):
            migrate(env)
        os.environ.update(env)  # create_app reads its configuration from the environment
        app = create_app()
        with step(f"seeding {args.learners} learners"):
            seed_data = seed(app, args.learners, rng)
        say("  rows: " + ", ".join(f"{table} {count}" for table, count in seed_data["rows"].items()))
        with step(f"counting SQL queries in-process ({args.query_samples} requests per workload)"):
            queries = count_queries(app, seed_data, args.names, args.query_samples, args.random_seed)
        with app.app_context():
            db.engine.dispose()
        with step(f"importing a roster of {ROSTER_ROWS:,} new people (in-process)"):
            import_seconds = time_roster_import(app, ROSTER_ROWS)
        with step(f"starting gunicorn with {args.workers} workers"):
            server = stack.enter_context(gunicorn(env, tmp, args.workers))
        with step(f"load on http://{server.host}:{server.port} with {args.concurrency} clients"):
            load = run_load(server, seed_data, args)

    rows = report.combine(args.names, {n: WORKLOADS[n].description for n in args.names}, load, queries)
    meta = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "database": database_url.split(":", 1)[0].split("+", 1)[0],
        "gunicorn_workers": args.workers,
        "learners": args.learners,
        "concurrency": args.concurrency,
        "seconds": None if args.requests else args.seconds,
        "requests": args.requests,
        "warmup_seconds": args.warmup,
        "query_samples": args.query_samples,
        "rows": seed_data["rows"],
        "roster_import": {"rows": ROSTER_ROWS, "seconds": round(import_seconds, 2)},
    }
    path = report.write_json(meta, rows)
    print()
    print(
        f"{meta['cpus']} CPUs, {meta['database']}, gunicorn {args.workers} workers, "
        f"{args.learners} learners, {args.concurrency} clients"
    )
    print(report.table(rows))
    print(f"roster import: {ROSTER_ROWS:,} new people in {import_seconds:.2f} s (one run, in-process)")
    print(f"\nwritten to {path.relative_to(ROOT)}", flush=True)


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        bench(args)
    except KeyboardInterrupt:
        say("interrupted; gunicorn stopped and temporary files removed")
        return 130
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        say(f"bench failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
