"""``flask xapi``: where statements go, and whether the learning record store answers."""

from __future__ import annotations

import click
import requests
from flask import current_app
from flask.cli import AppGroup

from courseware.xapi.sending import credentials, headers, shown_address, statements_url
from courseware.xapi.status import status

xapi_cli = AppGroup("xapi", help="xAPI statements sent to a learning record store (docs/xapi.md).")


@xapi_cli.command("status")
def show_status() -> None:
    """Where statements go and how many are waiting, sent or dead."""
    found = status()
    if not found.configured:
        click.echo("No learning record store is set (XAPI_ENDPOINT): no statements are queued.")
    else:
        click.echo(f"Statements go to {found.endpoint} as {found.username or '(no user)'}.")
        click.echo(f"Learners are named by {'their email address' if found.actor == 'mbox' else 'an opaque id'}.")
    click.echo(f"Jobs: {found.queued} queued, {found.running} running, {found.done} done, {found.dead} dead.")
    if found.dead:
        click.echo("Dead jobs: `flask jobs list --dead --kind xapi.send` says why, `flask jobs retry --dead` retries.")


@xapi_cli.command("check")
def check() -> None:
    """Ask the learning record store for its xAPI version and whether it accepts our credentials."""
    endpoint = current_app.config.get("XAPI_ENDPOINT") or ""
    if not endpoint:
        raise click.ClickException("XAPI_ENDPOINT is not set (see docs/xapi.md)")
    timeout = current_app.config.get("XAPI_TIMEOUT_SECONDS", 10)
    shown = shown_address(endpoint).rstrip("/")
    try:
        about = requests.get(endpoint.rstrip("/") + "/about", headers=headers(), timeout=timeout)
        probe = requests.get(
            statements_url(endpoint), params={"limit": 1}, headers=headers(), auth=credentials(), timeout=timeout
        )
    except requests.RequestException as error:
        raise click.ClickException(f"{shown} could not be reached ({error.__class__.__name__})") from None
    try:
        versions = [str(version) for version in about.json().get("version", [])] if about.ok else []
    except (ValueError, AttributeError):
        versions = []
    if versions:
        click.echo(f"{shown} speaks xAPI {', '.join(versions)}.")
    else:
        click.echo(f"{shown} does not say which xAPI versions it speaks (its /about answered {about.status_code}).")
    if probe.status_code == 401:
        raise click.ClickException("the record store refused XAPI_USERNAME and XAPI_PASSWORD (401)")
    if probe.status_code == 403:
        click.echo("The credentials are accepted, without permission to read statements (enough for sending).")
    elif probe.ok:
        click.echo("The credentials are accepted.")
    else:
        raise click.ClickException(f"the record store answered {probe.status_code} to a read of its statements")
