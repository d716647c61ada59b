"""The pages of a paced assignment beyond its dashboard: the course's leader guide, and reminders about one module."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from courseware.cohorts import module_board, module_reminders, schedule
from courseware.cohorts.pacing import SHORT
from courseware.cohorts.routes import _assignment, _board, _cohort, bp, leader_required
from courseware.models.base import utcnow


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/guide")
@leader_required
def guide(cohort_id: int, assignment_id: int):
    """The course's facilitator and leader guide, with this assignment's plan and dates beside it."""
    cohort = _cohort(cohort_id)
    assignment, course = _assignment(cohort, assignment_id)
    if course.guide is None:
        abort(404)
    dates = schedule.dates_by_assignment([assignment.id]).get(assignment.id, {})
    return render_template(
        "cohorts/guide.html", cohort=cohort, assignment=assignment, course=course, guide=course.guide,
        plan=schedule.plan_of(assignment), plans=SHORT, dates=dates,
    )  # fmt: skip


def _module(cohort_id: int, assignment_id: int, module: str):
    cohort, assignment, course, board = _board(cohort_id, assignment_id)
    dates = schedule.dates_by_assignment([assignment.id]).get(assignment.id, {})
    found = course.module(module)
    if found is None or module not in dates:
        abort(404)
    modules = module_board.build(assignment, course, board, dates, utcnow().date())
    behind = set(modules.behind(module)) if modules is not None else set()
    rows = [r for r in board.rows if r.user_id in behind]
    return cohort, assignment, course, found, dates[module], rows


@bp.get("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/modules/<module>/remind")
@leader_required
def confirm_module_reminder(cohort_id: int, assignment_id: int, module: str):
    """How many reminders about the module would go out, for the leader to confirm (reads only)."""
    cohort, assignment, course, found, dates, rows = _module(cohort_id, assignment_id, module)
    return render_template(
        "cohorts/module_remind_confirm.html", cohort=cohort, assignment=assignment, course=course, module=found,
        dates=dates, plan=module_reminders.plan(assignment, module, rows), behind=len(rows),
        hours=current_app.config.get("MODULE_REMINDER_HOURS", 24),
    )  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/modules/<module>/remind")
@leader_required
def remind_module(cohort_id: int, assignment_id: int, module: str):
    cohort, assignment, course, found, dates, rows = _module(cohort_id, assignment_id, module)
    if request.form.get("confirm") != "yes":  # not confirmed: show what it would send first
        return redirect(
            url_for("cohorts.confirm_module_reminder", cohort_id=cohort.id, assignment_id=assignment.id, module=module)
        )
    sent = module_reminders.remind(assignment, course.title, found.title, dates, rows, current_user)
    flash(
        f"{sent} reminder{'s are' if sent != 1 else ' is'} on the way about “{found.title}”."
        if sent
        else f"No reminder was sent: everyone behind on “{found.title}” has had one lately.",
        "success",
    )
    return redirect(url_for("cohorts.assignment", cohort_id=cohort.id, assignment_id=assignment.id))
