"""The end of a course: the learner's attestation (theirs, by name) and their evaluation (anonymous).

The attestation is a record of who attested what, when: one per learner, course and cycle.
The evaluation response is stored with nothing that leads back to the person: no user id, no
time finer than the day, and a random id, so that neither its id nor its date orders it against
the attestations. Its rows link it only to the cohorts the learner belonged to when they answered,
and to those cohorts' organisations, so that leaders can read their groups' results in aggregate.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


def new_response_id() -> str:
    return secrets.token_hex(16)


class Attestation(Model):
    """A learner's statement that they completed the course themselves, as they attested it."""

    __tablename__ = "attestations"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # indexed by the constraint
    course_slug: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int] = mapped_column(default=1)
    statement: Mapped[str] = mapped_column(Text)
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvaluationResponse(Model):
    """One learner's evaluation of a course, without anything that says who they are."""

    __tablename__ = "evaluation_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    course_version: Mapped[str] = mapped_column(String(50))
    submitted_on: Mapped[date] = mapped_column(Date)


class EvaluationRating(Model):
    """A response's rating of one statement, from 1 (strongly disagree) to 5 (strongly agree)."""

    __tablename__ = "evaluation_ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_on_the_scale"),)

    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    statement: Mapped[str] = mapped_column(String(500))  # as the learner read it
    rating: Mapped[int] = mapped_column(SmallInteger)


class EvaluationComment(Model):
    """A response's answer to one open question (questions left blank have no row)."""

    __tablename__ = "evaluation_comments"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    question: Mapped[str] = mapped_column(String(500))  # as the learner read it
    text: Mapped[str] = mapped_column(Text)


class EvaluationResponseCohort(Model):
    """A cohort the learner belonged to when they answered: its leaders see the response in aggregate."""

    __tablename__ = "evaluation_response_cohorts"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), primary_key=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True, index=True)


class EvaluationResponseOrganisation(Model):
    """The organisation of such a cohort."""

    __tablename__ = "evaluation_response_organisations"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
