"""Sending statements to the learning record store: the "xapi.send" job.

Each statement is sent with ``PUT statements?statementId=<its id>``, so it is stored once however
often it is sent: a retry after a lost answer, a job retried by an admin, or an event told again
after its statements were sent all send the same id, which the record store keeps once (it answers
204 for the same statement again, 409 for a different one under a taken id: either way, the
statement is there). A record store that cannot be reached, answers 429 (too many requests) or a
5xx error makes the attempt fail, and the job is retried with backoff; any other refusal (400 bad
statement, 401 wrong credentials, 403 not allowed, 404 wrong address) will not change by itself, so
the job is dead at once with the record store's answer, on the admin's jobs page, to retry once
fixed.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from flask import current_app

from courseware import jobs
from courseware.xapi.vocabulary import VERSION

SEND = "xapi.send"
# The backoff doubles from 1 minute to 6 hours: 20 attempts cover about three and a half days of a
# record store being down before the job is dead (and kept, to retry).
MAX_ATTEMPTS = 20
ANSWER_SHOWN = 500  # characters of the record store's answer kept in a job's error


class RecordStoreUnavailable(Exception):
    """The learning record store could not take the statement now: try again later."""


def shown_address(endpoint: str) -> str:
    """The address without a user or password written into it, as every message shows it (the
    configuration refuses such an address; this keeps one set by other means out of job errors)."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def statements_url(endpoint: str) -> str:
    """The Statements resource of the record store whose xAPI address is ``endpoint``."""
    return endpoint.rstrip("/") + "/statements"


def headers() -> dict[str, str]:
    return {"X-Experience-API-Version": VERSION, "Content-Type": "application/json"}


def credentials() -> tuple[str, str] | None:
    username = current_app.config.get("XAPI_USERNAME") or ""
    password = current_app.config.get("XAPI_PASSWORD") or ""
    return (username, password) if username or password else None


def put_statement(http: requests.Session, endpoint: str, statement: dict[str, Any]) -> int:
    """Store one statement under its id; returns the record store's status when stored (now or before).

    Raises RecordStoreUnavailable to try again later, ``jobs.GiveUp`` when the record store refuses it.
    """
    statement_id = statement["id"]
    try:
        response = http.put(
            statements_url(endpoint),
            params={"statementId": statement_id},
            data=json.dumps(statement, ensure_ascii=False).encode(),
            headers=headers(),
            auth=credentials(),
            timeout=current_app.config.get("XAPI_TIMEOUT_SECONDS", 10),
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise RecordStoreUnavailable(
            f"the learning record store at {shown_address(endpoint)} could not be reached ({error.__class__.__name__})"
        ) from None
    status = response.status_code
    if status in (200, 204, 409):  # stored now, or already stored under this id
        return status
    answer = f"{status} {response.reason}: {response.text[:ANSWER_SHOWN]}".strip()
    if status == 429 or status >= 500:
        raise RecordStoreUnavailable(f"the learning record store answered {answer}")
    raise jobs.GiveUp(
        f"the learning record store refused statement {statement_id} ({answer}); fix what it says "
        "(XAPI_USERNAME and XAPI_PASSWORD for 401 or 403, XAPI_ENDPOINT for 404), then retry the job"
    )


@jobs.handler(SEND, max_attempts=MAX_ATTEMPTS, timeout=120)
def send(payload: dict[str, Any]) -> None:
    """Send the statements of one event, in order; those already stored are stored again harmlessly."""
    endpoint = current_app.config.get("XAPI_ENDPOINT") or ""
    if not endpoint:
        raise jobs.GiveUp("XAPI_ENDPOINT is not set, so there is no learning record store to send to; retry once it is")
    statements = payload.get("statements")
    if not isinstance(statements, list) or not all(isinstance(s, dict) and "id" in s for s in statements):
        raise jobs.GiveUp("the job holds no statements to send")
    with requests.Session() as http:
        for statement in statements:
            put_statement(http, endpoint, statement)


def describe(payload: dict[str, Any]) -> str:
    """What a job was for, in a few words (the admin's jobs page): verb and object of each statement."""
    parts = []
    for statement in payload.get("statements") or []:
        if not isinstance(statement, dict):
            continue
        verb = ((statement.get("verb") or {}).get("display") or {}).get("en-US", "?")
        names = (((statement.get("object") or {}).get("definition") or {}).get("name") or {}).values()
        parts.append(f"{verb} {next(iter(names), '?')}")
    return "; ".join(parts)
