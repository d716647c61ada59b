"""Completing a course: the enrolment is completed and the certificate issued exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from courseware import credit, events, jobs
from courseware.courses import Course
from courseware.database import affected
from courseware.extensions import db
from courseware.models import Certificate, Enrolment, User
from courseware.models.base import utcnow
from courseware.models.certificate import new_code
from courseware.progress.enrolments import find_enrolment
from courseware.progress.facts import progress_for
from courseware.progress.rules import add_months
from courseware.progress.tracks import chosen_track, course_on_track, needs_track

RENDER_CERTIFICATE = "certificates.render"  # the job kind the certificates area handles


@dataclass(frozen=True)
class Outcome:
    """What a learner action did to the course as a whole."""

    completed: bool = False  # this action completed the course
    certificate: Certificate | None = None  # and issued this certificate (None for a course without credit)
    course_title: str = ""
    certificate_waiting: bool = False  # the certificate is held back until the provider's details are complete


def settle(user: User, course: Course, enrolment: Enrolment | None = None, now: datetime | None = None) -> Outcome:
    """After any learner action: complete the course if every rule of course.yml is now met.

    Runs in the caller's transaction and does not commit. Cheap when nothing can have changed
    (already completed, pages still unread). When several transactions complete the course at
    once, the conditional update lets exactly one of them complete it and issue the certificate.
    """
    enrolment = enrolment or find_enrolment(user.id, course.slug)
    if enrolment is None or enrolment.completed_at is not None or needs_track(course, enrolment):
        return Outcome()
    course = course_on_track(course, enrolment)
    if enrolment.pages_visited < len(course.pages):  # the cheapest rule first, from a counter
        return Outcome()
    if not progress_for(user, course, enrolment).complete:
        return Outcome()
    now = now or utcnow()
    won = affected(
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
            .values(completed_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    if not won:
        return Outcome()
    enrolment.completed_at = now
    for module in course.modules:  # the learner's track's modules, every rule of which is met now
        events.publish(
            events.ModuleCompleted(
                user_id=user.id, course_slug=course.slug, cycle=enrolment.cycle, module_slug=module.slug, at=now
            )
        )
    events.publish(events.CourseCompleted(user_id=user.id, course_slug=course.slug, cycle=enrolment.cycle, at=now))
    if not course.offers_credit:  # a course that offers no credit is completed without a certificate
        return Outcome(completed=True, course_title=course.title)
    certificate = issue_certificate(user, course, enrolment, now)
    waiting = certificate is None and enrolment.certificate_held_at is not None
    return Outcome(completed=True, certificate=certificate, course_title=course.title, certificate_waiting=waiting)


def issue_certificate(user: User, course: Course, enrolment: Enrolment, now: datetime) -> Certificate | None:
    """Issue the certificate of a completed enrolment, or hold it back.

    No certificate is issued while the course has credit problems or its provider lacks a detail
    the learner's credit profile requires: the enrolment is marked ``certificate_held_at`` and the
    "certificates.issue_waiting" job issues it once the details are complete. Runs in the caller's
    transaction and does not commit. None when held back, or issued already for this cycle.
    """
    assert enrolment.completed_at is not None
    decision = credit.decide(user, course, enrolment, enrolment.completed_at)
    if decision.printed is None or not decision.ready:
        if enrolment.certificate_held_at is None:
            enrolment.certificate_held_at = now
        return None
    certificate = _certificate(user, course, enrolment, now, decision.printed)
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # issued already for this cycle: completion stands, nothing more to issue
        enrolment.certificate_held_at = None
        return None
    enrolment.certificate_held_at = None
    events.publish(
        events.CertificateIssued(
            user_id=user.id, course_slug=course.slug, cycle=enrolment.cycle, certificate_id=certificate.id, at=now
        )
    )
    # The PDF is rendered by a job worker (the certificates area's handler), never in the request.
    jobs.enqueue(RENDER_CERTIFICATE, {"certificate_id": certificate.id}, key=f"{RENDER_CERTIFICATE}:{certificate.id}")
    return certificate


def _certificate(
    user: User, course: Course, enrolment: Enrolment, now: datetime, printed: credit.Printed
) -> Certificate:
    """The unchangeable record of what was completed, taken from the course, its provider and the
    learner's credit profile as they are now."""
    completed_at = enrolment.completed_at or now
    return Certificate(
        code=new_code(),
        user_id=user.id,
        course_slug=course.slug,
        cycle=enrolment.cycle,
        generation=0,
        learner_name=user.name,
        course_title=course.title,
        course_version=course.version,
        hours=course.credit.hours,
        credit_type=course.credit.credit_type,
        ceu=course.credit.ceu,
        provider_name=printed.provider_name,
        approval_number=printed.provider_number,
        provider_contact=printed.provider_contact,
        design=course.certificate_design,
        track_title=track.title if (track := chosen_track(course, enrolment)) is not None else None,
        credit_profile=printed.profile,
        credit_name=printed.credit_name,
        credit_amount=printed.amount,
        credit_unit=printed.unit,
        statement=printed.statement,
        printed_lines=[list(line) for line in printed.lines],
        signatory_name=printed.signatory_name,
        signatory_title=printed.signatory_title,
        signature_asset_id=printed.signature_asset_id,
        logo_asset_id=printed.logo_asset_id,
        completed_at=completed_at,
        issued_at=now,
        expires_at=add_months(completed_at, course.validity_months) if course.validity_months else None,
    )
