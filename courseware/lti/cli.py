"""flask lti generate-key PATH: the tool's private key, made once and kept outside the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from courseware.lti import protocol

lti_cli = AppGroup("lti", help="The LTI 1.3 tool (docs/lti.md).")


@lti_cli.command("generate-key")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--if-missing", is_flag=True, help="Do nothing, successfully, when PATH already exists.")
def generate_key_command(path: Path, if_missing: bool) -> None:
    """Write a new RSA private key for the LTI tool to PATH (mode 0600); never replaces a file."""
    if if_missing and path.exists():
        click.echo(f"{path} exists; kept as it is.")
        return
    try:
        kid = protocol.generate_key(path)
    except FileExistsError:
        raise click.ClickException(
            f"{path} exists already: the tool keeps its key; remove the file first to replace it."
        ) from None
    except OSError as error:
        raise click.ClickException(f"{path} could not be written: {error.strerror}") from None
    click.echo(f"Wrote the LTI tool's private key to {path} (key id {kid}).")
    click.echo(f"Set LTI_KEY_FILE={path.resolve()} in the server's environment.")
