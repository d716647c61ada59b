"""State changes for teams and their plans. Each function commits once ("Commits."), or changes nothing
and says why. Every change to a plan adds a row to its history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from courseware.courses import Course
from courseware.database import affected
from courseware.extensions import db
from courseware.models import (
    Cohort,
    CohortMember,
    Team,
    TeamMember,
    TeamPlanChange,
    TeamPlanComment,
    TeamPlanItem,
    User,
)
from courseware.models.base import utcnow
from courseware.teams.values import STATUSES, ItemValues, shortened

# Join codes are read out in a staff meeting: no letters that look alike (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """A code as typed (any case, with spaces or a hyphen) as it is stored."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:32]


def shown_code(code: str) -> str:
    """A code as a leader reads it out: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- teams ----------------------------------------------------------------------------------------


def create_team(cohort: Cohort, name: str) -> Team:
    """A new team in the cohort, with its join code. Commits."""
    team = Team(cohort_id=cohort.id, name=name, join_code=new_code())
    db.session.add(team)
    db.session.commit()
    return team


def rename(team: Team, name: str) -> None:
    """Commits."""
    team.name = name
    db.session.commit()


def set_archived(team: Team, archived: bool) -> None:
    """Archive the team (its plans become read-only, its code stops working) or open it again. Commits."""
    team.archived_at = utcnow() if archived else None
    db.session.commit()


def rotate_code(team: Team) -> None:
    """A new join code; the old one stops working. Commits."""
    team.join_code = new_code()
    db.session.commit()


def add_member(team: Team, user_id: int) -> User | None:
    """Add an active member of the team's cohort. None (nothing changed) for anyone else. Commits."""
    person = db.session.scalar(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(User.id == user_id, CohortMember.cohort_id == team.cohort_id, CohortMember.active.is_(True))
    )
    if person is None:
        return None
    _join(team, person)
    return person


