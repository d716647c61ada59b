"""flask lti generate-key PATH: the tool's private key, made once and kept outside the database."""

from __future__ import annotations

from pathlib import Path

from flask.cli import AppGroup

from courseware.key_files import generate_key_command
from courseware.lti import protocol

lti_cli = AppGroup("lti", help="The LTI 1.3 tool (docs/lti.md).")


def _make_tool_key(path: Path) -> str:
    kid = protocol.generate_key(path)
    return (
        f"Wrote the LTI tool's private key to {path} (key id {kid}).\n"
        f"Set LTI_KEY_FILE={path.resolve()} in the server's environment."
    )


lti_cli.add_command(
    generate_key_command(
        "RSA private key for the LTI tool", _make_tool_key, "platforms check the tool's messages with its public key."
    )
)
