"""One home for a learner's progress through a course, and for completing it.

Every learner action (a page view, a heartbeat, a quiz attempt, a worksheet save) records its
facts through the area that owns them and then calls :func:`settle` in the same transaction.
``settle`` reads the facts, applies the one set of rules in :mod:`courseware.progress.rules`,
and, the first time they are all met, completes the enrolment and issues the certificate. It
returns an :class:`Outcome` that the route turns into a message or JSON.

Nothing in this package imports a blueprint: the areas above call down into it.
"""

from courseware.progress.completion import Outcome, issue_certificate, settle
from courseware.progress.enrolments import (
    can_renew,
    current_cycle,
    current_enrolments,
    enrol,
    find_enrolment,
    renewal_months,
    start_new_cycle,
)
from courseware.progress.facts import progress_for
from courseware.progress.ledger import CourseLedger, ModuleLedger, course_ledger
from courseware.progress.rules import CourseProgress, add_months, completion_lapsed, required_minutes
from courseware.progress.seat_time import record_heartbeat, record_page_view
from courseware.progress.tracks import chosen_track, course_on_track, needs_track

__all__ = [
    "CourseLedger",
    "CourseProgress",
    "ModuleLedger",
    "Outcome",
    "add_months",
    "can_renew",
    "chosen_track",
    "completion_lapsed",
    "course_ledger",
    "course_on_track",
    "current_cycle",
    "current_enrolments",
    "enrol",
    "find_enrolment",
    "issue_certificate",
    "needs_track",
    "progress_for",
    "record_heartbeat",
    "record_page_view",
    "renewal_months",
    "required_minutes",
    "settle",
    "start_new_cycle",
]
