"""Who leads what: a leader sees the cohorts granted to them, or every cohort of a granted organisation."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from courseware.extensions import db
from courseware.models import Cohort, LeaderGrant, Organisation, User


def _organisation_ids(user: User) -> set[int]:
    """Organisations granted to the user, with their schools."""
    granted = {
        organisation_id
        for organisation_id in db.session.scalars(
            select(LeaderGrant.organisation_id).where(LeaderGrant.user_id == user.id)
        )
        if organisation_id is not None
    }
    if granted:
        granted |= set(db.session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(granted))))
    return granted


def visible_cohorts(user: User) -> list[Cohort]:
    query = select(Cohort).options(joinedload(Cohort.organisation)).order_by(Cohort.name)
    if not user.is_admin:
        organisations = _organisation_ids(user)
        cohort_grants = select(LeaderGrant.cohort_id).where(LeaderGrant.user_id == user.id)
        query = query.where(or_(Cohort.id.in_(cohort_grants), Cohort.organisation_id.in_(organisations or {-1})))
    return list(db.session.scalars(query))


def can_lead(user: User, cohort: Cohort) -> bool:
    if user.is_admin:
        return True
    direct = db.session.scalar(
        select(LeaderGrant.id).where(LeaderGrant.user_id == user.id, LeaderGrant.cohort_id == cohort.id).limit(1)
    )
    return direct is not None or cohort.organisation_id in _organisation_ids(user)


def is_leader(user: User) -> bool:
    if user.is_admin:
        return True
    return db.session.scalar(select(LeaderGrant.id).where(LeaderGrant.user_id == user.id).limit(1)) is not None


def led_organisations(user: User) -> list[Organisation]:
    """Organisations where the user may create cohorts (districts granted to them, and admins: all)."""
    query = select(Organisation).order_by(Organisation.name)
    if not user.is_admin:
        query = query.where(Organisation.id.in_(_organisation_ids(user) or {-1}))
    return list(db.session.scalars(query))
