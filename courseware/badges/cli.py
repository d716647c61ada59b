"""``flask badges``: the issuer's key."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from courseware.badges import keys
from courseware.badges.proofs import public_key_multibase
from courseware.key_files import generate_key_command

badges_cli = AppGroup("badges", help="Open Badges credentials: the issuer's key.")


def _make_issuer_key(path: Path) -> str:
    public = keys.generate_key_file(path)
    return (
        f"Wrote the issuer key to {path} (mode 0600). Its public key: {public_key_multibase(public)}\n"
        f"Set BADGES_KEY_FILE={path.resolve()} and restart Courseware to issue credentials."
    )


badges_cli.add_command(
    generate_key_command("Ed25519 issuer key", _make_issuer_key, "credentials signed with it would stop verifying.")
)


@badges_cli.command("check")
def check() -> None:
    """Say whether credentials are offered, and with which key; fails when they are not."""
    state = keys.key_state()
    if state.problem:
        raise click.ClickException(f"Open Badges credentials are not offered. {state.problem}")
    click.echo(f"Open Badges credentials are offered, signed with the key in {state.path}: {state.multibase}")
