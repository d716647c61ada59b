"""The learner's transcript: every certificate with its hours, as a page, a CSV file and a PDF."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import render_template

from courseware.models import Certificate, User
from courseware.models.base import utcnow
from courseware.pdf import render_pdf

ASSETS = Path(__file__).resolve().parent.parent / "static" / "pdf"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A spreadsheet cell that cannot be read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def transcript_csv(user: User, certificates: list[Certificate]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    now = utcnow()
    writer.writerow(["Learner", "Course", "Version", "Hours", "Credit type", "CEU", "Completed", "Expires",
                     "Status", "Provider", "Approval number", "Certificate code"])  # fmt: skip
    for c in certificates:
        writer.writerow([safe_cell(v) for v in (
            c.learner_name, c.course_title, c.course_version, f"{c.hours:g}", c.credit_type, f"{c.ceu:g}",
            c.completed_at.date().isoformat(), c.expires_at.date().isoformat() if c.expires_at else "",
            c.status(now), c.provider_name, c.approval_number, c.display_code,
        )])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def transcript_pdf(user: User, certificates: list[Certificate], total: float) -> bytes:
    html = render_template(
        "certificates/transcript_pdf.html", learner=user.name, certificates=certificates, total=total, now=utcnow()
    )
    return render_pdf(html, ASSETS)
