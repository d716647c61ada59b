"""The rules of progress and completion, as pure functions of facts already loaded.

Nothing here reads the database: :mod:`courseware.progress.facts` loads the facts, and the
leader's dashboard applies :func:`completion_lapsed` to its own rows, so that a learner and
their leader always see the same answer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime

from courseware.courses import Course, Module, Page
from courseware.models import Enrolment


@dataclass
class CourseProgress:
    course: Course
    enrolment: Enrolment | None
    visited: set[str] = field(default_factory=set)
    seconds: int = 0
    passed_quizzes: set[str] = field(default_factory=set)
    done_worksheets: set[str] | None = None  # None: the course does not require worksheets

    @property
    def started(self) -> bool:
        return bool(self.visited)

    def page_done(self, page: Page) -> bool:
        return page.key in self.visited

    def module_done(self, module: Module) -> bool:
        """Every page read, every quiz passed and, where the course requires it, every worksheet done."""
        pages = module.pages
        return (
            all(self.page_done(p) for p in pages)
            and all(seg.quiz.id in self.passed_quizzes for p in pages for seg in p.blocks("quiz"))
            and (
                self.done_worksheets is None
                or all(seg.worksheet.id in self.done_worksheets for p in pages for seg in p.blocks("worksheet"))
            )
        )

    def quiz_passed(self, quiz_id: str) -> bool:
        return quiz_id in self.passed_quizzes

    def module_pages_done(self, module: Module) -> int:
        return sum(1 for p in module.pages if self.page_done(p))

    @property
    def pages_done(self) -> int:
        return sum(1 for p in self.course.pages if self.page_done(p))

    @property
    def percent(self) -> int:
        total = len(self.course.pages)
        return round(100 * self.pages_done / total) if total else 0

    @property
    def minutes_earned(self) -> int:
        """The estimated minutes of the modules done: the hours a learner has earned so far."""
        return sum(m.minutes for m in self.course.modules if self.module_done(m))

    @property
    def seat_time_met(self) -> bool:
        return self.seconds >= self.course.completion.min_seat_minutes * 60

    @property
    def complete(self) -> bool:
        """Every completion rule of course.yml is met: pages, quizzes, worksheets, seat time."""
        modules = self.course.modules
        return bool(modules) and all(self.module_done(m) for m in modules) and self.seat_time_met

    @property
    def resume_page(self) -> Page | None:
        """The last page opened, if it still exists; otherwise the first page not yet visited."""
        if self.enrolment and self.enrolment.last_page_key:
            page = self.course.page_by_key(self.enrolment.last_page_key)
            if page is not None:
                return page
        return next((p for p in self.course.pages if not self.page_done(p)), None) or (
            self.course.pages[0] if self.course.pages else None
        )


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the last day of the month where that day does not exist)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def completion_lapsed(completed_at: datetime | None, months: int | None, now: datetime) -> bool:
    """A completion older than the renewal period no longer counts: a new round of the course is due.

    ``months`` is the shortest of the course's validity and the renewal period of the learner's
    assignments (see :func:`courseware.progress.renewal_months`); None means it never lapses.
    """
    if completed_at is None or not months:
        return False
    return add_months(completed_at, months) <= now


def heartbeat_credit(gap: float, since_course_activity: float, visit_seconds: int, interval: int, cap: int) -> int:
    """The seconds of seat time one heartbeat earns.

    ``gap`` is the time since the visit's last heartbeat: a gap longer than two heartbeat intervals
    (and a few seconds of network delay) means the tab was idle, hidden or asleep, and earns nothing.
    Several tabs of one course share one clock: a beat earns no more than has passed since the
    course's last credited activity. One visit earns at most ``cap`` seconds.
    """
    credit = int(gap) if 0 < gap <= 2 * interval + 5 else 0
    return max(0, min(credit, cap - visit_seconds, int(since_course_activity)))
