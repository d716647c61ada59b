"""Where statements go, and how many wait: for the admin's jobs page and ``flask xapi status``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from courseware import jobs
from courseware.xapi.sending import SEND, shown_address


@dataclass(frozen=True)
class Status:
    endpoint: str  # the record store's address without any credentials in it; "" when none is set
    username: str
    actor: str  # "account" or "mbox"
    queued: int
    running: int
    done: int
    dead: int

    @property
    def configured(self) -> bool:
        return bool(self.endpoint)


def status() -> Status:
    config = current_app.config
    counts = jobs.counts().get(SEND, {})
    return Status(
        endpoint=shown_address(config.get("XAPI_ENDPOINT") or ""),
        username=config.get("XAPI_USERNAME") or "",
        actor=config.get("XAPI_ACTOR") or "account",
        queued=counts.get("queued", 0),
        running=counts.get("running", 0),
        done=counts.get("done", 0),
        dead=counts.get("dead", 0),
    )
