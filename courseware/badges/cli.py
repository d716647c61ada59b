"""``flask badges``: the issuer's key."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from courseware.badges import keys
from courseware.badges.proofs import public_key_multibase

badges_cli = AppGroup("badges", help="Open Badges credentials: the issuer's key.")


@badges_cli.command("generate-key")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--if-missing", is_flag=True, help="Do nothing, successfully, when PATH already exists.")
def generate_key(path: Path, if_missing: bool) -> None:
    """Write a new Ed25519 issuer key to PATH (readable by its owner only); never overwrites a file."""
    if if_missing and path.exists():
        click.echo(f"{path} exists; kept as it is.")
        return
    try:
        public = keys.generate_key_file(path)
    except keys.KeyFileExists as problem:
        raise click.ClickException(f"{problem}: credentials signed with it would stop verifying.") from None
    except OSError as error:
        raise click.ClickException(f"{path} cannot be written: {error.strerror or error}") from None
    click.echo(f"Wrote the issuer key to {path} (mode 0600). Its public key: {public_key_multibase(public)}")
    click.echo(f"Set BADGES_KEY_FILE={path.resolve()} and restart Courseware to issue credentials.")


@badges_cli.command("check")
def check() -> None:
    """Say whether credentials are offered, and with which key; fails when they are not."""
    state = keys.key_state()
    if state.problem:
        raise click.ClickException(f"Open Badges credentials are not offered. {state.problem}")
    click.echo(f"Open Badges credentials are offered, signed with the key in {state.path}: {state.multibase}")
