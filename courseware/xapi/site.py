"""Who is sending: the site's address, the language, and how a learner is named in a statement."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEVELOPMENT_ADDRESS = "http://localhost"  # the site's address where PUBLIC_URL is unset (development, tests)


@dataclass(frozen=True)
class Site:
    """What every statement of one site shares, read from the app's configuration."""

    base: str  # the site's address, PUBLIC_URL without a trailing slash
    language: str  # an RFC 5646 tag: the language of names and of the context
    actor: str  # "account": an opaque id; "mbox": the learner's email address
    actor_key: bytes  # the key of the opaque ids

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Site:
        base = (config.get("PUBLIC_URL") or DEVELOPMENT_ADDRESS).rstrip("/")
        actor = config.get("XAPI_ACTOR") or "account"
        key = config.get("XAPI_ACTOR_SECRET") or ""
        if not key and actor == "mbox":
            key = config.get("SECRET_KEY") or ""  # only statement ids and registrations depend on it then
        if not key:
            raise RuntimeError("XAPI_ACTOR_SECRET must be set to name learners by an opaque id (see docs/xapi.md)")
        return cls(base=base, language=config.get("XAPI_LANGUAGE") or "en-US", actor=actor, actor_key=key.encode())

    @property
    def namespace(self) -> uuid.UUID:
        """The namespace of this site's statement ids and registrations: two sites never share one."""
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/xapi")

    def uuid(self, *parts: object) -> str:
        """A UUID determined by ``parts``: the same parts always give the same id. Parts are public or
        keyed (a learner is named by their account name, never by their number), so that nobody can
        find whose statement it is by trying account numbers."""
        return str(uuid.uuid5(self.namespace, "\x1f".join(str(part) for part in parts)))

    def account_name(self, user_id: int) -> str:
        """A learner's stable opaque id: an HMAC of their account's number, which says nothing about
        them and cannot be turned back into the number without the key."""
        return hmac.new(self.actor_key, f"courseware-user:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]

    def agent(self, user_id: int, email: str | None = None) -> dict[str, Any]:
        """The learner as an xAPI Agent: an account on this site, or their mailbox if the site chose ``mbox``."""
        if self.actor == "mbox" and email:
            return {"objectType": "Agent", "mbox": f"mailto:{email}"}
        return {"objectType": "Agent", "account": {"homePage": self.base, "name": self.account_name(user_id)}}

    def registration(self, user_id: int, course_slug: str, cycle: int) -> str:
        """The registration of a learner's round (cycle) of a course: the same for every statement of it."""
        return self.uuid("registration", self.account_name(user_id), course_slug, cycle)
