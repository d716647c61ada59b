from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class WorksheetEntry(Model):
    """A learner's answers to one worksheet (or reflection), private unless they share it."""

    __tablename__ = "worksheet_entries"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "worksheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    worksheet_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))  # as the learner last saw it
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answers: Mapped[list[WorksheetAnswer]] = relationship(back_populates="entry", cascade="all, delete-orphan")


class WorksheetAnswer(Model):
    """The latest saved value of one field. ``revision`` grows with every save, so a save
    based on an older revision is recognised as stale and never overwrites newer text."""

    __tablename__ = "worksheet_answers"
    __table_args__ = (UniqueConstraint("entry_id", "field_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("worksheet_entries.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[str] = mapped_column(String(100))
    prompt: Mapped[str] = mapped_column(Text)  # kept, so an answer outlives a field removed from the course
    value: Mapped[object] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[WorksheetEntry] = relationship(back_populates="answers")
    conflicts: Mapped[list[AnswerConflict]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="AnswerConflict.id"
    )


class AnswerConflict(Model):
    """Text from a stale save (another tab, an old page), kept beside the newer answer until the learner decides."""

    __tablename__ = "answer_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("worksheet_answers.id", ondelete="CASCADE"), index=True)
    value: Mapped[object] = mapped_column(JSON)
    based_on: Mapped[int]
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answer: Mapped[WorksheetAnswer] = relationship(back_populates="conflicts")
