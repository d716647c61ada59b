"""The app served over HTTP in a thread, for the browser tests."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


def _closed_before_sending(app):
    """The app, with each response read whole and closed before it is sent. Werkzeug's development server
    skips closing a response whose client has already gone (a browser leaving a page while an image is on
    its way), which would leave the file behind it open; a finite body read at once cannot be left open."""

    def wsgi(environ, start_response):
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
        self._server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
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
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
