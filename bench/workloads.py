"""The workloads: each is one small function that makes one timed request.

Add a workload with the ``@workload`` decorator. ``run(client, ctx)`` makes exactly one request
and raises (for example through ``client.get(..., expect=200)``) when the answer is wrong.
An optional ``prepare(client, ctx)`` runs once per client before the warm-up and is not timed;
keep what it finds in ``ctx.state``. ``ctx.seed`` is what ``bench/seed.py`` returned (plain JSON).
Workloads run in the order they are defined here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.clients import Client

BASELINE = "healthz"


@dataclass
class Context:
    """What one client knows: the seeded data, its own account and random numbers, and scratch state."""

    seed: dict[str, Any]
    email: str
    rng: random.Random
    state: dict[str, Any] = field(default_factory=dict)


Step = Callable[[Client, Context], Any]


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    run: Step
    prepare: Step | None = None


WORKLOADS: dict[str, Workload] = {}


def workload(name: str, description: str, prepare: Step | None = None) -> Callable[[Step], Step]:
    def register(run: Step) -> Step:
        WORKLOADS[name] = Workload(name, description, run, prepare)
        return run

    return register


@workload(BASELINE, "GET /healthz: the bare route, no database query; the ceiling the others are compared with")
def healthz(client: Client, ctx: Context) -> None:
    client.get("/healthz")


@workload("page-view", "GET a random page of a published course, as a signed-in learner (records progress)")
def page_view(client: Client, ctx: Context) -> None:
    client.get(ctx.rng.choice(ctx.seed["pages"]))
