"""Finishing a course: the attestation, the anonymous evaluation and its cohort links, and completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from courseware import progress
from courseware.courses import Course
from courseware.courses.model import Evaluation
from courseware.evaluations.answers import Answers
from courseware.extensions import db
from courseware.models import (
    Attestation,
    Cohort,
    CohortMember,
    EvaluationComment,
    EvaluationRating,
    EvaluationResponse,
    EvaluationResponseCohort,
    EvaluationResponseOrganisation,
    User,
)
from courseware.models.base import utcnow
from courseware.models.evaluation import new_response_id


class NotReady(Exception):
    """Something other than the evaluation still stands between the learner and completion."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class Finish:
    outcome: progress.Outcome
    duplicate: bool = False  # the learner had finished already: nothing more was recorded


def finish(user: User, course: Course, answers: Answers, now: datetime | None = None) -> Finish:
    """Record the learner's attestation and their anonymous evaluation, then settle the course, which
    completes it and issues the certificate. One transaction; commits.

    Raises :class:`NotReady` while other rules are unmet. A second submission (a double click, a
    second tab) records nothing: the attestation is unique per learner, course and cycle.
    """
    evaluation = course.evaluation
    assert evaluation is not None, "the finish page is only for a course with an evaluation"
    assert answers.attested and set(answers.ratings) == {item.id for item in evaluation.items}
    enrolment = progress.find_enrolment(user.id, course.slug)
    state = progress.progress_for(user, course, enrolment)
    if state.finished:
        return Finish(progress.Outcome(), duplicate=True)
    if enrolment is None or not state.ready_to_finish:
        raise NotReady(state.missing())
    now = now or utcnow()
    attestation = Attestation(
        user_id=user.id,
        course_slug=course.slug,
        cycle=enrolment.cycle,
        statement=evaluation.attestation,
        attested_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attestation)
    except IntegrityError:  # another request attested this cycle a moment ago
        db.session.rollback()
        return Finish(progress.Outcome(), duplicate=True)
    _record_response(user, course, evaluation, answers, now)
    outcome = progress.settle(user, course, enrolment, now=now)
    db.session.commit()
    return Finish(outcome)


def _record_response(user: User, course: Course, evaluation: Evaluation, answers: Answers, now: datetime) -> None:
    """The response, with nothing that names the learner: only the day, and the groups they were in."""
    response = EvaluationResponse(
        id=new_response_id(), course_slug=course.slug, course_version=course.version, submitted_on=now.date()
    )
    db.session.add(response)
    db.session.flush()  # the rows below refer to it
    db.session.add_all(
        EvaluationRating(response_id=response.id, item_id=item.id, statement=item.text, rating=answers.ratings[item.id])
        for item in evaluation.items
    )
    db.session.add_all(
        EvaluationComment(
            response_id=response.id, question_id=question.id, question=question.text, text=answers.comments[question.id]
        )
        for question in evaluation.comments
        if question.id in answers.comments
    )
    groups = db.session.execute(
        select(Cohort.id, Cohort.organisation_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True))
    ).all()
    db.session.add_all(
        EvaluationResponseCohort(response_id=response.id, cohort_id=cohort_id) for cohort_id, _ in groups
    )
    db.session.add_all(
        EvaluationResponseOrganisation(response_id=response.id, organisation_id=organisation_id)
        for organisation_id in sorted({organisation_id for _, organisation_id in groups})
    )


def attestation_for(user: User, course: Course) -> Attestation | None:
    """The learner's attestation in their current cycle, if they have finished it."""
    enrolment = progress.find_enrolment(user.id, course.slug)
    if enrolment is None:
        return None
    return db.session.scalar(
        select(Attestation).filter_by(user_id=user.id, course_slug=course.slug, cycle=enrolment.cycle)
    )
