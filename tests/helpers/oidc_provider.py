"""A real OpenID Connect provider on a local port (the oidc-provider-mock package), and signing in
through it with the test client.

The provider serves discovery, its JWKS, an authorization form and a token endpoint over HTTP;
the app fetches them as it would Google's. The test plays the browser: it follows the app's
redirect to the provider, posts the provider's form (choosing who signs in), and brings the code
back to the app's callback. ``forge`` lets a test replace the id token the provider hands out (its
claims changed and signed with the provider's own key, signed with another key, or changed after
signing), to check that the app refuses it.
"""

from __future__ import annotations

import base64
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import flask
import requests
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey

try:
    with warnings.catch_warnings():  # the package uses authlib.jose, which Authlib now calls deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        import oidc_provider_mock
except ImportError as missing:  # the fixture that needs it says so (a failure in CI, where it must be present)
    oidc_provider_mock = None
    MISSING = str(missing)
else:
    MISSING = ""

CLIENT_ID = "courseware-tests"
CLIENT_SECRET = "a-client-secret"

# (the claims of the id token the provider issued, the provider's own key) -> the id token handed out
Forge = Callable[[dict, RSAKey], str]


def signed(claims: dict, key: RSAKey) -> str:
    """An id token of these claims signed with ``key`` (RS256, naming the key's id)."""
    header = {"alg": "RS256", "kid": key.kid} if key.kid else {"alg": "RS256"}
    return jwt.encode(header, claims, key)


def with_payload_of(token: str, claims: dict) -> str:
    """``token`` with its payload replaced by ``claims``, its signature left as it was."""
    header, _, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


@dataclass
class MockProvider:
    base_url: str
    forge: Forge | None = None
    issued: list[dict] = field(default_factory=list)  # the claims of every id token handed out

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    def settings(self, label: str = "Riverside ID", client_id: str = CLIENT_ID, domains=()) -> dict:
        """The app's OIDC_PROVIDERS entry for this provider."""
        return {
            "label": label,
            "discovery_url": self.discovery_url,
            "client_id": client_id,
            "client_secret": CLIENT_SECRET,
            "domains": list(domains),
        }

    def set_person(self, subject: str, **claims) -> None:
        """Who signs in as ``subject``, and the claims the provider gives about them."""
        response = requests.put(f"{self.base_url}/users/{subject}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def _rewrite_token(self, response: flask.Response) -> flask.Response:
        if flask.request.path != "/oauth2/token" or response.status_code != 200:
            return response
        body = json.loads(response.get_data())
        storage = flask.g.oidc_provider_mock_storage
        own_key = RSAKey.import_key(storage.jwk.as_dict(is_private=True))
        claims = jwt.decode(body["id_token"], own_key).claims
        self.issued.append(claims)
        if self.forge is not None:
            body["id_token"] = self.forge(dict(claims), own_key)
            response.set_data(json.dumps(body))
        return response


@contextmanager
def running_provider(**options) -> Iterator[MockProvider]:
    """A provider serving on a free local port until the block ends (options: oidc_provider_mock.app's)."""
    if oidc_provider_mock is None:
        raise RuntimeError(f"oidc-provider-mock is not installed: {MISSING}")
    app = oidc_provider_mock.app(**options)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    provider = MockProvider(f"http://127.0.0.1:{server.server_port}")
    app.after_request(provider._rewrite_token)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def start(client, key: str, next_url: str | None = None):
    """Follow "Sign in with ..." on the sign-in page; the app's answer (a redirect to the provider)."""
    client.get("/sign-in")
    return client.get(f"/sign-in/oidc/{key}", query_string={"next": next_url} if next_url else None)


def sign_in_through(
    client,
    provider: MockProvider,
    subject: str,
    key: str = "riverside",
    deny: bool = False,
    change_request: Callable[[str], str] | None = None,
):
    """The whole redirect flow as a browser runs it: the app's response to the provider's redirect
    back (its callback). ``change_request`` may alter the authorization request on its way."""
    answer = start(client, key)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    authorize = answer.location
    assert authorize.startswith(provider.base_url), authorize
    if change_request is not None:
        authorize = change_request(authorize)
    form = requests.get(authorize, timeout=10)
    assert form.status_code == 200 and "<form" in form.text, form.text[:2000]
    chosen = requests.post(
        authorize, data={"action": "deny"} if deny else {"sub": subject}, allow_redirects=False, timeout=10
    )
    assert chosen.status_code in (302, 303), chosen.text[:2000]
    back = urlsplit(chosen.headers["Location"])
    assert back.path == f"/sign-in/oidc/{key}/callback", back
    return client.get(f"{back.path}?{back.query}")
