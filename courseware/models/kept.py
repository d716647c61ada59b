from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class KeptSubmission(Model):
    """A form that arrived after its session expired, kept until its author signs in again.

    Only a random key to it travels in the (signed) session cookie; nothing is recorded in
    the learner's name until they are signed in and submit it again.
    """

    __tablename__ = "kept_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
