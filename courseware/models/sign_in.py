from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow
from courseware.models.user import User


class SignInIdentity(Model):
    """An account at a single sign-on provider (Google, Microsoft, a district's own), linked to a
    Courseware account. A person is recognised by the provider's ``subject``, which never changes;
    ``email`` is the address the provider gave when the link was made, kept for the record."""

    __tablename__ = "sign_in_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"), UniqueConstraint("user_id", "provider"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class OrganisationDomain(Model):
    """An email domain an organisation owns (its staff's addresses end with @domain). A domain
    belongs to one organisation at most."""

    __tablename__ = "organisation_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)


class OrganisationSignIn(Model):
    """How an organisation's staff sign in, for the addresses of its domains: whether single sign-on
    creates their account on first use (and which cohort new staff join), and whether passwords are
    turned off for them. An organisation without a row has both off."""

    __tablename__ = "organisation_sign_in"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    create_accounts: Mapped[bool] = mapped_column(default=False)
    passwords_off: Mapped[bool] = mapped_column(default=False)
    new_staff_cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))


class SamlAssertion(Model):
    """A SAML assertion that signed someone in, kept until it expires so that it signs nobody in a
    second time (a replayed answer). ``assertion_id`` is the ID the identity provider gave it."""

    __tablename__ = "saml_assertions"
    __table_args__ = (UniqueConstraint("provider", "assertion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(50))
    assertion_id: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
