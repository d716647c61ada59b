"""What the learner's home page needs beyond progress: the courses assigned to them."""

from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Assignment, CohortMember, User


def assignments_for(user: User) -> dict[str, Assignment]:
    """The courses assigned to the learner's cohorts, by course (the earliest due date wins)."""
    rows = db.session.scalars(
        select(Assignment)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
        .order_by(Assignment.due_on.desc())
    )
    return {assignment.course_slug: assignment for assignment in rows}
