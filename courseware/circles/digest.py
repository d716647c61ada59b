"""The daily digest: one email per member of the new posts in their circles since their last digest.

``flask circles digest`` (run by cron once a day) queues the emails through the job table. A day is
never sent twice to one person: each digest records a row (person, day) under a unique constraint,
in the transaction that queues its email, so running the command again the same day queues nothing.
A post hidden or deleted by the time the digest is made is not in it; nor are a person's own posts,
nor anything from a circle they have left. A team's circle reaches the team's members only (active in
the cohort), in the same query as the cohort's circles. Whoever opted out (the discussion page, or the link at
the foot of every digest) receives none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from courseware.circles.render import excerpt
from courseware.courses import catalog
from courseware.extensions import db
from courseware.jobs import enqueue_email
from courseware.models import (
    Assignment,
    Circle,
    CircleDigest,
    CircleDigestOptOut,
    CirclePost,
    Cohort,
    CohortMember,
    Team,
    TeamMember,
    User,
)
from courseware.models.base import utcnow
from courseware.urls import external_url

FIRST_WINDOW = timedelta(days=1)  # a first digest covers the day before it
LONGEST_WINDOW = timedelta(days=7)  # a digest never reaches further back than a week
SALT = "circles.digest.unsubscribe"


@dataclass
class Item:
    cohort_id: int
    cohort: str
    team_id: int | None  # None: the cohort's circle
    team: str | None
    course_slug: str
    module_slug: str
    author: str
    body: str
    created_at: datetime


@dataclass
class Recipient:
    user_id: int
    name: str
    email: str
    items: list[Item] = field(default_factory=list)


def unsubscribe_token(user_id: int) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT).dumps(user_id)


def read_unsubscribe_token(token: str) -> int | None:
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT).loads(token)
    except BadData:
        return None
    return value if isinstance(value, int) else None


def recipients(now: datetime) -> list[Recipient]:
    """Who gets a digest for ``now``'s day, with what: members not opted out, without one today."""
    last = (
        select(CircleDigest.user_id, func.max(CircleDigest.covered_until).label("until"))
        .group_by(CircleDigest.user_id)
        .subquery()
    )
    author = aliased(User)
    member = aliased(User)
    since = func.coalesce(last.c.until, now - FIRST_WINDOW)
    day = now.date()
    rows = db.session.execute(
        select(
            member.id, member.name, member.email, Cohort.id, Cohort.name, Team.id, Team.name, Circle.course_slug,
            Circle.module_slug, author.name, CirclePost.body, CirclePost.created_at,
        )
        .select_from(CirclePost)
        .join(Circle, Circle.id == CirclePost.circle_id)
        .join(Cohort, Cohort.id == Circle.cohort_id)
        .join(Assignment, (Assignment.cohort_id == Circle.cohort_id) & (Assignment.course_slug == Circle.course_slug))
        .join(CohortMember, (CohortMember.cohort_id == Circle.cohort_id) & CohortMember.active.is_(True))
        .join(member, member.id == CohortMember.user_id)
        .outerjoin(Team, Team.id == Circle.team_id)
        .join(author, author.id == CirclePost.author_id)
        .outerjoin(last, last.c.user_id == member.id)
        .where(CirclePost.created_at > now - LONGEST_WINDOW, CirclePost.created_at <= now)
        .where(CirclePost.created_at > since)
        .where(CirclePost.deleted_at.is_(None), CirclePost.hidden_at.is_(None))
        .where(CirclePost.author_id != member.id)
        .where(
            Circle.team_id.is_(None)
            | select(TeamMember.id)
            .where(TeamMember.team_id == Circle.team_id, TeamMember.user_id == member.id)
            .exists()
        )
        .where(~select(CircleDigestOptOut.user_id).where(CircleDigestOptOut.user_id == member.id).exists())
        .where(~select(CircleDigest.id).where(CircleDigest.user_id == member.id, CircleDigest.period == day).exists())
        .order_by(
            member.id, Cohort.name, Circle.team_id.is_not(None), Team.name, Circle.team_id, Circle.course_slug,
            Circle.module_slug, CirclePost.created_at,
        )
    ).all()  # fmt: skip
    found: dict[int, Recipient] = {}
    for user_id, name, email, cohort_id, cohort, team_id, team, course, module, writer, body, created in rows:
        person = found.setdefault(user_id, Recipient(user_id, name, email))
        person.items.append(Item(cohort_id, cohort, team_id, team, course, module, writer, body, created))
    return list(found.values())


def body_of(person: Recipient) -> str:
    lines = [f"Hello {person.name},", "", "Here is what is new in your discussions since your last digest.", ""]
    heading = None
    for item in person.items:
        course = catalog().get(item.course_slug)
        module = course.module(item.module_slug) if course else None
        place = (item.cohort_id, item.team_id, item.course_slug, item.module_slug)
        if place != heading:
            heading = place
            title = f"{course.title if course else item.course_slug}, {module.title if module else item.module_slug}"
            if item.team_id is None:
                link = external_url(
                    "circles.discussion", cohort_id=item.cohort_id, slug=item.course_slug, module=item.module_slug
                )
                lines += [f"{item.cohort}: {title}", link, ""]
            else:
                link = external_url(
                    "circles.team_discussion", team_id=item.team_id, slug=item.course_slug, module=item.module_slug
                )
                lines += [f"{item.cohort}, team {item.team}: {title}", link, ""]
        lines += [f"{item.author} wrote:", excerpt(item.body), ""]
    unsubscribe = external_url("circles.unsubscribe", token=unsubscribe_token(person.user_id))
    lines += ["--", "You receive this digest once a day when your circles have new posts.",
              f"To stop it, open: {unsubscribe}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest for everyone with new posts in their circles. Commits; returns how many.

    Running it again the same day queues nothing more: the digest rows of the day are unique.
    """
    now = now or utcnow()
    people = recipients(now)
    for person in people:
        count = len(person.items)
        subject = f"{count} new post{'s' if count != 1 else ''} in your discussions"
        enqueue_email(
            person.email, subject, body_of(person), "circle-digest", key=f"circles.digest:{person.user_id}:{now.date()}"
        )
        db.session.add(
            CircleDigest(user_id=person.user_id, period=now.date(), covered_until=now, posts=count, created_at=now)
        )
    try:
        db.session.commit()
    except IntegrityError:  # another run of the same day committed first: its digests stand, this one queues none
        db.session.rollback()
        return 0
    return len(people)
