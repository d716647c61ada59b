"""Certificates after issue (``courseware.progress`` issues them): their PDFs, look-ups, replacement and revocation."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select, update

from courseware import jobs, progress
from courseware.certificates import designs
from courseware.courses import Course, catalog
from courseware.database import affected
from courseware.extensions import db
from courseware.models import Certificate, Enrolment, ProviderAsset, User
from courseware.models.base import utcnow
from courseware.models.certificate import new_code, normalise_code
from courseware.urls import external_url


def verify_url(code: str) -> str:
    """The address printed on the certificate and in its QR code."""
    return external_url("certificates.verify", code=code)


RENDER = "certificates.render"  # the job that renders a certificate's PDF (courseware.certificates.jobs)


def render_and_keep(certificate: Certificate) -> bytes:
    """Render the certificate once and keep the bytes: every later download serves exactly these.

    Part of a unit of work that commits: the render job, or a download of a PDF still missing.
    """
    if certificate.pdf_sha256 is not None:
        return _stored_pdf(certificate) or b""
    replaces = db.session.get(Certificate, certificate.replaces_id) if certificate.replaces_id else None
    data = designs.render_certificate(
        certificate, verify_url(certificate.code), replaces.display_code if replaces else None, images(certificate)
    )
    stored = affected(
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.id, Certificate.pdf_sha256.is_(None))
            .values(pdf=data, pdf_sha256=hashlib.sha256(data).hexdigest())
            .execution_options(synchronize_session=False)
        )
    )
    if not stored:  # another worker or request stored it first: theirs is the one
        db.session.refresh(certificate)
        return _stored_pdf(certificate) or data
    certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
    return data


def images(certificate: Certificate) -> dict[str, str]:
    """The signature and logo the certificate was issued with, as ``data:`` URIs for its design."""
    wanted = {"signature": certificate.signature_asset_id, "logo": certificate.logo_asset_id}
    found = {}
    for name, asset_id in wanted.items():
        asset = db.session.get(ProviderAsset, asset_id) if asset_id else None
        if asset is not None:
            found[name] = f"data:{asset.media_type};base64,{base64.b64encode(asset.data).decode()}"
    return found


def store_pdf(certificate: Certificate) -> bytes:
    """Render and keep the PDF now, if it is not kept yet. Commits."""
    data = render_and_keep(certificate)
    db.session.commit()
    return data


def pdf_bytes(certificate: Certificate) -> bytes:
    """The kept PDF. One still missing (its job has not run yet) is rendered and kept now, so that a
    download never waits for a worker: the one request that renders a PDF. Commits when it renders."""
    data = _stored_pdf(certificate)
    return data if data is not None else store_pdf(certificate)


def _stored_pdf(certificate: Certificate) -> bytes | None:
    return db.session.scalar(select(Certificate.pdf).where(Certificate.id == certificate.id))


def find_by_id(certificate_id: int) -> Certificate | None:
    return db.session.get(Certificate, certificate_id)


def find(code: str) -> Certificate | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalised))


def find_for_download(code: str, user: User) -> Certificate | None:
    """The certificate with this code when ``user`` may download its files (its PDF, its credential):
    its owner or an admin; None otherwise, as if there were no such certificate."""
    certificate = find(code)
    if certificate is None or (certificate.user_id != user.id and not user.is_admin):
        return None
    return certificate


def download_name(certificate: Certificate, kind: str, extension: str) -> str:
    """The name a certificate's file is saved under: certificate-<course>-<first 8 of the code>.pdf."""
    return f"{kind}-{certificate.course_slug}-{certificate.code[:8].lower()}.{extension}"


def certificates_of(user: User) -> list[Certificate]:
    query = select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.completed_at.desc())
    return list(db.session.scalars(query))


