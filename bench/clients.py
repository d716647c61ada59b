"""How a workload talks to the app: over real HTTP (the load) or through Flask's test client (query counts)."""

from __future__ import annotations

import http.client
import json as jsonlib
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
USER_AGENT = "courseware-bench/1"


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class UnexpectedResponse(Exception):
    """The app answered, but not as the workload expects."""


class Client(ABC):
    """One signed-in browser. Subclasses implement ``request``; the rest is shared."""

    @abstractmethod
    def request(
        self, method: str, path: str, *, form: dict | None = None, json: Any = None, headers: dict | None = None
    ) -> Response:
        """Send one request and return the whole response."""

    def get(self, path: str, *, expect: int = 200, headers: dict | None = None) -> Response:
        return _check(self.request("GET", path, headers=headers), expect, "GET", path)

    def post(
        self, path: str, *, expect: int = 200, form: dict | None = None, json: Any = None, headers: dict | None = None
    ) -> Response:
        return _check(self.request("POST", path, form=form, json=json, headers=headers), expect, "POST", path)

    def csrf_token(self, path: str = "/") -> str:
        """The CSRF token from the ``<meta name="csrf-token">`` of a page, as the site's scripts read it."""
        response = self.get(path)
        match = CSRF_META.search(response.text)
        if match is None:
            raise UnexpectedResponse(f"GET {path}: no csrf-token meta tag")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> None:
        form = {"email": email, "password": password, "csrf_token": self.csrf_token("/sign-in")}
        self.post("/sign-in", expect=302, form=form)


def _check(response: Response, expect: int, method: str, path: str) -> Response:
    if response.status != expect:
        raise UnexpectedResponse(f"{method} {path}: HTTP {response.status}, expected {expect}")
    return response


def _encode(form: dict | None, json: Any) -> tuple[bytes | None, dict[str, str]]:
    if form is not None:
        return urlencode(form, doseq=True).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    if json is not None:
        return jsonlib.dumps(json).encode(), {"Content-Type": "application/json"}
    return None, {}


class HttpClient(Client):
    """A client over one HTTP connection, with its own cookies (every cookie is sent back, Secure or not)."""

    def __init__(self, host: str, port: int, timeout: float = 30) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, form=None, json=None, headers=None) -> Response:
        body, sent = _encode(form, json)
        sent = {"User-Agent": USER_AGENT, **sent, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            raw = self.connection.getresponse()
            data = raw.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in raw.msg.get_all("Set-Cookie") or []:
            self._store_cookie(header)
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)

    def _store_cookie(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.coded_value

    def close(self) -> None:
        self.connection.close()


class FlaskClient(Client):
    """The same requests, in-process, through Flask's test client."""

    def __init__(self, app) -> None:
        self.raw = app.test_client()

    def request(self, method, path, *, form=None, json=None, headers=None) -> Response:
        body, sent = _encode(form, json)
        sent = {"User-Agent": USER_AGENT, **sent, **(headers or {})}
        response = self.raw.open(path, method=method, data=body, headers=sent)
        return Response(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data())

    def close(self) -> None:
        pass
