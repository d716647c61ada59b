"""Completion and certificates: issued once, at the moment the rules are met; replaced, revoked, renewed."""

from __future__ import annotations

import calendar
import hashlib
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from courseware.certificates import designs
from courseware.certificates.codes import new_code, normalise
from courseware.courses import Course
from courseware.extensions import db
from courseware.learning.services import all_pages_visited, find_enrolment, progress_for
from courseware.models import Assignment, Certificate, CohortMember, Enrolment, User
from courseware.models.base import utcnow
from courseware.urls import external_url


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def verify_url(code: str) -> str:
    """The address printed on the certificate and in its QR code."""
    return external_url("certificates.verify", code=code)


def issue_if_complete(user: User, course: Course) -> Certificate | None:
    """Issue the certificate of the learner's current cycle if every completion rule is now met.

    Safe to call after any learner action: it does nothing when the course is incomplete or
    already completed, and when several requests complete it at once, exactly one issues it.
    """
    enrolment = find_enrolment(user, course)
    if enrolment is None or enrolment.completed_at is not None:
        return None
    if not all_pages_visited(enrolment, course):  # the cheapest rule first
        return None
    if not progress_for(user, course, enrolment).complete:
        return None
    now = utcnow()
    won = db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        db.session.rollback()
        return None
    enrolment.completed_at = now
    if course.credit.hours <= 0:  # a course that offers no credit is completed without a certificate
        db.session.commit()
        return None
    certificate = Certificate(
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
        provider_name=course.provider.name,
        approval_number=course.provider.approval_number,
        provider_contact=course.provider.contact,
        design=course.certificate_design,
        completed_at=now,
        issued_at=now,
        expires_at=add_months(now, course.validity_months) if course.validity_months else None,
    )
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    store_pdf(certificate)
    return certificate


def store_pdf(certificate: Certificate) -> bytes:
    """Render the certificate once and keep the bytes: every later download serves exactly these."""
    if certificate.pdf_sha256 is not None:
        return pdf_bytes(certificate)
    replaces = db.session.get(Certificate, certificate.replaces_id) if certificate.replaces_id else None
    data = designs.render_certificate(
        certificate, verify_url(certificate.code), replaces.display_code if replaces else None
    )
    stored = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.pdf_sha256.is_(None))
        .values(pdf=data, pdf_sha256=hashlib.sha256(data).hexdigest())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not stored:  # another request stored it first: theirs is the one
        db.session.refresh(certificate)
        return pdf_bytes(certificate)
    certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
    return data


def pdf_bytes(certificate: Certificate) -> bytes:
    data = db.session.scalar(select(Certificate.pdf).where(Certificate.id == certificate.id))
    return data if data is not None else store_pdf(certificate)


def find(code: str) -> Certificate | None:
    normalised = normalise(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalised))


def certificates_of(user: User) -> list[Certificate]:
    query = select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.completed_at.desc())
    return list(db.session.scalars(query))


def current_certificate(user: User, course: Course) -> Certificate | None:
    """The learner's latest certificate for the course that has not been replaced or revoked."""
    query = (
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_slug == course.slug)
        .where(Certificate.replaced_by_id.is_(None), Certificate.revoked_at.is_(None))
        .order_by(Certificate.cycle.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def replace_for_new_name(user: User) -> list[Certificate]:
    """Issue a replacement, marked as such, for each current certificate that shows an old name."""
    replacements = []
    for old in certificates_of(user):
        if old.replaced_by_id or old.revoked_at or old.learner_name == user.name:
            continue
        generation = db.session.scalar(
            select(func.max(Certificate.generation)).filter_by(
                user_id=user.id, course_slug=old.course_slug, cycle=old.cycle
            )
        )
        new = Certificate(
            **{c: getattr(old, c) for c in COPIED},
            code=new_code(),
            generation=generation + 1,
            learner_name=user.name,
            issued_at=utcnow(),
            replaces_id=old.id,
        )
        db.session.add(new)
        db.session.flush()
        old.replaced_by_id = new.id
        replacements.append(new)
    db.session.commit()
    for new in replacements:
        store_pdf(new)
    return replacements


COPIED = (
    "user_id", "course_slug", "cycle", "course_title", "course_version", "hours", "credit_type", "ceu",
    "provider_name", "approval_number", "provider_contact", "design", "completed_at", "expires_at",
)  # fmt: skip


def revoke(certificate: Certificate, reason: str) -> None:
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason.strip()
    db.session.commit()


def can_renew(user: User, course: Course) -> bool:
    """A course can be taken again once its certificate has expired, or once a cohort assignment's
    renewal period has passed since it was completed."""
    enrolment = find_enrolment(user, course)
    if enrolment is None or enrolment.completed_at is None:
        return False
    now = utcnow()
    certificate = current_certificate(user, course)
    if (
        certificate
        and certificate.cycle == enrolment.cycle
        and certificate.expires_at
        and certificate.expires_at <= now
    ):
        return True
    months = db.session.scalar(
        select(func.min(Assignment.renewal_months))
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.active.is_(True), Assignment.course_slug == course.slug)
    )
    return bool(months) and add_months(enrolment.completed_at, months) <= now


def start_new_cycle(user: User, course: Course) -> Enrolment | None:
    """Open the next cycle: progress starts afresh, and the earlier cycles stay as history."""
    if not can_renew(user, course):
        return None
    current = find_enrolment(user, course)
    enrolment = Enrolment(user_id=user.id, course_slug=course.slug, cycle=current.cycle + 1)
    db.session.add(enrolment)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return find_enrolment(user, course)
    return enrolment


def hours_earned(certificates: list[Certificate]) -> float:
    """Hours from every cycle completed, counting a replaced certificate once and a revoked one not at all."""
    return sum(c.hours for c in certificates if c.replaced_by_id is None and c.revoked_at is None)


def issue_and_announce(user: User, course: Course) -> Certificate | None:
    """issue_if_complete, telling the learner on their next page when it issued a certificate."""
    from flask import flash

    certificate = issue_if_complete(user, course)
    if certificate is not None:
        flash(
            f"Congratulations: you completed “{course.title}”. Your certificate for {certificate.hours:g} "
            f"{certificate.credit_type} is ready on the course page and in your transcript.",
            "success",
        )
    return certificate


def search(text: str) -> list[Certificate]:
    """Certificates by verification code, or by the learner's email address or name."""
    code = normalise(text)
    if code is not None:
        return list(db.session.scalars(select(Certificate).where(Certificate.code == code)))
    like = f"%{text.lower()}%"
    query = (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .where((func.lower(User.email).like(like)) | (func.lower(Certificate.learner_name).like(like)))
        .order_by(Certificate.issued_at.desc())
        .limit(100)
    )
    return list(db.session.scalars(query))
