"""Signing up as a person does: the form, then the link in the confirmation email."""

from __future__ import annotations

import re

from tests.helpers.client import PASSWORD, Client
from tests.test_jobs import queued_emails


def mailed_link(to: str, kind: str = "sign-up") -> str:
    """The path of the newest link mailed to ``to`` in a message of ``kind``."""
    bodies = [mail.body for mail in queued_emails(kind) if mail.to_address == to]
    assert bodies, f"no {kind} email to {to}"
    match = re.search(r"https?://[^/\s]+(/\S+)", bodies[-1])
    assert match, bodies[-1]
    return match.group(1)


def sign_up(client: Client, name: str = "Ana Souza", email: str = "ana@example.org", next_url: str | None = None):
    """Fill in the sign-up form, open the mailed link and confirm; the confirmation's response."""
    url = "/sign-up" + (f"?next={next_url}" if next_url else "")
    response = client.submit(url, {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    link = mailed_link(email.strip().lower())
    return client.submit(link)
