from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, event, inspect
from sqlalchemy.orm import InstanceState, Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    LEADER = "leader"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER)
    # Part of the login cookie: changing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # When the person last proved they read mail at ``email`` (a sign-up confirmation or a link
    # mailed to it); None for accounts whose address nobody has confirmed yet.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resets: Mapped[list[PasswordReset]] = relationship(back_populates="user", cascade="all, delete-orphan")
    email_changes: Mapped[list[EmailChange]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def has_password(self) -> bool:
        """False for an invited person who has not chosen a password yet (their hash is "!")."""
        return not self.password_hash.startswith("!")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class PasswordReset(Model):
    """A one-time password reset link; only a hash of its token is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="resets")


class EmailChange(Model):
    """A change of a user's email address, waiting for the link mailed to the new address to be
    used; until then the account keeps its address. Only a hash of the link's token is stored."""

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="email_changes")


class SignUpRequest(Model):
    """A sign-up waiting for its email address to be confirmed: the account is created only when the
    link mailed to ``email`` is used, so a sign-up never says whether the address has an account.
    Only a hash of the link's token is stored, and the password only as its hash."""

    __tablename__ = "sign_up_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(255))
    next_url: Mapped[str | None] = mapped_column(String(500))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@event.listens_for(Session, "before_flush")
def _end_links_on_new_credentials(session: Session, flush_context, instances) -> None:
    """A change of a user's email or password ends every link still open for them (reset links,
    invitations and changes of address waiting for confirmation): a link mailed to an old address,
    or sent before the password changed, must not act afterwards. Whatever makes the change (the
    profile, a reset, an admin, a command) goes through here."""
    for user in session.dirty:
        if not isinstance(user, User):
            continue
        state: InstanceState[User] = inspect(user)
        if state.attrs.email.history.has_changes() or state.attrs.password_hash.history.has_changes():
            now = utcnow()
            links: list[PasswordReset | EmailChange] = [*user.resets, *user.email_changes]
            for link in links:
                if link.used_at is None and link not in session.new:  # not one made with the change
                    link.used_at = now
