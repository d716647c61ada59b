from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user, login_required

from courseware.certificates import services
from courseware.certificates.designs import printed_lines, printed_statement
from courseware.certificates.transcript import ledger_csv, ledgers_for, transcript_csv, transcript_pdf
from courseware.credit.profiles import DATE_LABELS
from courseware.errors import render_error
from courseware.extensions import limiter, verify_limit
from courseware.models import Certificate
from courseware.models.base import utcnow

bp = Blueprint("certificates", __name__)


def _public(certificate: Certificate) -> dict:
    now = utcnow()
    return {
        "code": certificate.display_code,
        "status": certificate.status(now),
        "name": certificate.learner_name,
        "course": certificate.course_title,
        "course_version": certificate.course_version,
        "hours": certificate.hours,
        "credit_type": certificate.credit_type,
        "ceu": certificate.ceu,
        "completed_on": certificate.completed_at.date().isoformat(),
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "provider": {
            "name": certificate.provider_name,
            "approval_number": certificate.approval_number,
            "contact": certificate.provider_contact,
        },
        "profile": _profile(certificate),
        "replacement": certificate.replaces_id is not None,
        "replaced_by": services.replaced_by_code(certificate),
        "revoked_reason": certificate.revoked_reason if certificate.revoked_at else None,
    }


def _profile(certificate: Certificate) -> dict | None:
    """The credit profile the certificate was issued with, and what it printed (None before profiles)."""
    if not certificate.credit_profile:
        return None
    return {
        "key": certificate.credit_profile,
        "name": certificate.credit_name,
        "amount": certificate.credit_amount,
        "unit": certificate.credit_unit,
        "statement": printed_statement(certificate),
        "lines": [{"label": label, "value": value} for label, value in printed_lines(certificate)],
        "signatory": {"name": certificate.signatory_name or "", "title": certificate.signatory_title or ""},
    }


@bp.get("/verify/<code>")
@limiter.limit(verify_limit)
def verify(code: str):
    if code.endswith(".json"):
        return verify_json(code.removesuffix(".json"))
    certificate = services.find(code)
    if certificate is None:
        return render_error(
            404,
            "No certificate has this code",
            "Check the code against the certificate: it has eight groups of four letters and digits.",
        )
    return render_template(
        "certificates/verify.html", certificate=certificate, info=_public(certificate), date_labels=DATE_LABELS.values()
    )


def verify_json(code: str):
    certificate = services.find(code)
    if certificate is None:
        return jsonify(error="No certificate has this code.", status=404), 404
    return jsonify(_public(certificate))


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str):
    certificate = services.find_for_download(code, current_user._get_current_object())
    if certificate is None:
        abort(404)
    data = services.pdf_bytes(certificate)
    filename = services.download_name(certificate, "certificate", "pdf")
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, max-age=86400, immutable",
            "ETag": certificate.pdf_sha256 or "",
        },
    )


@bp.get("/transcript")
@login_required
def transcript():
    user = current_user._get_current_object()
    certificates = services.certificates_of(user)
    return render_template(
        "certificates/transcript.html",
        certificates=certificates,
        total=services.hours_earned(certificates),
        ledgers=ledgers_for(user),
        now=utcnow(),
    )


@bp.get("/transcript.csv")
@login_required
def transcript_as_csv():
    user = current_user._get_current_object()
    data = transcript_csv(user, services.certificates_of(user))
    return (
        data,
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="transcript.csv"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/transcript/ledger.csv")
@login_required
def ledger_as_csv():
    user = current_user._get_current_object()
    return (
        ledger_csv(user, ledgers_for(user)),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="hours-ledger.csv"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/transcript.pdf")
@login_required
def transcript_as_pdf():
    user = current_user._get_current_object()
    certificates = services.certificates_of(user)
    data = transcript_pdf(user, certificates, services.hours_earned(certificates))
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="transcript.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
