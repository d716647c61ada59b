"""SQL statements per request: the same workloads, in-process through Flask's test client."""

from __future__ import annotations

import random
from typing import Any

from flask import Flask
from sqlalchemy import event

from bench.clients import FlaskClient
from bench.workloads import WORKLOADS, Context
from courseware.extensions import db


def count_queries(app: Flask, seed: dict[str, Any], names: list[str], samples: int, random_seed: int) -> dict[str, Any]:
    """For each workload: statements sent to the database per request, averaged over ``samples`` requests.

    Signing in and ``prepare`` are not counted. The account is one the load's clients do not use.
    """
    with app.app_context():
        engine = db.engine
    executed = 0

    def on_execute(*_args) -> None:
        nonlocal executed
        executed += 1

    results: dict[str, Any] = {}
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        for name in names:
            workload = WORKLOADS[name]
            client = FlaskClient(app)
            ctx = Context(seed=seed, email=seed["emails"][-1], rng=random.Random(f"{random_seed}:queries"))
            try:
                client.sign_in(ctx.email, seed["password"])
                if workload.prepare is not None:
                    workload.prepare(client, ctx)
                executed = 0
                for _ in range(samples):
                    workload.run(client, ctx)
                results[name] = {"queries_per_request": executed / samples}
            except Exception as exc:
                results[name] = {"queries_per_request": None, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return results
