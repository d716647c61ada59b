"""Gunicorn on a free port of 127.0.0.1, stopped on exit."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.database import BIN, ROOT

HOST = "127.0.0.1"
START_TIMEOUT = 30
STOP_TIMEOUT = 10


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    workers: int
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], tmp: Path, workers: int) -> Iterator[Server]:
    server = Server(HOST, free_port(), workers, tmp / "gunicorn.log")
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"{HOST}:{server.port}", "app:create_app()"]
    with server.log.open("wb") as log:
        # A session of its own: Ctrl-C reaches the benchmark, which then stops gunicorn in order.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_answering(process, server)
            yield server
        finally:
            _stop(process)


def _wait_until_answering(process: subprocess.Popen, server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}:\n{_tail(server.log)}")
        connection = http.client.HTTPConnection(server.host, server.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{_tail(server.log)}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the group gunicorn leads: its master and workers
    process.wait()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
