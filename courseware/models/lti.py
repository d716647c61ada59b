from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow
from courseware.models.cohort import Organisation


class LtiRegistration(Model):
    """A learning platform (Canvas, Schoology, Moodle) that launches Courseware as an LTI 1.3 tool:
    what the platform's administrator gave when they registered Courseware there. ``deployment_ids``
    is one id a line; a launch from any other deployment is refused. ``organisation`` is the
    organisation the platform's users belong to: their addresses in its domains may be linked to, or
    create, Courseware accounts as its sign-in settings allow."""

    __tablename__ = "lti_registrations"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_ids: Mapped[str] = mapped_column(Text, default="")
    key_set_url: Mapped[str] = mapped_column(String(1000))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    access_token_url: Mapped[str] = mapped_column(String(1000))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def deployments(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]

    @property
    def identity_provider(self) -> str:
        """The ``SignInIdentity.provider`` of the accounts it vouches for."""
        return f"lti:{self.id}"


class LtiLaunch(Model):
    """What a platform told Courseware about a link when a person launched it, kept so that a later
    completion or quiz score knows where to post (the link's line item), and a roster where to read
    (the context's memberships). One row per person and link, updated on each launch. The person is
    ``sub`` at the registration, a ``SignInIdentity`` of provider ``lti:<registration_id>``."""

    __tablename__ = "lti_launches"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id", "resource_link_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id", ondelete="CASCADE"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    course_slug: Mapped[str | None] = mapped_column(String(100), index=True)
    module_key: Mapped[str | None] = mapped_column(String(100))
    context_id: Mapped[str] = mapped_column(String(255), default="")
    context_title: Mapped[str] = mapped_column(String(300), default="")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    memberships_url: Mapped[str | None] = mapped_column(String(1000))
    launched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[LtiRegistration] = relationship()


class LtiTicket(Model):
    """A short-lived, single-use secret of the LTI flows, kept by its SHA-256 only: the state of a
    login started by a platform (with its nonce), the hand-over that signs the launched person in
    on a first-party window, or a deep linking request waiting for the instructor's choice. Using
    one deletes it."""

    __tablename__ = "lti_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
