"""Read-only look-ups for the leaders' and admins' pages; each answers only what the asker may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from courseware.cohorts import access
from courseware.extensions import db
from courseware.models import Assignment, Cohort, CohortMember, LeaderGrant, Organisation, RosterUpload, User


def led_cohort(user: User, cohort_id: int) -> Cohort | None:
    """The cohort, if ``user`` leads it; None otherwise, as if it did not exist."""
    cohort = db.session.get(Cohort, cohort_id)
    return cohort if cohort is not None and access.can_lead(user, cohort) else None


def assignment_of(cohort: Cohort, assignment_id: int) -> Assignment | None:
    assignment = db.session.get(Assignment, assignment_id)
    return assignment if assignment is not None and assignment.cohort_id == cohort.id else None


def assignment_for_course(cohort: Cohort, course_slug: str) -> Assignment | None:
    return db.session.scalar(select(Assignment).filter_by(cohort_id=cohort.id, course_slug=course_slug))


def member_of(cohort: Cohort, member_id: int) -> tuple[CohortMember, User] | None:
    """A member of this cohort (active or not) and their account; None for anyone else."""
    row = db.session.execute(
        select(CohortMember, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.id == member_id, CohortMember.cohort_id == cohort.id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def upload_of(cohort: Cohort, upload_id: int) -> RosterUpload | None:
    upload = db.session.get(RosterUpload, upload_id)
    return upload if upload is not None and upload.cohort_id == cohort.id else None


def active_member_counts(cohorts: list[Cohort]) -> dict[int, int]:
    """Active members of each cohort, in one query."""
    if not cohorts:
        return {}
    rows = db.session.execute(
        select(CohortMember.cohort_id, func.count(CohortMember.id))
        .where(CohortMember.active.is_(True), CohortMember.cohort_id.in_([c.id for c in cohorts]))
        .group_by(CohortMember.cohort_id)
    ).all()
    return {cohort_id: count for cohort_id, count in rows}  # noqa: C416 (rows are Row objects)


@dataclass
class CohortOverview:
    assignments: list[Assignment]
    active: int
    inactive: int


def overview(cohort: Cohort) -> CohortOverview:
    assignments = list(db.session.scalars(select(Assignment).where(Assignment.cohort_id == cohort.id)))
    counts = dict(
        db.session.execute(
            select(CohortMember.active, func.count(CohortMember.id))
            .where(CohortMember.cohort_id == cohort.id)
            .group_by(CohortMember.active)
        ).all()
    )
    return CohortOverview(assignments, counts.get(True, 0), counts.get(False, 0))


# Admins' look-ups: every organisation, cohort and grant.


def organisation(organisation_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if organisation_id else None


def cohort(cohort_id: int | None) -> Cohort | None:
    return db.session.get(Cohort, cohort_id) if cohort_id else None


@dataclass
class OrganisationsOverview:
    districts: list[Organisation]
    grants: list  # (LeaderGrant, user name, user email, organisation name, cohort name)
    cohorts: list[Cohort]


def organisations_overview() -> OrganisationsOverview:
    districts = list(
        db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.schools))
            .where(Organisation.parent_id.is_(None))
            .order_by(Organisation.name)
        )
    )
    grants = db.session.execute(
        select(LeaderGrant, User.name, User.email, Organisation.name, Cohort.name)
        .join(User, User.id == LeaderGrant.user_id)
        .outerjoin(Organisation, Organisation.id == LeaderGrant.organisation_id)
        .outerjoin(Cohort, Cohort.id == LeaderGrant.cohort_id)
        .order_by(User.name)
    ).all()
    cohorts = list(db.session.scalars(select(Cohort).order_by(Cohort.name)))
    return OrganisationsOverview(districts, list(grants), cohorts)
