"""Read-only look-ups for team pages and plans. Each loads what a page shows in a fixed number of
queries, however many items, members, comments and changes there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from courseware.courses import Course
from courseware.courses.model import TeamPlanSection
from courseware.extensions import db
from courseware.models import (
    Assignment,
    Cohort,
    CohortMember,
    Team,
    TeamMember,
    TeamPlanChange,
    TeamPlanComment,
    TeamPlanItem,
    User,
)
from courseware.teams.values import STATUSES

HISTORY_PER_PAGE = 20


def assigned_slugs(cohort: Cohort) -> list[str]:
    return list(
        db.session.scalars(
            select(Assignment.course_slug).where(Assignment.cohort_id == cohort.id).order_by(Assignment.id)
        )
    )


def is_assigned(cohort_id: int, course_slug: str) -> bool:
    found = db.session.scalar(select(Assignment.id).filter_by(cohort_id=cohort_id, course_slug=course_slug).limit(1))
    return found is not None


@dataclass
class Person:
    user_id: int
    name: str
    facilitator: bool = False


def active_in_cohort(team: Team):
    """A condition on ``TeamMember``: the person is still active in the team's cohort (looked up by its
    unique index, one person at a time, however large the cohort)."""
    return (
        select(CohortMember.id)
        .where(
            CohortMember.cohort_id == team.cohort_id,
            CohortMember.user_id == TeamMember.user_id,
            CohortMember.active.is_(True),
        )
        .exists()
    )


def members(team: Team) -> list[Person]:
    """The team's members who are active in its cohort, by name."""
    rows = db.session.execute(
        select(User.id, User.name, TeamMember.facilitator)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team.id, active_in_cohort(team))
        .order_by(User.name, User.id)
    ).all()
    return [Person(user_id, name, facilitator) for user_id, name, facilitator in rows]


def is_member(team: Team, user_id: int) -> bool:
    """Whether the person is in the team and active in its cohort."""
    found = db.session.scalar(
        select(TeamMember.id).where(
            TeamMember.team_id == team.id, TeamMember.user_id == user_id, active_in_cohort(team)
        )
    )
    return found is not None


def roster_choices(team: Team) -> list[Person]:
    """Active members of the cohort who are not in the team yet: who a leader can add."""
    in_team = select(TeamMember.user_id).where(TeamMember.team_id == team.id)
    rows = db.session.execute(
        select(User.id, User.name)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == team.cohort_id, CohortMember.active.is_(True), User.id.not_in(in_team))
        .order_by(User.name, User.id)
    ).all()
    return [Person(user_id, name) for user_id, name in rows]


def teams_of_cohort(cohort: Cohort) -> list[tuple[Team, int]]:
    """The cohort's teams, open ones first, with how many members (active in the cohort) each has."""
    active = (CohortMember.user_id == TeamMember.user_id) & (CohortMember.cohort_id == cohort.id)
    counts = (
        select(TeamMember.team_id, func.count(TeamMember.id).label("n"))
        .join(CohortMember, active)
        .where(CohortMember.active.is_(True))
        .group_by(TeamMember.team_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Team, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.team_id == Team.id)
        .where(Team.cohort_id == cohort.id)
        .order_by(Team.archived_at.is_not(None), Team.name, Team.id)
    ).all()
    return [(team, count) for team, count in rows]


def teams_of(user: User) -> list[tuple[Team, Cohort]]:
    """The teams the user belongs to, in cohorts where they are active."""
    rows = db.session.execute(
        select(Team, Cohort)
        .join(Cohort, Cohort.id == Team.cohort_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .join(CohortMember, (CohortMember.cohort_id == Cohort.id) & (CohortMember.user_id == TeamMember.user_id))
        .where(TeamMember.user_id == user.id, CohortMember.active.is_(True))
        .order_by(Team.archived_at.is_not(None), Cohort.name, Team.name)
    ).all()
    return [(team, cohort) for team, cohort in rows]


@dataclass
class Comment:
    author: str
    body: str
    created_at: object


@dataclass
class Item:
    row: TeamPlanItem
    owner: str  # the member's name, or the name written in
    updated_by: str
    comments: list[Comment] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.row.status, self.row.status)


@dataclass
class Section:
    section: TeamPlanSection
    items: list[Item] = field(default_factory=list)


