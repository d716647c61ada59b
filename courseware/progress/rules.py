"""The rules of progress and completion, as pure functions of facts already loaded.

Nothing here reads the database: :mod:`courseware.progress.facts` loads the facts, and the
leader's dashboard applies :func:`completion_lapsed` to its own rows, so that a learner and
their leader always see the same answer.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import datetime

from courseware.courses import Course, Module, Page
from courseware.models import Enrolment


def required_minutes(module: Module, active_time: int) -> int:
    """The active minutes a module requires: ``active_time`` percent of its stated minutes, rounded up."""
    return math.ceil(module.minutes * active_time / 100)


@dataclass
class CourseProgress:
    course: Course
    enrolment: Enrolment | None
    visited: set[str] = field(default_factory=set)
    seconds: int = 0
    passed_quizzes: set[str] = field(default_factory=set)
    done_worksheets: set[str] | None = None  # None: the course does not require worksheets
    page_seconds: dict[str, int] = field(default_factory=dict)  # page key -> seat time on it
    practice_minutes: dict[str, int] = field(default_factory=dict)  # practice block id -> minutes logged
    finished: bool | None = None  # evaluation and attestation done; None: the course asks for neither
    # Modules in whose circle the learner has posted; None: the learner is in no cohort that has the
    # course assigned, so has no circle, and a required discussion does not apply to them.
    discussed: set[str] | None = None
    # Case studies responded to and self-scored in this cycle; None: the course does not require them.
    done_case_studies: set[str] | None = None

    @property
    def started(self) -> bool:
        return bool(self.visited)

    @property
    def completed(self) -> bool:
        """The current cycle is recorded as completed (what the learner and their leaders are shown)."""
        return self.enrolment is not None and getattr(self.enrolment, "completed_at", None) is not None

    def page_done(self, page: Page) -> bool:
        return page.key in self.visited

    def module_work_done(self, module: Module) -> bool:
        """Every page read, every quiz passed and, where the course requires it, every worksheet and case study
        done and a post in each required discussion."""
        pages = module.pages
        return (
            all(self.page_done(p) for p in pages)
            and all(seg.quiz.id in self.passed_quizzes for p in pages for seg in p.blocks("quiz"))
            and (
                self.done_worksheets is None
                or all(seg.worksheet.id in self.done_worksheets for p in pages for seg in p.blocks("worksheet"))
            )
            and not self.case_studies_missing(module)
            and not self.discussion_missing(module)
        )

    def case_studies_missing(self, module: Module) -> list:
        """The module's case studies not yet responded to and self-scored, where the course requires them."""
        if self.done_case_studies is None:
            return []
        done = self.done_case_studies
        return [seg.case_study for p in module.pages for seg in p.blocks("case_study") if seg.case_study.id not in done]

    def discussion_missing(self, module: Module) -> bool:
        """The module has a required discussion and the learner, in a cohort, has not posted in its circle."""
        if self.discussed is None or module.slug in self.discussed:
            return False
        return any(seg.discussion.required for p in module.pages for seg in p.blocks("discussion"))

    def module_done(self, module: Module) -> bool:
        """The module's work is done and its required active time spent."""
        return self.module_work_done(module) and self.module_time_met(module)

    # -- time -------------------------------------------------------------------------------------

    def module_required_minutes(self, module: Module) -> int:
        return required_minutes(module, self.course.completion.active_time)

    def module_seconds(self, module: Module) -> int:
        """Seat time recorded on the module's pages."""
        return sum(self.page_seconds.get(p.key, 0) for p in module.pages)

    def module_practice_minutes(self, module: Module) -> int:
        """Logged practice that counts: each block's log up to the block's cap."""
        return sum(
            min(self.practice_minutes.get(seg.practice.id, 0), seg.practice.cap)
            for p in module.pages
            for seg in p.blocks("practice")
        )

    def module_minutes(self, module: Module) -> int:
        """Active minutes recorded for the module: seat time (whole minutes) and counted practice."""
        return self.module_seconds(module) // 60 + self.module_practice_minutes(module)

    def module_time_met(self, module: Module) -> bool:
        return self.module_minutes(module) >= self.module_required_minutes(module)

    def module_minutes_needed(self, module: Module) -> int:
        return max(0, self.module_required_minutes(module) - self.module_minutes(module))

    def quiz_passed(self, quiz_id: str) -> bool:
        return quiz_id in self.passed_quizzes

    def module_pages_done(self, module: Module) -> int:
        return sum(1 for p in module.pages if self.page_done(p))

    @property
    def pages_done(self) -> int:
        return sum(1 for p in self.course.pages if self.page_done(p))

    @property
    def percent(self) -> int:
        """Pages read, in percent; never 100 while any requirement is unmet."""
        total = len(self.course.pages)
        percent = round(100 * self.pages_done / total) if total else 0
        return percent if self.complete or percent < 100 else 99

    @property
    def minutes_earned(self) -> int:
        """The estimated minutes of the modules done: the hours a learner has earned so far."""
        return sum(m.minutes for m in self.course.modules if self.module_done(m))

    @property
    def seat_time_met(self) -> bool:
        return self.seconds >= self.course.completion.min_seat_minutes * 60

    @property
    def ready_to_finish(self) -> bool:
        """Every rule but the last step is met: pages, quizzes, worksheets, active time, seat time."""
        modules = self.course.modules
        return bool(modules) and all(self.module_done(m) for m in modules) and self.seat_time_met

    @property
    def complete(self) -> bool:
        """Every completion rule of course.yml is met, the evaluation and attestation included."""
        return self.ready_to_finish and self.finished is not False

    def missing(self) -> list[str]:
        """What still stands between the learner and completion, in plain words, module by module."""
        lines: list[str] = []
        for module in self.course.modules:
            lines.extend(f"{module.title}: {text}" for text in self.module_missing(module))
        if not self.seat_time_met:
            needed = self.course.completion.min_seat_minutes - self.seconds // 60
            lines.append(f"{needed} more minutes of time in the course")
        if self.ready_to_finish and self.finished is False:
            lines.append("the course evaluation and your attestation")
        return lines

    def module_missing(self, module: Module) -> list[str]:
        """What the module still needs, in plain words."""
        texts: list[str] = []
        unread = [p for p in module.pages if not self.page_done(p)]
        if unread:
            texts.append(f"{len(unread)} page{'s' if len(unread) != 1 else ''} to read")
        quizzes = [seg.quiz for p in module.pages for seg in p.blocks("quiz") if seg.quiz.id not in self.passed_quizzes]
        texts.extend(f"{'take' if quiz.is_pre_check else 'pass'} the quiz \u201c{quiz.title}\u201d" for quiz in quizzes)
        if self.done_worksheets is not None:
            sheets = [
                seg.worksheet
                for p in module.pages
                for seg in p.blocks("worksheet")
                if seg.worksheet.id not in self.done_worksheets
            ]
            texts.extend(f"complete \u201c{sheet.title}\u201d" for sheet in sheets)
        texts.extend(
            f"respond to the case study \u201c{case.title}\u201d and score your response"
            for case in self.case_studies_missing(module)
        )
        if self.discussion_missing(module):
            texts.append("post at least once in your cohort's discussion of this module")
        needed = self.module_minutes_needed(module)
        if needed:
            texts.append(
                f"{needed} more minutes of active time "
                f"({self.module_minutes(module)} of {self.module_required_minutes(module)} recorded)"
            )
        return texts

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
