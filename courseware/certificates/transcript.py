"""The learner's transcript: every certificate with its hours, as a page, a CSV file and a PDF."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from courseware.models import Certificate, User
from courseware.models.base import utcnow
from courseware.pdf import render_pdf
from courseware.spreadsheet import csv_bytes

ASSETS = Path(__file__).resolve().parent.parent / "static" / "pdf"


def transcript_csv(user: User, certificates: list[Certificate]) -> bytes:
    now = utcnow()
    header = ["Learner", "Course", "Version", "Hours", "Credit type", "CEU", "Completed", "Expires",
              "Status", "Provider", "Approval number", "Certificate code",
              "Credit awarded", "Credit profile"]  # fmt: skip
    rows = (
        (c.learner_name, c.course_title, c.course_version, f"{c.hours:g}", c.credit_type, f"{c.ceu:g}",
         c.completed_at.date().isoformat(), c.expires_at.date().isoformat() if c.expires_at else "",
         c.status(now), c.provider_name, c.approval_number, c.display_code,
         c.credit_text if c.credit_profile else "", c.credit_profile or "")
        for c in certificates
    )  # fmt: skip
    return csv_bytes(header, rows)


def transcript_pdf(user: User, certificates: list[Certificate], total: float) -> bytes:
    html = render_template(
        "certificates/transcript_pdf.html", learner=user.name, certificates=certificates, total=total, now=utcnow()
    )
    return render_pdf(html, ASSETS)
