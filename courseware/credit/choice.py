"""Which of a course's credit profiles a learner receives.

The learner's own choice, where the course lets them choose (``credit.learner_chooses``); otherwise
their organisation's profile, if the course offers it; otherwise the course's first profile.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from courseware.courses import Course
from courseware.extensions import db
from courseware.models import Assignment, Cohort, CohortMember, Enrolment, Organisation


def organisation_profiles(user_id: int, course_slug: str) -> list[str]:
    """The credit profiles of the learner's organisations (a school without one follows its district):
    those of cohorts the course is assigned to first, then the others, earliest membership first."""
    district = aliased(Organisation)
    assigned = (
        select(Assignment.id)
        .where(Assignment.cohort_id == Cohort.id, Assignment.course_slug == course_slug)
        .exists()
        .correlate(Cohort)
    )
    rows = db.session.execute(
        select(Organisation.credit_profile, district.credit_profile)
        .select_from(CohortMember)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Organisation, Organisation.id == Cohort.organisation_id)
        .outerjoin(district, district.id == Organisation.parent_id)
        .where(CohortMember.user_id == user_id, CohortMember.active.is_(True))
        .order_by(assigned.desc(), CohortMember.added_at, CohortMember.id)
    ).all()
    return [str(own or parents) for own, parents in rows if own or parents]


def chosen_profile(user_id: int, course: Course, enrolment: Enrolment | None) -> str:
    """The key of the profile the learner's certificate is issued with ("" when the course offers none)."""
    offered = course.credit.profiles
    if course.credit.learner_chooses and enrolment is not None and enrolment.credit_profile in offered:
        return enrolment.credit_profile
    for key in organisation_profiles(user_id, course.slug):
        if key in offered:
            return key
    return course.credit.default_profile
