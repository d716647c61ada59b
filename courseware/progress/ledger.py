"""The hours ledger: for a learner and a course, module by module, the hours offered, the time recorded
and the credit earned. A pure view of :class:`~courseware.progress.rules.CourseProgress`.

Time recorded is split three ways: reading (seat time on pages of text), activities (seat time on
pages with a quiz, worksheet, reflection or practice block) and logged practice (the minutes that
count, each practice block up to its cap). Credit is earned module by module as each is done, and
stands on the certificate only once the course is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from courseware.courses import Module, Page
from courseware.progress.rules import CourseProgress

ACTIVITY_KINDS = ("quiz", "worksheet", "practice")


def has_activity(page: Page) -> bool:
    return any(page.has_blocks(kind) for kind in ACTIVITY_KINDS)


@dataclass(frozen=True)
class ModuleLedger:
    slug: str
    title: str
    offered_minutes: int  # the module's stated minutes: what its credit is worth
    required_minutes: int  # the active time it requires
    reading_seconds: int
    activity_seconds: int
    practice_minutes: int  # logged practice that counts
    done: bool

    @property
    def recorded_minutes(self) -> int:
        """Active minutes recorded, as the completion rules count them."""
        return (self.reading_seconds + self.activity_seconds) // 60 + self.practice_minutes

    @property
    def credit_minutes(self) -> int:
        return self.offered_minutes if self.done else 0


@dataclass(frozen=True)
class CourseLedger:
    course_slug: str
    course_title: str
    cycle: int
    credit_hours: float  # the course's credit (0: a course without credit)
    modules: list[ModuleLedger]
    complete: bool

    @property
    def offered_minutes(self) -> int:
        return sum(m.offered_minutes for m in self.modules)

    @property
    def recorded_minutes(self) -> int:
        return sum(m.recorded_minutes for m in self.modules)

    @property
    def reading_minutes(self) -> int:
        return sum(m.reading_seconds for m in self.modules) // 60

    @property
    def activity_minutes(self) -> int:
        return sum(m.activity_seconds for m in self.modules) // 60

    @property
    def practice_minutes(self) -> int:
        return sum(m.practice_minutes for m in self.modules)

    @property
    def credit_minutes(self) -> int:
        return sum(m.credit_minutes for m in self.modules) if self.credit_hours else 0


def module_ledger(progress: CourseProgress, module: Module) -> ModuleLedger:
    reading = activity = 0
    for page in module.pages:
        seconds = progress.page_seconds.get(page.key, 0)
        if has_activity(page):
            activity += seconds
        else:
            reading += seconds
    return ModuleLedger(
        slug=module.slug,
        title=module.title,
        offered_minutes=module.minutes,
        required_minutes=progress.module_required_minutes(module),
        reading_seconds=reading,
        activity_seconds=activity,
        practice_minutes=progress.module_practice_minutes(module),
        done=progress.module_done(module),
    )


def course_ledger(progress: CourseProgress) -> CourseLedger:
    course = progress.course
    enrolment = progress.enrolment
    return CourseLedger(
        course_slug=course.slug,
        course_title=course.title,
        cycle=enrolment.cycle if enrolment is not None else 1,
        credit_hours=course.credit.hours,
        modules=[module_ledger(progress, m) for m in course.modules],
        complete=(enrolment is not None and enrolment.completed_at is not None) or progress.complete,
    )
