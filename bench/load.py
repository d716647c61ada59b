"""The load: a process of its own (``python -m bench.load``) with one thread per signed-in client.

It reads a JSON spec on stdin, signs every client in, runs each workload (warm-up, then a
measured period) and writes the measurements as JSON on stdout. Progress goes to stderr.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.clients import Client, HttpClient
from bench.workloads import WORKLOADS, Context, Workload

REQUESTS_MODE_CAP = 60  # seconds: a workload asked for a number of requests still stops here


def main() -> None:
    spec = json.load(sys.stdin)
    clients = _signed_in_clients(spec)
    results = {}
    try:
        for name in spec["workloads"]:
            results[name] = run_workload(WORKLOADS[name], clients, spec)
    finally:
        for client, _ in clients:
            client.close()
    json.dump(results, sys.stdout)


def _signed_in_clients(spec: dict[str, Any]) -> list[tuple[Client, Context]]:
    seed = spec["seed"]

    def sign_in(i: int) -> tuple[Client, Context]:
        client = HttpClient(spec["host"], spec["port"])
        ctx = Context(seed=seed, email=seed["emails"][i], rng=random.Random(f"{spec['random_seed']}:{i}"))
        client.sign_in(ctx.email, seed["password"])
        return client, ctx

    with ThreadPoolExecutor(spec["concurrency"]) as pool:
        return list(pool.map(sign_in, range(spec["concurrency"])))


def run_workload(workload: Workload, clients: list[tuple[Client, Context]], spec: dict[str, Any]) -> dict[str, Any]:
    clients = clients[: workload.clients] if workload.clients else clients
    total = spec.get("requests")
    length = f"{total} requests" if total else f"{spec['seconds']} s"
    print(f"  {workload.name}: {spec['warmup']} s warm-up, then {length} with {len(clients)} clients", file=sys.stderr)
    try:
        for client, ctx in clients:
            if workload.prepare is not None:
                workload.prepare(client, ctx)
    except Exception as exc:
        return {"requests": 0, "errors": 0, "failed": f"prepare: {exc}"}

    measure_from = time.perf_counter() + spec["warmup"]
    stop = measure_from + (REQUESTS_MODE_CAP if total else spec["seconds"])
    tickets = itertools.count()
    latencies: list[float] = []  # list.append is atomic in CPython
    finished: list[float] = []
    errors: list[str] = []

    def loop(client: Client, ctx: Context) -> None:
        while (started := time.perf_counter()) < stop:
            measured = started >= measure_from
            if measured and total and next(tickets) >= total:
                return
            try:
                workload.run(client, ctx)
            except Exception as exc:
                if measured:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            if measured:
                ended = time.perf_counter()
                latencies.append(ended - started)
                finished.append(ended)

    threads = [threading.Thread(target=loop, args=pair, daemon=True) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = (max(finished) if finished else time.perf_counter()) - measure_from
    return {"clients": len(clients), **summarize(latencies, errors, elapsed)}


def summarize(latencies: list[float], errors: list[str], elapsed: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    result: dict[str, Any] = {"requests": len(ordered), "errors": len(errors), "seconds": round(elapsed, 3)}
    if errors:
        result["first_error"] = errors[0]
    if ordered:
        result |= {
            "median_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000, 3),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3),
            "requests_per_s": round(len(ordered) / elapsed, 1) if elapsed > 0 else None,
        }
    return result


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
