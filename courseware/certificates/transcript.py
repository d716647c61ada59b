"""The learner's transcript: every certificate with its hours, and the hours ledger of every course
they have started, as a page, CSV files and a PDF."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from courseware import progress
from courseware.courses import catalog
from courseware.models import Certificate, User
from courseware.models.base import utcnow
from courseware.pdf import render_pdf
from courseware.spreadsheet import csv_bytes

ASSETS = Path(__file__).resolve().parent.parent / "static" / "pdf"


def transcript_csv(user: User, certificates: list[Certificate]) -> bytes:
    now = utcnow()
    header = ["Learner", "Course", "Version", "Hours", "Credit type", "CEU", "Completed", "Expires",
              "Status", "Provider", "Approval number", "Certificate code"]  # fmt: skip
    rows = (
        (c.learner_name, c.course_title, c.course_version, f"{c.hours:g}", c.credit_type, f"{c.ceu:g}",
         c.completed_at.date().isoformat(), c.expires_at.date().isoformat() if c.expires_at else "",
         c.status(now), c.provider_name, c.approval_number, c.display_code)
        for c in certificates
    )  # fmt: skip
    return csv_bytes(header, rows)


def ledgers_for(user: User) -> list[progress.CourseLedger]:
    """The hours ledger of each course the learner has started (its current cycle), latest activity first."""
    ledgers = []
    courses = catalog()
    for enrolment in progress.current_enrolments(user.id):
        course = courses.get(enrolment.course_slug)
        if course is None or course.is_broken:
            continue
        ledgers.append(progress.course_ledger(progress.progress_for(user, course, enrolment)))
    return ledgers


def ledger_csv(user: User, ledgers: list[progress.CourseLedger]) -> bytes:
    header = ["Learner", "Course", "Cycle", "Module", "Minutes offered", "Minutes required",
              "Reading minutes", "Activity minutes", "Practice minutes", "Minutes recorded",
              "Credit earned (hours)", "Module done"]  # fmt: skip
    rows = (
        (user.name, ledger.course_title, ledger.cycle, m.title, m.offered_minutes, m.required_minutes,
         m.reading_seconds // 60, m.activity_seconds // 60, m.practice_minutes, m.recorded_minutes,
         f"{m.credit_minutes / 60:.2f}".rstrip("0").rstrip(".") if ledger.credit_hours else "0",
         "yes" if m.done else "no")
        for ledger in ledgers
        for m in ledger.modules
    )  # fmt: skip
    return csv_bytes(header, rows)


def transcript_pdf(user: User, certificates: list[Certificate], total: float) -> bytes:
    html = render_template(
        "certificates/transcript_pdf.html",
        learner=user.name,
        certificates=certificates,
        total=total,
        ledgers=ledgers_for(user),
        now=utcnow(),
    )
    return render_pdf(html, ASSETS)
