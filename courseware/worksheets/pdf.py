"""The action plan as a PDF."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from courseware.courses import Course
from courseware.models import User
from courseware.models.base import utcnow
from courseware.pdf import render_pdf
from courseware.worksheets.services import ActionPlan

ASSETS = Path(__file__).resolve().parent.parent / "static" / "pdf"


def action_plan_pdf(user: User, course: Course, plan: ActionPlan) -> bytes:
    html = render_template(
        "worksheets/action_plan_pdf.html", learner=user.name, course=course, plan=plan, made_on=utcnow()
    )
    return render_pdf(html, ASSETS)
