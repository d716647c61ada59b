"""State changes in circles: posting, editing and deleting one's own posts, moderation by leaders (and,
in a team's circle, the team's facilitators), reports, and the digest setting. Each function owns its transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from courseware.circles.access import Place
from courseware.extensions import db
from courseware.models import Circle, CircleDigestOptOut, CirclePost, CircleReport, User
from courseware.models.base import utcnow
from courseware.progress import Outcome, settle

LOCKED = "This discussion is locked: no new posts or replies."
ARCHIVED = "This team is archived: its discussions can be read, not added to."


class Refused(Exception):
    """The change is not allowed; the message says why."""


@dataclass
class Posted:
    post: CirclePost
    outcome: Outcome = field(default_factory=Outcome)


def _circle(place: Place, now: datetime) -> Circle:
    """The place's circle, created the first time it is needed (two first posts at once make one)."""
    if place.circle is not None:
        return place.circle
    team_id = place.team.id if place.team else None
    circle = Circle(
        cohort_id=place.cohort.id, team_id=team_id, course_slug=place.course.slug, module_slug=place.module.slug
    )
    circle.created_at = now
    try:
        with db.session.begin_nested():
            db.session.add(circle)
    except IntegrityError:
        found = db.session.scalar(
            select(Circle).filter_by(
                cohort_id=place.cohort.id, team_id=team_id, course_slug=place.course.slug, module_slug=place.module.slug
            )
        )
        if found is None:
            raise
        circle = found
    place.circle = circle
    return circle


def _refuse_if_closed(place: Place) -> None:
    if place.archived:
        raise Refused(ARCHIVED)
    if place.locked:
        raise Refused(LOCKED)


def thread_of(place: Place, parent_id: int) -> CirclePost | None:
    """The thread a reply goes to: the post itself, or the thread it is a reply in (one level of replies)."""
    if place.circle is None:
        return None
    post = db.session.scalar(select(CirclePost).filter_by(id=parent_id, circle_id=place.circle.id))
    if post is not None and post.parent_id is not None:
        post = db.session.get(CirclePost, post.parent_id)
    return post


def post(place: Place, author: User, body: str, parent_id: int | None = None, now: datetime | None = None) -> Posted:
    """A new thread, or a reply to ``parent_id``'s thread, then the course settled for its author (a required
    discussion may have been the last thing missing). Commits; Refused when the circle is locked or the thread
    is gone or the team archived."""
    now = now or utcnow()
    _refuse_if_closed(place)
    thread = None
    if parent_id is not None:
        thread = thread_of(place, parent_id)
        if thread is None:
            raise Refused("The post you replied to is no longer in this discussion.")
    circle = _circle(place, now)
    new = CirclePost(
        circle_id=circle.id,
        parent_id=thread.id if thread else None,
        author_id=author.id,
        body=body,
        created_at=now,
        activity_at=now,
    )
    db.session.add(new)
    if thread is not None:
        db.session.execute(
            update(CirclePost)
            .where(CirclePost.id == thread.id, CirclePost.activity_at < now)
            .values(activity_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    outcome = settle(author, place.course)
    db.session.commit()
    return Posted(new, outcome)


def find_post(post_id: int) -> CirclePost | None:
    return db.session.get(CirclePost, post_id)


def edit(place: Place, post: CirclePost, author: User, body: str, now: datetime | None = None) -> None:
    """Change the text of one's own post; it shows as edited. Commits."""
    if post.author_id != author.id or post.deleted_at is not None:
        raise Refused("Only its author can edit a post, and not once it is deleted.")
    _refuse_if_closed(place)
    if body != post.body:
        post.body = body
        post.edited_at = now or utcnow()
    db.session.commit()


def remove(post: CirclePost, author: User, now: datetime | None = None) -> None:
    """Delete one's own post: its text is gone, its place in the thread stays ("deleted by its author"). Commits."""
    if post.author_id != author.id:
        raise Refused("Only its author can delete a post.")
    if post.deleted_at is None:
        post.deleted_at = now or utcnow()
        post.body = ""
    db.session.commit()


def hide(post: CirclePost, moderator: User, reason: str, now: datetime | None = None) -> None:
    """Hide a post from the members, with a reason its author and the moderators see. Commits."""
    if post.deleted_at is not None:
        raise Refused("This post was deleted by its author: there is nothing to hide.")
    post.hidden_at = now or utcnow()
    post.hidden_by = moderator.id
    post.hidden_reason = reason
    db.session.commit()


def unhide(post: CirclePost) -> None:
    """Show a hidden post to the members again. Commits."""
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    db.session.commit()


def lock(place: Place, leader: User, now: datetime | None = None) -> None:
    """No new posts, replies or edits in the circle until it is unlocked. Commits; Refused in an archived team."""
    now = now or utcnow()
    if place.archived:
        raise Refused(ARCHIVED)
    circle = _circle(place, now)
    if circle.locked_at is None:
        circle.locked_at = now
        circle.locked_by = leader.id
    db.session.commit()


def unlock(place: Place) -> None:
    """Open a locked circle again. Commits; Refused in an archived team."""
    if place.archived:
        raise Refused(ARCHIVED)
    if place.circle is not None:
        place.circle.locked_at = None
        place.circle.locked_by = None
    db.session.commit()


def report(post: CirclePost, reporter: User, note: str, now: datetime | None = None) -> bool:
    """Report a post to the circle's leaders: False when this member has reported it already. Commits."""
    if post.author_id == reporter.id:
        raise Refused("You cannot report your own post; edit or delete it instead.")
    try:
        with db.session.begin_nested():
            db.session.add(
                CircleReport(post_id=post.id, reporter_id=reporter.id, note=note, created_at=now or utcnow())
            )
    except IntegrityError:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def set_digest(user: User, wanted: bool) -> None:
    """Whether the person receives the daily digest of their circles. Commits."""
    if wanted:
        db.session.execute(delete(CircleDigestOptOut).where(CircleDigestOptOut.user_id == user.id))
    elif db.session.get(CircleDigestOptOut, user.id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(CircleDigestOptOut(user_id=user.id))
        except IntegrityError:
            pass  # opted out at the same moment elsewhere: the same result
    db.session.commit()
