"""What carries a SAML sign-in across the identity provider (docs/security.md).

The answer comes back as a POST from the identity provider's site, and the browser sends the
session cookie (SameSite=Lax) with no cross-site POST; and nothing may be written into a session on
a POST that came without its cookie (security.py). So:

1. Starting a sign-in keeps its request ID in this browser's session, and sends it to the identity
   provider in the relay state too, with a signature made with SECRET_KEY (it comes back with the
   answer).
2. The assertion consumer service reads the request ID from the relay state (only one this site
   signed is taken), checks the answer against it, records the assertion, and redirects to the
   finishing step with a signed, short-lived note of the person.
3. The finishing step is a GET, a same-site navigation that carries the session cookie: the note's
   request ID must be the one this browser's session holds (which is then spent). A note opened in
   another browser, or an answer to a sign-in started by someone else, signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import asdict

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from courseware.sso.accounts import ProviderAccount

REQUEST_ID = re.compile(r"id-[0-9a-f]{32}")
NOTE_SALT = "courseware.sso.saml-note"
NOTE_SECONDS = 120


def new_request_id() -> str:
    return f"id-{secrets.token_hex(16)}"


def _signature(request_id: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"saml-relay:{request_id}".encode(), hashlib.sha256).hexdigest()[:32]


def relay_state(request_id: str) -> str:
    """The relay state sent with the request (67 characters: SAML allows 80)."""
    return f"{request_id}.{_signature(request_id)}"


def request_of(relay: str) -> str | None:
    """The request ID of a relay state this site signed, or None."""
    request_id, _, signature = relay.partition(".")
    if not REQUEST_ID.fullmatch(request_id) or not hmac.compare_digest(signature, _signature(request_id)):
        return None
    return request_id


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=NOTE_SALT)


def note(account: ProviderAccount, request_id: str) -> str:
    """The signed note of the person the identity provider vouched for, for the finishing step."""
    return _serializer().dumps({"account": asdict(account), "request": request_id})


def read_note(text: str) -> tuple[ProviderAccount, str] | None:
    """The person and the request ID of a note signed here in the last two minutes, or None."""
    try:
        data = _serializer().loads(text, max_age=NOTE_SECONDS)
        account = ProviderAccount(**{name: data["account"][name] for name in ProviderAccount.__dataclass_fields__})
        request_id = data["request"]
    except (BadData, KeyError, TypeError):
        return None
    return (account, request_id) if isinstance(request_id, str) else None
