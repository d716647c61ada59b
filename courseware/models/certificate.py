from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow

CODE_BYTES = 20  # 160 random bits, written in base32 and shown in groups of four
CODE_RE = re.compile(r"^[A-Z2-7]{32}$")


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()


def normalise_code(text: str) -> str | None:
    """The code as stored, from what someone typed (any case, with or without dashes or spaces)."""
    code = re.sub(r"[\s-]", "", text).upper()
    return code if CODE_RE.match(code) else None


class Certificate(Model):
    """An issued certificate: an unchangeable record of what was completed, with its PDF.

    One per learner, course and renewal cycle (``generation`` 0); a corrected name gives a
    replacement (generation 1, 2, ...) that points back at the certificate it replaces.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "cycle", "generation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int] = mapped_column(default=1)
    generation: Mapped[int] = mapped_column(default=0)

    learner_name: Mapped[str] = mapped_column(String(300))
    course_title: Mapped[str] = mapped_column(String(300))
    course_version: Mapped[str] = mapped_column(String(50))
    hours: Mapped[float]
    credit_type: Mapped[str] = mapped_column(String(50))
    ceu: Mapped[float]
    provider_name: Mapped[str] = mapped_column(String(300))
    approval_number: Mapped[str] = mapped_column(String(100))
    provider_contact: Mapped[str] = mapped_column(String(300))
    design: Mapped[str] = mapped_column(String(100))
    # The title of the role track the course was taken on (course.yml ``tracks``); None: a course without.
    track_title: Mapped[str | None] = mapped_column(String(200))
    # What the credit profile printed, as issued (all empty on certificates issued before profiles).
    credit_profile: Mapped[str | None] = mapped_column(String(50))
    credit_name: Mapped[str | None] = mapped_column(String(200))
    credit_amount: Mapped[float | None]
    credit_unit: Mapped[str | None] = mapped_column(String(100))
    statement: Mapped[str | None] = mapped_column(Text)
    printed_lines: Mapped[list[Any] | None] = mapped_column(JSON)  # [[label, value], ...]
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_title: Mapped[str | None] = mapped_column(String(200))
    signature_asset_id: Mapped[int | None] = mapped_column(ForeignKey("provider_assets.id"))
    logo_asset_id: Mapped[int | None] = mapped_column(ForeignKey("provider_assets.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    replaces: Mapped[Certificate | None] = relationship(foreign_keys=[replaces_id], remote_side=[id])

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.replaced_by_id is not None:
            return "replaced"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "valid"

    @property
    def credit_text(self) -> str:
        """The credit awarded, such as "12 CPE clock-hours" (or "12 contact hours" on older certificates)."""
        if self.credit_amount is not None and self.credit_unit:
            return f"{self.credit_amount:g} {self.credit_unit}"
        return f"{self.hours:g} {self.credit_type}"

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
