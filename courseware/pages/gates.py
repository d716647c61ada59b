"""Whether a module is open to a learner yet.

A cohort's pacing plan may open a module on a later day. That rule belongs to the cohorts area,
which sits above this package, so it registers it here (:func:`register_module_gate`); every way
into a module asks :func:`abort_if_closed`: viewing its pages, and sending its quizzes,
worksheets and practice entries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, make_response, render_template
from flask_login import current_user

from courseware.courses import Course, Module
from courseware.models import User
from courseware.models.base import utcnow

ModuleGate = Callable[[User, str, str, date], "date | None"]
_gates: list[ModuleGate] = []


def register_module_gate(gate: ModuleGate) -> None:
    """``gate(user, course_slug, module_slug, today)``: the day the module opens to the user when it
    is not open yet, else None."""
    if gate not in _gates:
        _gates.append(gate)


def module_opens_on(user: User, course: Course, module: Module) -> date | None:
    today = utcnow().date()
    days = [day for gate in _gates if (day := gate(user, course.slug, module.slug, today)) is not None]
    return max(days) if days else None


def abort_if_closed(course: Course, module: Module) -> None:
    """A 403 page saying when the module opens, if it is not open to the signed-in learner yet."""
    opens_on = module_opens_on(current_user._get_current_object(), course, module)
    if opens_on is not None:
        page = render_template("pages/not_open.html", course=course, module=module, opens_on=opens_on)
        abort(make_response(page, 403))
