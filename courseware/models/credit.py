"""Credit providers set up by an admin, and the images they print, kept unchanged once stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class CreditProvider(Model):
    """The organisation that awards the credit of the courses naming its ``key`` in course.yml.

    ``numbers`` holds its number in each credit system, by profile key: {"tx-cpe": "501234"}.
    The signature and logo point at ProviderAsset rows; a new upload adds a row and points at it,
    so that a certificate keeps the image it was issued with.
    """

    __tablename__ = "credit_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str] = mapped_column(String(300), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    numbers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signature_asset_id: Mapped[int | None] = mapped_column(ForeignKey("provider_assets.id"))
    logo_asset_id: Mapped[int | None] = mapped_column(ForeignKey("provider_assets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProviderAsset(Model):
    """An uploaded signature or logo, checked and cleaned: PNG or SVG bytes, never changed or deleted.

    Providers and certificates point at assets; an asset points at nothing, so that it outlives
    whatever pointed at it first.
    """

    __tablename__ = "provider_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "signature" or "logo"
    media_type: Mapped[str] = mapped_column(String(50))  # "image/png" or "image/svg+xml"
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
