from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class Enrolment(Model):
    """A learner taking a course in one renewal cycle (1, then 2 after renewing, ...).

    Course, module and page keys are the stable ids of the compiled course; earlier cycles
    stay as they were, as the learner's history.
    """

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The credit profile the learner chose, where the course lets them (credit.learner_chooses).
    credit_profile: Mapped[str | None] = mapped_column(String(50))
    # The role track the learner takes the course on (a track id of course.yml's ``tracks``); None: the
    # course has no tracks, or the learner has not chosen yet. Changing it keeps every page and answer.
    track: Mapped[str | None] = mapped_column(String(50))
    # Completed, but the certificate is held back until the course's credit details are complete.
    certificate_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_page_key: Mapped[str | None] = mapped_column(String(200))
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Totals of the page rows below, kept up to date as pages are read, for leaders' dashboards.
    pages_visited: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[int] = mapped_column(default=0)
    # The moment up to which seat time has been credited (None before the first credit): a
    # heartbeat credits only time after it and moves it on in the same conditional UPDATE, so the
    # seat time of all tabs, devices and concurrent requests together never exceeds the time passed.
    credited_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pages: Mapped[list[PageProgress]] = relationship(back_populates="enrolment", cascade="all, delete-orphan")


class PageProgress(Model):
    """One row per page a learner has opened, with the seat time earned on it."""

    __tablename__ = "page_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "page_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    page_key: Mapped[str] = mapped_column(String(200))
    first_visited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_visited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seconds: Mapped[int] = mapped_column(default=0)

    enrolment: Mapped[Enrolment] = relationship(back_populates="pages")


class PageVisit(Model):
    """One opening of a page; heartbeats credit seat time to it, up to a cap."""

    __tablename__ = "page_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    page_progress_id: Mapped[int] = mapped_column(ForeignKey("page_progress.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seconds: Mapped[int] = mapped_column(default=0)

    page: Mapped[PageProgress] = relationship()
