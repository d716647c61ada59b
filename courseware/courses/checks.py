"""Checks of a course that need the running app, such as a provider set up by an admin.

The compiler reads files only. What a course refers to elsewhere (a provider in the database) is
checked by the area that owns it, which registers a check here when it is imported; ``flask courses
check``, the admin pages and completion all ask :func:`credit_checks`, so that they agree.

Checks that only warn (a district that has not answered a blank of its district box yet) register
with :func:`register_app_check`; ``flask courses check`` prints what :func:`app_checks` finds.
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


# Warnings at a file and line, and notes said once (such as "the database cannot be read").
AppCheck = Callable[[Course], tuple[list[Problem], list[str]]]

_APP_CHECKS: list[AppCheck] = []


def register_app_check(check: AppCheck) -> AppCheck:
    if check not in _APP_CHECKS:
        _APP_CHECKS.append(check)
    return check


def app_checks(course: Course) -> tuple[list[Problem], list[str]]:
    """The warnings the registered checks find in the course, sorted, and their notes."""
    warnings: set[Problem] = set()
    notes: list[str] = []
    for check in _APP_CHECKS:
        found, said = check(course)
        warnings.update(found)
        notes += [note for note in said if note not in notes]
    return sorted(warnings), notes