@dataclass
class Plan:
    team: Team
    course: Course
    sections: list[Section]
    elsewhere: list[Item]  # items of sections the course no longer has

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.sections) + len(self.elsewhere)


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def plan(team: Team, course: Course) -> Plan:
    """The team's plan for the course: items by section, with owners' names and comments, in three queries."""
    rows = list(
        db.session.scalars(
            select(TeamPlanItem)
            .where(TeamPlanItem.team_id == team.id, TeamPlanItem.course_slug == course.slug)
            .order_by(TeamPlanItem.id)
        )
    )
    comments: dict[int, list[TeamPlanComment]] = defaultdict(list)
    if rows:
        for comment in db.session.scalars(
            select(TeamPlanComment)
            .where(TeamPlanComment.item_id.in_([r.id for r in rows]))
            .order_by(TeamPlanComment.id)
        ):
            comments[comment.item_id].append(comment)
    people = {r.owner_id for r in rows} | {r.updated_by for r in rows}
    people |= {c.author_id for cs in comments.values() for c in cs}
    names = _names({p for p in people if p is not None})
    sections = [Section(s) for s in course.team_plan]
    by_id = {s.section.id: s for s in sections}
    elsewhere: list[Item] = []
    for row in rows:
        item = Item(
            row,
            owner=names.get(row.owner_id, "") if row.owner_id else row.owner_text,
            updated_by=names.get(row.updated_by, "") if row.updated_by else "",
            comments=[Comment(names.get(c.author_id or 0, "Someone"), c.body, c.created_at) for c in comments[row.id]],
        )
        (by_id[row.section_id].items if row.section_id in by_id else elsewhere).append(item)
    return Plan(team, course, sections, elsewhere)


def item_row(team: Team, course: Course, item_id: int) -> TeamPlanItem | None:
    """One item of the team's plan for the course, alone; None for any other."""
    found = db.session.get(TeamPlanItem, item_id)
    return found if found is not None and found.team_id == team.id and found.course_slug == course.slug else None


def item(team: Team, course: Course, item_id: int) -> Item | None:
    """One item of the team's plan for the course, with its comments; None for any other."""
    found = db.session.get(TeamPlanItem, item_id)
    if found is None or found.team_id != team.id or found.course_slug != course.slug:
        return None
    comments = list(
        db.session.scalars(
            select(TeamPlanComment).where(TeamPlanComment.item_id == found.id).order_by(TeamPlanComment.id)
        )
    )
    names = _names({p for p in [found.owner_id, found.updated_by, *(c.author_id for c in comments)] if p is not None})
    return Item(
        found,
        owner=names.get(found.owner_id, "") if found.owner_id else found.owner_text,
        updated_by=names.get(found.updated_by, "") if found.updated_by else "",
        comments=[Comment(names.get(c.author_id or 0, "Someone"), c.body, c.created_at) for c in comments],
    )


@dataclass
class Change:
    who: str
    action: str
    summary: str
    at: object


@dataclass
class History:
    changes: list[Change]
    page: int
    pages: int
    total: int


def history(team: Team, course_slug: str, page: int) -> History:
    """One page of the plan's history, newest first."""
    where = (TeamPlanChange.team_id == team.id, TeamPlanChange.course_slug == course_slug)
    total = db.session.scalar(select(func.count(TeamPlanChange.id)).where(*where)) or 0
    pages = max(1, -(-total // HISTORY_PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(TeamPlanChange, User.name)
        .outerjoin(User, User.id == TeamPlanChange.user_id)
        .where(*where)
        .order_by(TeamPlanChange.id.desc())
        .offset((page - 1) * HISTORY_PER_PAGE)
        .limit(HISTORY_PER_PAGE)
    ).all()
    changes = [Change(name or "Someone", change.action, change.summary, change.at) for change, name in rows]
    return History(changes, page, pages, total)


@dataclass
class Overview:
    """A course's team plans across a cohort's teams: counts by status, and every item."""

    teams: list[Team]
    counts: dict[int, dict[str, int]]  # team id -> status -> items
    items: list[tuple[Team, TeamPlanItem, str]]  # with the owner's name


def overview(cohort: Cohort, course: Course) -> Overview:
    teams = [team for team, _ in teams_of_cohort(cohort)]
    ids = [t.id for t in teams] or [-1]
    counts: dict[int, dict[str, int]] = {t.id: dict.fromkeys(STATUSES, 0) for t in teams}
    for team_id, status, n in db.session.execute(
        select(TeamPlanItem.team_id, TeamPlanItem.status, func.count(TeamPlanItem.id))
        .where(TeamPlanItem.team_id.in_(ids), TeamPlanItem.course_slug == course.slug)
        .group_by(TeamPlanItem.team_id, TeamPlanItem.status)
    ):
        counts[team_id][status] = n
    by_id = {t.id: t for t in teams}
    position = {t.id: i for i, t in enumerate(teams)}
    order = {s.id: i for i, s in enumerate(course.team_plan)}
    rows = db.session.execute(
        select(TeamPlanItem, User.name)
        .outerjoin(User, User.id == TeamPlanItem.owner_id)
        .where(TeamPlanItem.team_id.in_(ids), TeamPlanItem.course_slug == course.slug)
        .order_by(TeamPlanItem.team_id, TeamPlanItem.id)
    ).all()
    items = sorted(
        ((by_id[row.team_id], row, name or row.owner_text) for row, name in rows),
        key=lambda t: (position[t[0].id], order.get(t[1].section_id, len(order)), t[1].id),
    )
    return Overview(teams, counts, items)
