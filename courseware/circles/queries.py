"""Reading circles: a page of a discussion, the reports of a circle, and participation counts.

A page of a discussion takes the same number of queries however many posts the circle holds: its
threads are a page of the newest activity, and their replies, authors and reports are loaded for
that page in one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from courseware.circles.access import Place
from courseware.extensions import db
from courseware.models import CircleDigestOptOut, CirclePost, CircleReport, User

THREADS_PER_PAGE = 20


@dataclass
class Entry:
    """A post as one reader sees it."""

    post: CirclePost
    author: str
    mine: bool
    reports: int = 0  # shown to leaders only
    reported_by_me: bool = False
    replies: list[Entry] = field(default_factory=list)

    @property
    def state(self) -> str:
        """ "deleted", "hidden" or "visible"."""
        if self.post.deleted_at is not None:
            return "deleted"
        return "hidden" if self.post.hidden_at is not None else "visible"


@dataclass
class Discussion:
    threads: list[Entry]
    page: int
    pages: int
    thread_count: int
    report_count: int  # reports of the circle's posts (leaders only)


def discussion(place: Place, viewer: User, page: int) -> Discussion:
    """A page of the circle's threads, the newest activity first, each with its replies, oldest first."""
    if place.circle is None:
        return Discussion([], 1, 1, 0, 0)
    circle_id = place.circle.id
    thread_count = db.session.scalar(
        select(func.count(CirclePost.id)).where(CirclePost.circle_id == circle_id, CirclePost.parent_id.is_(None))
    )
    pages = max(1, -(-(thread_count or 0) // THREADS_PER_PAGE))
    page = min(max(1, page), pages)
    threads = db.session.execute(
        select(CirclePost, User.name)
        .join(User, User.id == CirclePost.author_id)
        .where(CirclePost.circle_id == circle_id, CirclePost.parent_id.is_(None))
        .order_by(CirclePost.activity_at.desc(), CirclePost.id.desc())
        .limit(THREADS_PER_PAGE)
        .offset((page - 1) * THREADS_PER_PAGE)
    ).all()
    entries = {post.id: Entry(post, name, post.author_id == viewer.id) for post, name in threads}
    everything = dict(entries)
    if entries:
        for post, name in db.session.execute(
            select(CirclePost, User.name)
            .join(User, User.id == CirclePost.author_id)
            .where(CirclePost.parent_id.in_(list(entries)))
            .order_by(CirclePost.created_at, CirclePost.id)
        ).all():
            reply = Entry(post, name, post.author_id == viewer.id)
            entries[post.parent_id or 0].replies.append(reply)
            everything[post.id] = reply
        for post_id, count, mine in db.session.execute(
            select(
                CircleReport.post_id,
                func.count(CircleReport.id),
                func.sum(case((CircleReport.reporter_id == viewer.id, 1), else_=0)),
            )
            .where(CircleReport.post_id.in_(list(everything)))
            .group_by(CircleReport.post_id)
        ).all():
            everything[post_id].reports = count if place.moderates else 0
            everything[post_id].reported_by_me = bool(mine)
    report_count = 0
    if place.moderates:
        report_count = (
            db.session.scalar(
                select(func.count(CircleReport.id))
                .join(CirclePost, CirclePost.id == CircleReport.post_id)
                .where(CirclePost.circle_id == circle_id)
            )
            or 0
        )
    return Discussion(list(entries.values()), page, pages, thread_count or 0, report_count)


@dataclass
class Report:
    post: CirclePost
    author: str
    reporter: str
    note: str
    created_at: object


def reports(place: Place) -> list[Report]:
    """Every report of the circle's posts, the newest first (leaders only)."""
    if place.circle is None:
        return []
    author = aliased(User)
    reporter = aliased(User)
    return [
        Report(post, author_name, reporter_name, report.note, report.created_at)
        for report, post, author_name, reporter_name in db.session.execute(
            select(CircleReport, CirclePost, author.name, reporter.name)
            .join(CirclePost, CirclePost.id == CircleReport.post_id)
            .join(author, author.id == CirclePost.author_id)
            .join(reporter, reporter.id == CircleReport.reporter_id)
            .where(CirclePost.circle_id == place.circle.id)
            .order_by(CircleReport.created_at.desc(), CircleReport.id.desc())
        ).all()
    ]


def wants_digest(user: User) -> bool:
    return db.session.get(CircleDigestOptOut, user.id) is None
