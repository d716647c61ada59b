from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class QuizVersion(Model):
    """A quiz exactly as some learner saw it, so that their attempt is graded against it."""

    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("course_slug", "quiz_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizAttempt(Model):
    """One submitted attempt. ``number`` counts a learner's attempts at a quiz; it is unique,
    so a double click, a second tab or a retried request records the attempt only once."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "quiz_id", "cycle", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    quiz_id: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int] = mapped_column(default=1)  # the renewal cycle of the learner's enrolment
    number: Mapped[int]
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"), index=True)
    # The questions this attempt asked (drawn from the version's questions), in the order shown;
    # NULL for attempts recorded before questions were drawn: they asked every question.
    question_ids: Mapped[list[str] | None] = mapped_column(JSON)
    answers: Mapped[dict] = mapped_column(JSON)
    results: Mapped[dict] = mapped_column(JSON)  # question id -> correct
    score: Mapped[int]
    passed: Mapped[bool]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    quiz_version: Mapped[QuizVersion] = relationship()


class QuizShown(Model):
    """The version of a quiz last shown to a learner for their attempt ``number`` in a cycle: the only
    version that attempt may be graded against (a form naming another is refused)."""

    __tablename__ = "quiz_shown"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "quiz_id", "cycle", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int]
    number: Mapped[int]
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"), index=True)
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
