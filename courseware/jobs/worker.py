"""The in-process worker: a daemon thread of the web server that runs due jobs.

With ``JOBS_IN_PROCESS_WORKER`` (on in development), the serving process runs jobs itself, so
``make run`` needs no second command. The thread starts in the process that serves requests
only: at once in the child of Flask's reloader (``WERKZEUG_RUN_MAIN=true``), and otherwise on
the first request, so that neither the reloader's watching parent nor a CLI command other than
``flask run`` ever starts one, and a forking server (gunicorn) starts one per worker process.
"""

from __future__ import annotations

import atexit
import os
import threading

from flask import Flask

from courseware.jobs.core import new_worker_id, work

EXTENSION = "courseware.jobs.worker"


class InProcessWorker:
    """Runs due jobs every ``poll_seconds`` (at once again while a backlog remains) until stopped."""

    def __init__(self, app: Flask, poll_seconds: float, limit: int = 50) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.limit = limit
        self.worker_id = new_worker_id("web")
        self.stopping = threading.Event()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._loop, name="courseware-jobs", daemon=True)

    @property
    def alive(self) -> bool:
        return self.pid == os.getpid() and self.thread.is_alive()

    def start(self) -> None:
        self.thread.start()
        atexit.register(self.stop)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the job in hand (waiting at most ``timeout`` seconds) and end the thread."""
        self.stopping.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            backlog = False
            try:
                with self.app.app_context():
                    report = work(limit=self.limit, worker_id=self.worker_id, stop=self.stopping)
                backlog = report.processed >= self.limit
            except Exception:
                self.app.logger.exception("the in-process job worker failed; trying again in %s s", self.poll_seconds)
            if not backlog:
                self.stopping.wait(self.poll_seconds)


def init_app(app: Flask) -> None:
    if not app.config["JOBS_IN_PROCESS_WORKER"]:
        return
    lock = threading.Lock()

    def ensure_started() -> None:
        worker = app.extensions.get(EXTENSION)
        if worker is not None and worker.alive:
            return
        with lock:
            worker = app.extensions.get(EXTENSION)
            if worker is None or not worker.alive:
                worker = InProcessWorker(app, app.config["JOBS_POLL_SECONDS"])
                app.extensions[EXTENSION] = worker
                worker.start()

    app.before_request(ensure_started)
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's child, which serves: start now
        ensure_started()


def in_process_worker(app: Flask) -> InProcessWorker | None:
    return app.extensions.get(EXTENSION)
