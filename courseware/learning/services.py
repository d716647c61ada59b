"""What the learner's home page needs beyond progress: the courses assigned to them, and their choice of credit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select

from courseware import progress
from courseware.cohorts import schedule
from courseware.cohorts.schedule import DueNext
from courseware.courses import Course
from courseware.courses.model import Track
from courseware.credit.services import queue_issue_waiting
from courseware.extensions import db
from courseware.models import Assignment, Certificate, CohortMember, Enrolment, User


def assignments_for(user: User) -> dict[str, Assignment]:
    """The courses assigned to the learner's cohorts, by course (the earliest due date wins)."""
    rows = db.session.scalars(
        select(Assignment)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
        .order_by(Assignment.due_on.desc())
    )
    return {assignment.course_slug: assignment for assignment in rows}


def due_next(
    assigned: dict[str, Assignment], courses: dict[str, Course], states: dict, today: date
) -> dict[str, DueNext]:
    """For each assigned course with module dates, the next module due that the learner has not done."""
    dates = schedule.dates_by_assignment([a.id for a in assigned.values()])
    found = {}
    for slug, assignment in assigned.items():
        course, state = courses.get(slug), states.get(slug)
        if course is None or state is None or assignment.id not in dates:
            continue
        done = (lambda _module: True) if state.completed else state.module_done
        # state.course: the course as the learner's track holds it (the modules they have to do)
        next_due = schedule.due_next(state.course, dates[assignment.id], done, today)
        if next_due is not None:
            found[slug] = next_due
    return found


def choose_profile(user: User, course: Course, profile_key: str) -> bool:
    """Store the credit profile the learner wants their certificate issued with, for the current round of
    the course; False when that round's certificate is issued already. A certificate held back may now be
    issued. Commits."""
    enrolment = progress.enrol(user, course)
    issued = db.session.scalar(
        select(
            exists().where(
                Certificate.user_id == user.id,
                Certificate.course_slug == course.slug,
                Certificate.cycle == enrolment.cycle,
            )
        )
    )
    if issued:
        db.session.rollback()
        return False
    enrolment.credit_profile = profile_key
    if enrolment.certificate_held_at is not None:
        queue_issue_waiting()
    db.session.commit()
    return True


def preset_track(user: User, course: Course) -> Track | None:
    """The track to offer first: the one the learner took an earlier round of the course on, else the one
    their staff role maps to (course.yml ``staff_roles``), from their active cohort memberships, those with
    the course assigned first; None when neither gives one."""
    earlier = db.session.scalar(
        select(Enrolment.track)
        .where(Enrolment.user_id == user.id, Enrolment.course_slug == course.slug, Enrolment.track.is_not(None))
        .order_by(Enrolment.cycle.desc())
        .limit(1)
    )
    if (track := course.whole.track_named(earlier)) is not None:
        return track
    assigned = Assignment.course_slug == course.slug
    roles = db.session.execute(
        select(CohortMember.staff_role)
        .outerjoin(Assignment, (Assignment.cohort_id == CohortMember.cohort_id) & assigned)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
        .order_by(Assignment.id.is_(None), CohortMember.id)
    ).scalars()
    return next((track for role in roles if role and (track := course.whole.track_for_role(role))), None)


def choose_track(user: User, course: Course, track: Track) -> progress.Outcome | None:
    """Put the learner on this track for the current round of the course. Everything they did stays
    recorded; what counts for completion is now the track's, and settling may complete the course (the
    new track's work may be done already). None when this round is completed: its track stands. Commits."""
    enrolment = progress.enrol(user, course)
    if enrolment.completed_at is not None:
        db.session.rollback()
        return None
    enrolment.track = track.id
    outcome = progress.settle(user, course.whole.for_track(track.id), enrolment)
    db.session.commit()
    return outcome
