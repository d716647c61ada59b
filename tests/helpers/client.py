"""The test client, and signing people in.

``sign_in_by_form(client, user)`` signs in as a person does, through the form.
``sign_in_directly(client, user)`` writes the same session a sign-in writes, without a request:
use it to set up a test whose subject is not signing in.
"""

from __future__ import annotations

from flask import g
from flask.testing import FlaskClient

from tests.helpers.html import csrf_token

PASSWORD = "violet-harbor-lantern-42"


class Client(FlaskClient):
    """The Flask test client plus form posts that carry the page's CSRF token.

    The test holds an app context open for database access, and Flask reuses it for the
    client's requests; what a request caches on ``g`` (the signed-in user, the CSRF token)
    is dropped after it, so that every request starts from its own cookies, as in production.
    """

    def open(self, *args, **kwargs):
        try:
            return super().open(*args, **kwargs)
        finally:
            for key in list(vars(g)):
                g.pop(key, None)

    @property
    def raw(self) -> Client:
        return self

    def csrf_token(self, page: str = "/") -> str:
        response = self.get(page)
        assert response.status_code < 500, f"no CSRF token on {page} ({response.status_code})"
        return csrf_token(response)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST a form as a browser would after loading ``page`` (by default ``url`` itself)."""
        payload = dict(data or {})
        payload["csrf_token"] = self.csrf_token(page or url)
        return self.post(url, data=payload, **kwargs)

    def post_json(self, url: str, payload: dict, page: str = "/", **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(page), "Accept": "application/json"}
        return self.post(url, json=payload, headers=headers, **kwargs)


def sign_in_by_form(client: Client, user, password: str = PASSWORD, remember: bool = False):
    """Sign in through the sign-in form; the response (a redirect)."""
    response = client.submit(
        "/sign-in", {"email": user.email, "password": password, **({"remember": "y"} if remember else {})}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def sign_in_directly(client: Client, user) -> Client:
    """Give the client the session cookie a sign-in gives (Flask-Login's keys), without a request.

    The session names the user's current session token, as the form's sign-in does, so that
    signing out elsewhere or changing the password ends it just the same.
    """
    assert user.is_active, f"{user} could not sign in: the account is deactivated"
    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        identifier = app.login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
    return client


def signed_in_client(app, user) -> Client:
    """A new client of ``app``, signed in as ``user``."""
    return sign_in_directly(app.test_client(), user)