def _join(team: Team, user: User) -> None:
    if db.session.scalar(select(TeamMember.id).filter_by(team_id=team.id, user_id=user.id)) is not None:
        return
    db.session.add(TeamMember(team_id=team.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # added twice at once: the other request's membership stands
        db.session.rollback()


def remove_member(team: Team, user_id: int) -> bool:
    """Take someone out of the team: from the next request on they cannot open its plans. Commits."""
    removed = affected(db.session.execute(delete(TeamMember).filter_by(team_id=team.id, user_id=user_id)))
    db.session.commit()
    return bool(removed)


def set_facilitator(team: Team, user_id: int, facilitator: bool) -> bool:
    """Commits."""
    changed = affected(
        db.session.execute(
            update(TeamMember).filter_by(team_id=team.id, user_id=user_id).values(facilitator=facilitator)
        )
    )
    db.session.commit()
    return bool(changed)


class JoinRefused(Exception):
    """The code cannot be used; the message says why, in the words of whoever typed it."""


def join_with_code(user: User, raw_code: str) -> Team:
    """Join the team whose code this is, when the user is an active member of its cohort. Commits;
    raises JoinRefused otherwise."""
    code = normalise_code(raw_code)
    team = db.session.scalar(select(Team).filter_by(join_code=code)) if code else None
    if team is None:
        raise JoinRefused(
            "No team has this code. Check it with your team's leader: it has 8 letters and digits, like ABCD-EF23."
        )
    active = db.session.scalar(
        select(CohortMember.id).filter_by(cohort_id=team.cohort_id, user_id=user.id, active=True)
    )
    if active is None:
        raise JoinRefused(
            "This code is for a team of a cohort you are not in. Ask your leader to add you to the cohort first."
        )
    if team.archived:
        raise JoinRefused("This team is archived: nobody can join it. Ask your leader for the code of a current team.")
    _join(team, user)
    return team


# --- the plan ---------------------------------------------------------------------------------------


def _record(team: Team, course: Course, user: User, action: str, summary: str, item_id: int | None) -> None:
    db.session.add(
        TeamPlanChange(
            team_id=team.id, course_slug=course.slug, item_id=item_id, user_id=user.id, action=action, summary=summary
        )
    )


def add_item(team: Team, course: Course, section_id: str, values: ItemValues, user: User) -> TeamPlanItem:
    """Commits."""
    now = utcnow()
    item = TeamPlanItem(
        team_id=team.id, course_slug=course.slug, section_id=section_id, text=values.text, owner_id=values.owner_id,
        owner_text=values.owner_text, due_on=values.due_on, status=values.status, version=1, created_by=user.id,
        created_at=now, updated_by=user.id, updated_at=now,
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    _record(
        team,
        course,
        user,
        "added",
        f"Added “{shortened(values.text)}” to {_section_title(course, section_id)}.",
        item.id,
    )
    db.session.commit()
    return item


def _section_title(course: Course, section_id: str) -> str:
    return next((s.title for s in course.team_plan if s.id == section_id), section_id)


@dataclass
class Edit:
    """What became of an edit: saved, or refused because someone saved the item after ``based_on``."""

    item: TeamPlanItem | None  # None: the item was deleted meanwhile
    conflict: bool = False


def edit_item(team: Team, course: Course, item: TeamPlanItem, based_on: int, values: ItemValues, user: User) -> Edit:
    """Save the item if nobody has changed it since version ``based_on``; otherwise nothing is
    written and the result says so, with the item as it is now. Commits."""
    changed = _differences(item, values)
    if not changed:
        return Edit(item)
    saved = affected(
        db.session.execute(
            update(TeamPlanItem)
            .where(TeamPlanItem.id == item.id, TeamPlanItem.version == based_on)
            .values(
                text=values.text,
                owner_id=values.owner_id,
                owner_text=values.owner_text,
                due_on=values.due_on,
                status=values.status,
                version=based_on + 1,
                updated_by=user.id,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
    )
    if not saved:
        db.session.rollback()
        current = db.session.get(TeamPlanItem, item.id)
        if current is not None:
            db.session.refresh(current)
        return Edit(current, conflict=current is not None)
    action = "status" if changed == ["status"] else "edited"
    summary = (
        f"Set “{shortened(values.text)}” to {STATUSES[values.status]}."
        if action == "status"
        else f"Edited “{shortened(values.text)}” ({', '.join(changed)})."
    )
    _record(team, course, user, action, summary, item.id)
    db.session.commit()
    db.session.expire(item)  # read again when next used: the UPDATE went around it
    return Edit(item)


def _differences(item: TeamPlanItem, values: ItemValues) -> list[str]:
    changed = []
    if item.text != values.text:
        changed.append("text")
    if (item.owner_id, item.owner_text) != (values.owner_id, values.owner_text):
        changed.append("owner")
    if item.due_on != values.due_on:
        changed.append("due date")
    if item.status != values.status:
        changed.append("status")
    return changed


def delete_item(team: Team, course: Course, item: TeamPlanItem, based_on: int, user: User) -> bool:
    """Delete the item if nobody has changed it since version ``based_on``. Commits; False when it had
    changed (nothing is deleted: the person sees the newer text first)."""
    text = item.text
    gone = affected(
        db.session.execute(delete(TeamPlanItem).where(TeamPlanItem.id == item.id, TeamPlanItem.version == based_on))
    )
    if not gone:
        db.session.rollback()
        return False
    _record(team, course, user, "deleted", f"Deleted “{shortened(text)}”.", item.id)
    db.session.commit()
    db.session.expunge(item)
    return True


def comment(team: Team, course: Course, item: TeamPlanItem, body: str, user: User) -> TeamPlanComment:
    """Commits."""
    row = TeamPlanComment(item_id=item.id, author_id=user.id, body=body)
    db.session.add(row)
    _record(team, course, user, "commented", f"Commented on “{shortened(item.text)}”.", item.id)
    db.session.commit()
    return row


def bring_from_worksheet(
    team: Team, course: Course, section_id: str, text: str, worksheet_title: str, user: User
) -> TeamPlanItem:
    """A copy of one of the user's own worksheet answers, as a new item (the original stays private). Commits."""
    now = utcnow()
    item = TeamPlanItem(
        team_id=team.id, course_slug=course.slug, section_id=section_id, text=text, owner_id=user.id, owner_text="",
        status="not-started", version=1, created_by=user.id, created_at=now, updated_by=user.id, updated_at=now,
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    title = _section_title(course, section_id)
    summary = f"Brought “{shortened(text)}” from their worksheet “{worksheet_title}” into {title}."
    _record(team, course, user, "copied", summary, item.id)
    db.session.commit()
    return item
