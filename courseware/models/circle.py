"""Peer-learning circles: a cohort's discussion of one module of an assigned course.

A circle exists once someone posts in it (or a leader locks it): reading an empty discussion
writes nothing. Posts are never removed from the table: a post its author deletes keeps its
place in the thread with its text blanked, and a post a leader hides keeps its text for the
leaders and its author.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class Circle(Model):
    """The discussion of one module of a course, among the members of one cohort (``team_id`` None), or
    among the members of one team of that cohort.

    One circle per cohort and module, and one per team and module: two partial unique indexes, since a
    unique constraint would let any number of rows with a NULL ``team_id`` through (on SQLite and
    PostgreSQL alike)."""

    __tablename__ = "circles"
    __table_args__ = (
        Index(
            "uq_circles_cohort_module", "cohort_id", "course_slug", "module_slug", unique=True,
            sqlite_where=text("team_id IS NULL"), postgresql_where=text("team_id IS NULL"),
        ),
        Index(
            "uq_circles_team_module", "team_id", "course_slug", "module_slug", unique=True,
            sqlite_where=text("team_id IS NOT NULL"), postgresql_where=text("team_id IS NOT NULL"),
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))  # None: the cohort's
    course_slug: Mapped[str] = mapped_column(String(100))
    module_slug: Mapped[str] = mapped_column(String(100))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # no new posts or replies
    locked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CirclePost(Model):
    """A thread (``parent_id`` None) or a reply to one. ``activity_at`` is, for a thread, the moment
    of its latest post or reply: the discussion lists threads by it, the newest first."""

    __tablename__ = "circle_posts"
    __table_args__ = (
        Index("ix_circle_posts_threads", "circle_id", "parent_id", "activity_at"),
        Index("ix_circle_posts_parent", "parent_id"),
        Index("ix_circle_posts_author", "author_id", "circle_id"),
        Index("ix_circle_posts_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("circle_posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # Markdown-lite, as the author wrote it; '' once deleted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # by its author
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # by a leader, with a reason
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")

    @property
    def visible(self) -> bool:
        """Shown to every member: neither deleted by its author nor hidden by a leader."""
        return self.deleted_at is None and self.hidden_at is None


class CircleReport(Model):
    """A member's report of a post to the circle's leaders: once per member and post."""

    __tablename__ = "circle_reports"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("circle_posts.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CircleDigest(Model):
    """One daily digest of a person's circles: one row per person and day, so a day is never sent
    twice. ``covered_until`` is where the next digest starts."""

    __tablename__ = "circle_digests"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[date] = mapped_column(Date)
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime())
    posts: Mapped[int] = mapped_column(default=0)  # how many posts it listed (0: nothing was sent)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CircleDigestOptOut(Model):
    """Someone who asked for no daily digest of their circles."""

    __tablename__ = "circle_digest_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
