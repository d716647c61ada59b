"""What a team plan is printed and downloaded as: a PDF for a staff meeting, and a CSV of items across teams."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from courseware.courses import Course
from courseware.models.base import utcnow
from courseware.pdf import render_pdf
from courseware.spreadsheet import csv_bytes
from courseware.teams.queries import Overview, Person, Plan
from courseware.teams.values import STATUSES

ASSETS = Path(__file__).resolve().parent.parent / "static" / "pdf"


def plan_pdf(plan: Plan, members: list[Person]) -> bytes:
    html = render_template("teams/plan_pdf.html", plan=plan, course=plan.course, members=members, made_on=utcnow())
    return render_pdf(html, ASSETS)


def overview_csv(course: Course, overview: Overview) -> bytes:
    """Every item of the course's team plans in the cohort, formula-safe."""
    titles = {s.id: s.title for s in course.team_plan}
    header = ["Team", "Section", "Item", "Owner", "Due", "Status", "Last changed"]
    rows = (
        (team.name, titles.get(item.section_id, item.section_id), item.text, owner,
         item.due_on.isoformat() if item.due_on else "", STATUSES.get(item.status, item.status),
         item.updated_at.date().isoformat())
        for team, item, owner in overview.items
    )  # fmt: skip
    return csv_bytes(header, rows)
