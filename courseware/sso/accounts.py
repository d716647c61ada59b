"""What every kind of single sign-on hands to the shared sign-in steps (services.py): the person as
the provider vouches for them, once its checks have passed, or a problem to show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from courseware.text import TextProblem, clean


@dataclass(frozen=True)
class ProviderAccount:
    """The person as the provider vouches for them, after the checks."""

    provider: str  # the identity's provider: an OpenID Connect key, or "saml:<key>"
    subject: str
    email: str  # lowercase; "" when the provider gave none
    email_verified: bool
    name: str


class SignInProvider(Protocol):
    """An OpenID Connect provider or a SAML identity provider, as the sign-in steps see it."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def identity_provider(self) -> str: ...  # ProviderAccount.provider of the accounts it vouches for
    def accepts(self, email: str) -> bool: ...


class SignInProblem(Exception):
    def __init__(self, title: str, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.title, self.detail, self.status = title, detail, status


def usable_email(email: object) -> str:
    """The address in lowercase, or "" when it is not one."""
    if not isinstance(email, str):
        return ""
    email = email.strip().lower()
    if len(email) > 254 or "@" not in email:
        return ""
    return email


def display_name(candidates: Sequence[object], email: str) -> str:
    """The first candidate that is clean text, else the address's local part, else "New member"
    (the person can change it on My account)."""
    for candidate in (*candidates, email.partition("@")[0]):
        if isinstance(candidate, str):
            try:
                name = clean(candidate)[:300]
            except TextProblem:
                continue
            if name:
                return name
    return "New member"
