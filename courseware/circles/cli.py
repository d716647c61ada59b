"""``flask circles``: the daily digest, which cron runs once a day."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from courseware.circles.digest import send_digests

circles_cli = AppGroup("circles", help="Peer-learning circles.")


@circles_cli.command("digest")
def digest() -> None:
    """Queue today's digest email for each member with new posts in their circles (once a day at most)."""
    count = send_digests()
    click.echo(f"{count} digest{'s' if count != 1 else ''} queued")
