"""Ralph (ralph-malph from PyPI), an independent xAPI 1.0.3 learning record store, in a venv of its own
(tests/peers/ralph/.venv, made from the hashed tests/peers/ralph/requirements.txt): its statement models
check the statements Courseware builds, and its server receives what Courseware sends."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

PEER = Path(__file__).resolve().parent.parent / "peers" / "ralph"
PYTHON = PEER / ".venv" / "bin" / "python"
RALPH = PEER / ".venv" / "bin" / "ralph"
MISSING = (
    "ralph (the xAPI learning record store ralph-malph) is not installed: python3 -m venv tests/peers/ralph/.venv "
    "&& tests/peers/ralph/.venv/bin/pip install --require-hashes -r tests/peers/ralph/requirements.txt"
)
USERNAME, PASSWORD = "courseware", "lrs-test-password"
HEADERS = {"X-Experience-API-Version": "1.0.3"}

needs_ralph = pytest.mark.skipif(not RALPH.exists(), reason=MISSING)

VALIDATE = """
import json, sys
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement
for line in sys.stdin:
    statement = json.loads(line)
    try:
        BaseXapiStatement.model_validate(statement)
    except ValidationError as error:
        print(json.dumps({"id": statement.get("id"), "errors": str(error)}))
"""


def invalid_statements(statements: list[dict]) -> list[dict]:
    """The statements ralph's xAPI 1.0.3 models reject, with why (empty: all valid)."""
    lines = "".join(json.dumps(statement) + "\n" for statement in statements)
    done = subprocess.run([PYTHON, "-c", VALIDATE], input=lines, capture_output=True, text=True, check=True, timeout=60)
    return [json.loads(line) for line in done.stdout.splitlines()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_auth_file(folder: Path) -> Path:
    """Ralph's own credentials file, written by ``ralph auth``."""
    auth = folder / "auth.json"
    env = {
        **os.environ,
        "RALPH_AUTH_FILE": str(auth),
        "RALPH_APP_DIR": str(folder / "app"),
        "RALPH_RUNSERVER_BACKEND": "fs",
    }
    subprocess.run(
        [RALPH, "auth", "-u", USERNAME, "-p", PASSWORD, "-s", "all", "-A", USERNAME, "http://courseware.test", "-w"],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return auth


class Ralph:
    """A ralph LRS on a fixed free port of 127.0.0.1, storing statements in a folder (its "fs" backend):
    stopped and started again, it keeps them, at the same address."""

    def __init__(self, folder: Path, auth: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.auth = auth
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "RALPH_AUTH_FILE": str(self.auth),
            "RALPH_APP_DIR": str(self.folder / "app"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "statements"),
        }
        log = (self.folder / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [PYTHON, PEER / "serve.py", "127.0.0.1", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ralph stopped: {(self.folder / 'ralph.log').read_text()[-2000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("ralph did not start within a minute")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, read back through its xAPI Statements resource."""
        found: list[dict] = []
        url: str | None = f"{self.endpoint}statements?limit=500"
        while url:
            response = requests.get(url, headers=HEADERS, auth=(USERNAME, PASSWORD), timeout=10)
            response.raise_for_status()
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return found