def current_certificate(user: User, course: Course) -> Certificate | None:
    """The learner's latest certificate for the course that has not been replaced (it may be revoked:
    the learner is told so rather than left wondering where it went)."""
    query = (
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_slug == course.slug)
        .where(Certificate.replaced_by_id.is_(None))
        .order_by(Certificate.cycle.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def showing_another_name(user: User, name: str) -> int:
    """How many of the learner's current certificates show a name other than ``name``."""
    return (
        db.session.scalar(
            select(func.count(Certificate.id)).where(
                Certificate.user_id == user.id,
                Certificate.replaced_by_id.is_(None),
                Certificate.revoked_at.is_(None),
                Certificate.learner_name != name,
            )
        )
        or 0
    )


def replace_for_new_name(user: User) -> list[Certificate]:
    """Issue a replacement, marked as such, for each current certificate that shows an old name, and
    queue the rendering of its PDF. Part of the "certificates.reissue" job, which commits.

    Replacements of one learner are issued one transaction at a time: the learner's row is locked
    (SELECT ... FOR UPDATE) and read again with their certificates, so two jobs running at once, after
    two name changes, never both replace the same certificate; the second finds the first's replacement.
    """
    db.session.refresh(user, with_for_update=True)
    replacements = []
    mine = (
        select(Certificate)
        .where(Certificate.user_id == user.id)
        .order_by(Certificate.completed_at.desc())
        .execution_options(populate_existing=True)
    )
    for old in db.session.scalars(mine).all():
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
            generation=(generation or 0) + 1,
            learner_name=user.name,
            issued_at=utcnow(),
            replaces_id=old.id,
        )
        db.session.add(new)
        db.session.flush()
        old.replaced_by_id = new.id
        jobs.enqueue(RENDER, {"certificate_id": new.id}, key=f"{RENDER}:{new.id}")
        replacements.append(new)
    return replacements


COPIED = (
    "user_id", "course_slug", "cycle", "course_title", "course_version", "hours", "credit_type", "ceu",
    "provider_name", "approval_number", "provider_contact", "design", "completed_at", "expires_at",
    "credit_profile", "credit_name", "credit_amount", "credit_unit", "statement", "printed_lines",
    "signatory_name", "signatory_title", "signature_asset_id", "logo_asset_id", "track_title",
)  # fmt: skip

ISSUE_WAITING = (
    "certificates.issue_waiting"  # the job that issues certificates held back (courseware.certificates.jobs)
)


@dataclass(frozen=True)
class Issued:
    issued: int = 0
    waiting: int = 0  # still held back: the course's credit details are still incomplete


def issue_waiting() -> Issued:
    """Issue every held-back certificate whose course and provider now have every detail its learner's
    credit profile requires, and queue its PDF. Part of the "certificates.issue_waiting" job, which commits."""
    held = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.certificate_held_at.is_not(None), Enrolment.completed_at.is_not(None))
        .order_by(Enrolment.course_slug, Enrolment.id)
    )
    issued = waiting = 0
    now = utcnow()
    for enrolment in list(held):
        course = catalog().get(enrolment.course_slug)
        user = db.session.get(User, enrolment.user_id)
        if course is None or course.is_broken or not course.offers_credit or user is None:
            waiting += 1
            continue
        if progress.issue_certificate(user, course, enrolment, now) is not None:
            issued += 1
        elif enrolment.certificate_held_at is not None:
            waiting += 1
    return Issued(issued, waiting)


def replaced_by_code(certificate: Certificate) -> str | None:
    """The code of the certificate that replaced this one, shown on its verification page."""
    if certificate.replaced_by_id is None:
        return None
    replacement = db.session.get(Certificate, certificate.replaced_by_id)
    return replacement.display_code if replacement else None


def revoke(certificate: Certificate, reason: str) -> None:
    """Mark the certificate revoked, with the reason verifiers will see. Commits."""
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason.strip()
    db.session.commit()


def hours_earned(certificates: list[Certificate]) -> float:
    """Hours from every cycle completed, counting a replaced certificate once and a revoked one not at all."""
    return sum(c.hours for c in certificates if c.replaced_by_id is None and c.revoked_at is None)


def search(text: str) -> list[Certificate]:
    """Certificates by verification code, or by the learner's email address or name."""
    code = normalise_code(text)
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
