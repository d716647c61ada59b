from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class PracticeEntry(Model):
    """One time a learner did a practice activity in their school, as they logged it.

    Private: only its author reads what they tried and noticed; leaders see the minutes that
    count. ``cycle`` is the renewal cycle of the learner's enrolment when they logged it, so a
    new cycle starts with an empty log. ``form_key`` is the random key of the form it was sent
    from: the same form sent twice (a double click) is logged once.
    """

    __tablename__ = "practice_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "form_key"),
        # The learner's log in one cycle (their page, their progress); the leaders' dashboard.
        Index("ix_practice_entries_learner_course_cycle", "user_id", "course_slug", "cycle"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int]
    practice_id: Mapped[str] = mapped_column(String(100))
    done_on: Mapped[date]
    minutes: Mapped[int]
    tried: Mapped[str] = mapped_column(Text)
    noticed: Mapped[str] = mapped_column(Text)
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime())  # "I did this activity myself ..." ticked
    form_key: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
