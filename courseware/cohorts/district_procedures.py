"""A district's procedures: its answers to the blanks of a course's district box, filled in by its leaders.

A course leaves blanks in its district box (``[DISTRICT: key | what to fill in]``). Each district (an
organisation without a parent) answers them once per course, on the page "Our district's
procedures". Who may:

- admins, and leaders granted the district itself, read and change its answers;
- leaders granted one of its schools or one of its cohorts read them (they see what their staff see), and
  cannot change them: the district's contacts are the district's to set.

A learner sees the answers of their district: the district of the cohort through which the course is
assigned to them (the most recent assignment, if there are several).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from courseware.courses import Course
from courseware.courses.checks import register_app_check
from courseware.courses.problems import Problem
from courseware.extensions import db
from courseware.models import Assignment, Cohort, CohortMember, DistrictAnswer, LeaderGrant, Organisation, User
from courseware.models.base import utcnow
from courseware.text import TextProblem, clean

ANSWER_LIMIT = 500  # characters: a phone number, a name and a room, a few steps, a link
Access = Literal["change", "read"]
UNREADABLE = "the districts' answers to the blanks of district boxes were not checked: the database cannot be read"


def district_of(organisation: Organisation) -> Organisation:
    """The district an organisation belongs to: itself, or its parent for a school."""
    return organisation.parent if organisation.parent is not None else organisation


def find_district(organisation_id: int) -> Organisation | None:
    """The district with this id; None for a school or an id that does not exist."""
    found = db.session.get(Organisation, organisation_id)
    return found if found is not None and found.parent_id is None else None


def access_to(user: User, district: Organisation) -> Access | None:
    """What the user may do with the district's answers: change them, read them, or nothing (None)."""
    if user.is_admin:
        return "change"
    grants = db.session.execute(
        select(LeaderGrant.organisation_id, LeaderGrant.cohort_id).where(LeaderGrant.user_id == user.id)
    ).all()
    if any(organisation_id == district.id for organisation_id, _ in grants):
        return "change"
    inside = select(Organisation.id).where(or_(Organisation.id == district.id, Organisation.parent_id == district.id))
    organisation_ids = {o for o, _ in grants if o is not None}
    cohort_ids = {c for _, c in grants if c is not None}
    if organisation_ids and db.session.scalar(
        select(Organisation.id)
        .where(Organisation.id.in_(organisation_ids), Organisation.parent_id == district.id)
        .limit(1)
    ):
        return "read"
    if cohort_ids and db.session.scalar(
        select(Cohort.id).where(Cohort.id.in_(cohort_ids), Cohort.organisation_id.in_(inside)).limit(1)
    ):
        return "read"
    return None


def answers_of(district_id: int, course_slug: str) -> dict[str, DistrictAnswer]:
    """The district's answers for the course, by blank key."""
    rows = db.session.scalars(
        select(DistrictAnswer).where(
            DistrictAnswer.organisation_id == district_id, DistrictAnswer.course_slug == course_slug
        )
    )
    return {row.key: row for row in rows}


def names_of(user_ids: set[int]) -> dict[int, str]:
    """The names of the people who changed answers, by id (one query)."""
    if not user_ids:
        return {}
    return {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))}


def _learner_district(user_id: int, course_slug: str):
    """The district of the cohort through which the course is assigned to the learner, most recent first."""
    return (
        select(func.coalesce(Organisation.parent_id, Organisation.id))
        .select_from(Assignment)
        .join(Cohort, Cohort.id == Assignment.cohort_id)
        .join(
            CohortMember,
            and_(CohortMember.cohort_id == Cohort.id, CohortMember.user_id == user_id, CohortMember.active),
        )
        .join(Organisation, Organisation.id == Cohort.organisation_id)
        .where(Assignment.course_slug == course_slug)
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
        .limit(1)
    )


def learner_district_id(user: User, course_slug: str) -> int | None:
    return db.session.scalar(_learner_district(user.id, course_slug))


def answers_for_learner(user: User, course_slug: str) -> dict[str, str]:
    """The answers of the learner's district for the course, by key: one query, whatever the course."""
    if not user.is_authenticated:
        return {}
    district = _learner_district(user.id, course_slug).scalar_subquery()
    rows = db.session.execute(
        select(DistrictAnswer.key, DistrictAnswer.answer).where(
            DistrictAnswer.organisation_id == district, DistrictAnswer.course_slug == course_slug
        )
    )
    return {row.key: row.answer for row in rows}


