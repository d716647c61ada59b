"""Checks of a course's credit that need the running app, such as a provider set up by an admin.

The compiler reads files only. What a course refers to elsewhere (a provider in the database) is
checked by the area that owns it, which registers a check here when it is imported; ``flask courses
check``, the admin pages and completion all ask :func:`credit_checks`, so that they agree.
"""

from __future__ import annotations

from collections.abc import Callable

from courseware.courses.model import Course
from courseware.courses.problems import Problem

CreditCheck = Callable[[Course], list[Problem]]

_CHECKS: list[CreditCheck] = []


def register_credit_check(check: CreditCheck) -> CreditCheck:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def credit_checks(course: Course) -> list[Problem]:
    """Credit problems the registered checks find in the course, sorted (none for a course without credit)."""
    if not course.offers_credit:
        return []
    return sorted({problem for check in _CHECKS for problem in check(course)})
