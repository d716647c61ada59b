"""Private key files kept outside the database: written once, readable by their owner only, never
replaced (what was signed with a key stops verifying once it is gone), and the ``generate-key``
command that makes one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click


def write_private_key(path: Path, pem: bytes) -> None:
    """Write ``pem`` to a new file at ``path`` with mode 0600, whatever the umask. Raises FileExistsError
    rather than replace a file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    os.chmod(path, 0o600)


def generate_key_command(what: str, make: Callable[[Path], str], why_kept: str) -> click.Command:
    """``generate-key PATH [--if-missing]``: ``make(path)`` writes a new key (with ``write_private_key``)
    and returns what to tell the person; ``why_kept`` says what replacing the key would break."""

    @click.command(
        "generate-key", help=f"Write a new {what} to PATH, readable by its owner only; never replaces a file."
    )
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--if-missing", is_flag=True, help="Do nothing, successfully, when PATH already exists.")
    def generate_key(path: Path, if_missing: bool) -> None:
        if if_missing and path.exists():
            click.echo(f"{path} exists; kept as it is.")
            return
        try:
            told = make(path)
        except FileExistsError:
            raise click.ClickException(f"{path} exists already, and a key is never overwritten: {why_kept}") from None
        except OSError as error:
            raise click.ClickException(f"{path} cannot be written: {error.strerror or error}") from None
        click.echo(told)

    return generate_key
