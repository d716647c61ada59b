"""The app served over HTTP in a thread, for the browser tests."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class _Requests:
    """Counts the requests inside the app, so that stopping waits for the last one to give back its
    database connection (the server's request threads are daemons it never joins)."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def __enter__(self) -> None:
        with self._idle:
            self._count += 1

    def __exit__(self, *exc) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout=timeout)


def _closed_before_sending(app, requests: _Requests):
    """The app, with each response read whole and closed before it is sent. Werkzeug's development server
    skips closing a response whose client has already gone (a browser leaving a page while an image is on
    its way), which would leave the file behind it open; a finite body read at once cannot be left open."""

    def wsgi(environ, start_response):
        with requests:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()

    return wsgi


class LiveServer:
    """The app served on 127.0.0.1 at a free port; ``url("/path")`` gives an absolute address.

    ``LiveServer.serving`` is the one a test is using (a test has one), for helpers that read what
    the app mailed.
    """

    serving: LiveServer | None = None

    def __init__(self, app) -> None:
        self.app = app
        self._requests = _Requests()
        self._server = make_server("127.0.0.1", 0, _closed_before_sending(app, self._requests), threaded=True)
        self.port = self._server.socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="live-server", daemon=True
        )

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stops taking requests and waits for those under way, so that none still holds a database
        connection when the test's engine is disposed."""
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        if not self._requests.wait_until_idle(timeout=10):
            raise RuntimeError("a request to the live server was still running 10 s after it stopped")
