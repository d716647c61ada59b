"""The workloads: each is one small function that makes one timed request.

Add a workload with the ``@workload`` decorator. ``run(client, ctx)`` makes exactly one request
and raises (for example through ``client.get(..., expect=200)``) when the answer is wrong.
An optional ``prepare(client, ctx)`` runs once per client before the warm-up and is not timed;
keep what it finds in ``ctx.state``. ``ctx.seed`` is what ``bench/seed.py`` returned (plain JSON).
Workloads run in the order they are defined here.
"""

from __future__ import annotations

import itertools
import json as jsonlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.clients import CSRF_META, Client, FlaskClient

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
    clients: int | None = None  # how many clients run it at once (None: all, --concurrency)


WORKLOADS: dict[str, Workload] = {}


def workload(
    name: str, description: str, prepare: Step | None = None, clients: int | None = None
) -> Callable[[Step], Step]:
    def register(run: Step) -> Step:
        WORKLOADS[name] = Workload(name, description, run, prepare, clients)
        return run

    return register


@workload(BASELINE, "GET /healthz: the bare route, no database query; the ceiling the others are compared with")
def healthz(client: Client, ctx: Context) -> None:
    client.get("/healthz")


@workload("page-view", "GET a random page of a published course, as a signed-in learner (records progress)")
def page_view(client: Client, ctx: Context) -> None:
    client.get(ctx.rng.choice(ctx.seed["pages"]))


QUIZ_VERSION = re.compile(r'name="version" value="([^"]+)"')
QUIZ_NUMBER = re.compile(r'name="number" value="(\d+)"')


def _open_quiz(client: Client, ctx: Context) -> None:
    if not ctx.seed["quizzes"]:
        raise RuntimeError("no course in the courses folder has a quiz without an attempt limit or a draw")
    quiz = ctx.rng.choice(ctx.seed["quizzes"])
    html = client.get(quiz["page"]).text
    ctx.state.update(
        quiz=quiz,
        version=QUIZ_VERSION.search(html).group(1),
        number=int(QUIZ_NUMBER.search(html).group(1)),
        csrf=CSRF_META.search(html).group(1),
    )


@workload(
    "quiz-submit", "POST a quiz attempt with right answers: graded and recorded (redirects to the result)", _open_quiz
)
def quiz_submit(client: Client, ctx: Context) -> None:
    s = ctx.state
    form = {"csrf_token": s["csrf"], "version": s["version"], "number": str(s["number"]), **s["quiz"]["answers"]}
    client.post(s["quiz"]["submit"], expect=302, form=form)
    s["number"] += 1


def _open_worksheet(client: Client, ctx: Context) -> None:
    if not ctx.seed["fields"]:
        raise RuntimeError("no course in the courses folder has a worksheet with a long-text field")
    field = ctx.rng.choice(ctx.seed["fields"])
    ctx.state.update(field=field, revision=None, csrf=client.csrf_token(field["page"]))


WORDS = [
    "we",
    "will",
    "greet",
    "every",
    "student",
    "at",
    "the",
    "door",
    "and",
    "learn",
    "each",
    "name",
    "by",
    "the",
    "end",
    "of",
    "the",
    "month",
]


@workload("autosave", "POST one worksheet field as JSON, as the page does while the learner types", _open_worksheet)
def autosave(client: Client, ctx: Context) -> None:
    s = ctx.state
    text = " ".join(ctx.rng.choice(WORDS) for _ in range(ctx.rng.randint(20, 200)))
    headers = {"X-CSRFToken": s["csrf"], "Accept": "application/json"}
    response = client.post(s["field"]["url"], json={"value": text, "revision": s["revision"]}, headers=headers)
    s["revision"] = jsonlib.loads(response.text)["revision"]


_unrendered = itertools.count()


def _as_admin(client: Client, ctx: Context) -> None:
    """Certificates are downloaded by their owner or an admin: these workloads sign in as the admin."""
    if not ctx.seed["certificates"]:
        raise RuntimeError("no course in the courses folder offers credit, so there are no certificates")
    client.post("/sign-out", expect=302, form={"csrf_token": client.csrf_token("/")})
    client.sign_in(ctx.seed["admin"], ctx.seed["password"])


@workload(
    "certificate-first",
    "GET a certificate PDF never downloaded before: rendered and stored (one learner at a time)",
    _as_admin,
    clients=1,
)
def certificate_first(client: Client, ctx: Context) -> None:
    codes = ctx.seed["certificates"]
    index = next(_unrendered)
    # The in-process query count takes codes from the end, the load from the start: each is rendered once.
    code = codes[-1 - index] if isinstance(client, FlaskClient) else codes[index]
    client.get(f"/certificates/{code}.pdf")


@workload(
    "certificate-again",
    "GET a certificate PDF already rendered: the stored bytes (one learner at a time)",
    _as_admin,
    1,
)
def certificate_again(client: Client, ctx: Context) -> None:
    client.get(f"/certificates/{ctx.seed['certificates'][0]}.pdf")


def _as_leader(client: Client, ctx: Context) -> None:
    client.post("/sign-out", expect=302, form={"csrf_token": client.csrf_token("/")})
    client.sign_in(ctx.seed["cohort"]["leader"], ctx.seed["password"])


@workload(
    "dashboard", "GET the leader's dashboard of the cohort's assignment (every learner in one cohort)", _as_leader, 1
)
def dashboard(client: Client, ctx: Context) -> None:
    client.get(ctx.seed["cohort"]["dashboard"])


@workload("export", "GET the dashboard as CSV: every member's row", _as_leader, 1)
def export(client: Client, ctx: Context) -> None:
    client.get(ctx.seed["cohort"]["export"])


@workload("discussion", "GET the first page of a cohort's discussion of a module with 200 posts, as a member")
def discussion(client: Client, ctx: Context) -> None:
    client.get(ctx.seed["cohort"]["discussion"])


TEAM_VERSION = re.compile(r'name="version" value="(\d+)"')


def _open_team_item(client: Client, ctx: Context) -> None:
    """The client's own item of the team plan (each learner edits a different one), as its page shows it."""
    url = ctx.seed["team"]["items"][ctx.email]
    html = client.get(url).text
    ctx.state.update(item=url, version=int(TEAM_VERSION.search(html).group(1)), csrf=CSRF_META.search(html).group(1))


@workload(
    "team-item-edit",
    "POST an edit of a team plan item, carrying its version (saved; redirects to the plan)",
    _open_team_item,
)
def team_item_edit(client: Client, ctx: Context) -> None:
    s = ctx.state
    text = " ".join(ctx.rng.choice(WORDS) for _ in range(ctx.rng.randint(5, 60)))
    status = ctx.rng.choice(["not-started", "under-way", "done"])
    form = {"csrf_token": s["csrf"], "version": str(s["version"]), "text": text, "owner": "",
            "owner_text": "The counselor", "due_on": "2027-03-31", "status": status}  # fmt: skip
    client.post(s["item"], expect=302, form=form)
    s["version"] += 1