def still_to_fill(district_id: int, course: Course) -> int:
    """How many of the course's blanks the district has not answered yet."""
    answered = set(answers_of(district_id, course.slug))
    return sum(1 for _, blank in course.district_blanks if blank.key not in answered)


@dataclass(frozen=True)
class Procedures:
    """For a cohort's dashboard: its district, and how many of the course's blanks it has still to fill in."""

    district: Organisation
    blanks: int
    missing: int


def still_to_fill_for(cohort: Cohort, course: Course) -> Procedures | None:
    """The cohort's district's blanks for the course, or None for a course without any."""
    blanks = len(course.district_blanks)
    if not blanks:
        return None
    district = district_of(cohort.organisation)
    return Procedures(district, blanks, still_to_fill(district.id, course))


@dataclass
class Saved:
    """What saving the answers did: the problems by key (nothing was saved), or how many answers changed."""

    problems: dict[str, str]
    changed: int = 0


def save_answers(district: Organisation, course: Course, values: dict[str, str], user: User) -> Saved:
    """Set the district's answers for the course from ``values`` (by blank key; a key not sent is left as
    it is, and an empty answer clears it). Every answer is checked first: with any problem, nothing is
    saved. Commits."""
    keys = [blank.key for _, blank in course.district_blanks]
    problems: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for key in keys:
        if key not in values:
            continue
        try:
            cleaned[key] = clean(values[key], multiline=True, limit=ANSWER_LIMIT).strip()
        except TextProblem as problem:
            problems[key] = str(problem)
    if problems:
        return Saved(problems)
    existing = answers_of(district.id, course.slug)
    changed = 0
    now = utcnow()
    for key, answer in cleaned.items():
        row = existing.get(key)
        if not answer:
            if row is not None:
                db.session.execute(delete(DistrictAnswer).where(DistrictAnswer.id == row.id))
                changed += 1
        elif row is None:
            db.session.add(
                DistrictAnswer(
                    organisation_id=district.id, course_slug=course.slug, key=key, answer=answer,
                    changed_by=user.id, changed_at=now,
                )
            )  # fmt: skip
            changed += 1
        elif row.answer != answer:
            row.answer, row.changed_by, row.changed_at = answer, user.id, now
            changed += 1
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):  # another save of the same answers at the same moment
        db.session.rollback()
        stored = {key: row.answer for key, row in answers_of(district.id, course.slug).items()}
        message = "Someone else saved this answer at the same moment. Check it below and save again."
        clashes = {key: message for key, answer in cleaned.items() if stored.get(key, "") != answer}
        return Saved(clashes)  # the same text sent twice (a double click) is simply saved
    return Saved({}, changed)


@register_app_check
def unanswered_blanks(course: Course) -> tuple[list[Problem], list[str]]:
    """A warning at each blank, for each district that has the course assigned and has not answered it
    (``flask courses check``). Without a database to read, a note says so."""
    blanks = [blank for _, blank in course.district_blanks]
    if not blanks:
        return [], []
    try:
        districts = db.session.execute(
            select(Organisation.id, Organisation.name)
            .where(
                Organisation.id.in_(
                    select(func.coalesce(Organisation.parent_id, Organisation.id))
                    .join(Cohort, Cohort.organisation_id == Organisation.id)
                    .join(Assignment, Assignment.cohort_id == Cohort.id)
                    .where(Assignment.course_slug == course.slug)
                )
            )
            .order_by(Organisation.name)
        ).all()
        answered = {
            (row.organisation_id, row.key)
            for row in db.session.execute(
                select(DistrictAnswer.organisation_id, DistrictAnswer.key).where(
                    DistrictAnswer.course_slug == course.slug
                )
            )
        }
    except SQLAlchemyError:
        db.session.rollback()
        return [], [UNREADABLE]
    return [
        Problem(blank.file, blank.line, f"the district '{name}' has still to fill this in: {blank.description}")
        for district_id, name in districts
        for blank in blanks
        if (district_id, blank.key) not in answered
    ], []
