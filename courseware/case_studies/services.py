"""State changes for case studies: sending a response, and scoring it against the rubric."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from courseware.case_studies.values import STALE, read_response, read_revision, read_scores
from courseware.courses import Course
from courseware.courses.case_study import CaseStudy
from courseware.extensions import db
from courseware.models import CaseStudyResponse, Enrolment, User
from courseware.models.base import utcnow
from courseware.progress import Outcome, enrol, find_enrolment, settle


class ResponsesClosed(Exception):
    """The course is completed in this round: the response and its score stay as they counted."""


class NoResponseYet(Exception):
    """A score sent for a case study the learner has not responded to yet."""


@dataclass
class Sent:
    """The result of sending a response or a score: nothing is stored when there are errors."""

    case_study: CaseStudy
    typed: dict[str, str] = field(default_factory=dict)  # what was sent, shown again with the errors
    errors: dict[str, str] = field(default_factory=dict)
    row: CaseStudyResponse | None = None
    changed: bool = False  # False: the same text or score as stored (a double click): nothing changed
    outcome: Outcome = field(default_factory=Outcome)


def case_study_block(course: Course, case_id: str) -> CaseStudy:
    found = course.find_block("case_study", case_id)
    if found is None:
        raise LookupError(f"{course.slug} has no case study {case_id!r}")
    return found[1].case_study


def find_response(user_id: int, course: Course, case_id: str, cycle: int) -> CaseStudyResponse | None:
    return db.session.scalar(
        select(CaseStudyResponse).filter_by(
            user_id=user_id, course_slug=course.slug, cycle=cycle, case_study_id=case_id
        )
    )


def responses_for(user: User, course: Course, case_ids: list[str], enrolment: Enrolment) -> list[CaseStudyResponse]:
    """The learner's own responses to these case studies in the enrolment's cycle."""
    return list(
        db.session.scalars(
            select(CaseStudyResponse)
            .where(CaseStudyResponse.user_id == user.id, CaseStudyResponse.course_slug == course.slug)
            .where(CaseStudyResponse.cycle == enrolment.cycle, CaseStudyResponse.case_study_id.in_(case_ids))
        )
    )


def _open_enrolment(user: User, course: Course) -> Enrolment:
    enrolment = find_enrolment(user.id, course.slug)
    if enrolment is not None and enrolment.completed_at is not None:
        raise ResponsesClosed()
    return enrolment or enrol(user, course)


def send_response(user: User, course: Course, case_id: str, form, now: datetime | None = None) -> Sent:
    """Store the learner's response in their current round (a new one, or a revision) and settle the
    course. Commits, or stores nothing and returns the error. Raises ResponsesClosed once the course is
    completed in this round."""
    now = now or utcnow()
    case_study = case_study_block(course, case_id)
    read = read_response(form)
    result = Sent(case_study, {"response": read.typed})
    if read.text is None:
        result.errors["response"] = read.error
        return result
    enrolment = _open_enrolment(user, course)
    row = find_response(user.id, course, case_id, enrolment.cycle)
    based_on = read_revision(form)
    if row is not None and based_on is not None and based_on < row.revision and row.response != read.text:
        db.session.rollback()  # a newer response from another window: neither text is lost
        result.errors["response"] = STALE
        return result
    if row is None:
        row = CaseStudyResponse(
            user_id=user.id,
            course_slug=course.slug,
            cycle=enrolment.cycle,
            case_study_id=case_id,
            response=read.text,
            scores={},
            created_at=now,
            updated_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
            result.changed = True
        except IntegrityError:  # the same form sent twice at once: the first one stored it
            row = find_response(user.id, course, case_id, enrolment.cycle)
            if row is None:
                db.session.rollback()
                raise
    if row.response != read.text:
        row.response, row.revision, row.updated_at = read.text, row.revision + 1, now
        result.changed = True
    result.row = row
    if result.changed:
        enrolment.last_activity_at = now
        db.session.flush()
        result.outcome = settle(user, course, enrolment, now)
    db.session.commit()
    return result


def score_response(user: User, course: Course, case_id: str, form, now: datetime | None = None) -> Sent:
    """Store the learner's score of their own response on every criterion of the rubric and settle the
    course. Commits, or stores nothing and returns the errors. Raises ResponsesClosed once the course is
    completed in this round, and NoResponseYet when there is no response to score yet."""
    now = now or utcnow()
    case_study = case_study_block(course, case_id)
    enrolment = _open_enrolment(user, course)
    row = find_response(user.id, course, case_id, enrolment.cycle)
    if row is None:
        db.session.rollback()
        raise NoResponseYet()
    read = read_scores(form, case_study)
    result = Sent(case_study, read.typed, read.errors, row)
    if read.scores is None:
        db.session.rollback()
        return result
    if row.scores != read.scores or row.scored_revision != row.revision:
        row.scores, row.scored_revision, row.scored_at = read.scores, row.revision, now
        enrolment.last_activity_at = now
        result.changed = True
        db.session.flush()
        result.outcome = settle(user, course, enrolment, now)
    db.session.commit()
    return result
