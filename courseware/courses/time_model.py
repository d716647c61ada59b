"""How long a module takes: the estimate ``flask courses check`` compares with a module's ``minutes``.

A module's estimate is its reading time plus its activities (docs/authoring.md, "How long a
module takes"):

- **reading**: the words a learner reads (page titles, text, callouts and district boxes; not the quizzes,
  worksheets, reflections, practice blocks and case studies, which are activities) at 200 words a minute,
  rounded up to a whole minute;
- **activities**: each block's ``minutes`` where the author declares them, otherwise a default
  for its kind: a quiz 1 minute for each question a learner is asked, a worksheet 3 minutes for
  each field, a reflection 5 minutes, a practice block its own ``minutes``, a case study 12 minutes
  (its situation, model response and rubric are read as part of it). A callout is reading
  and adds no activity unless it declares ``minutes``; so is a discussion (its prompts are
  read, and the time spent discussing happens in the cohort's circle).

A module's stated minutes may differ from its estimate by up to 20 % of the stated minutes.
Pure functions of a compiled course: nothing here reads files or reports problems.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from courseware.courses.model import Course, Module
from courseware.courses.render import plain_text

WORDS_PER_MINUTE = 200
QUIZ_MINUTES_PER_QUESTION = 1
WORKSHEET_MINUTES_PER_FIELD = 3
REFLECTION_MINUTES = 5
TOLERANCE_PERCENT = 20  # of the stated minutes
TOLERANCE_MINUTES = 2  # at least: reading time is rounded up to a whole minute, so short modules need slack

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")  # an apostrophe, typed or curly, or a hyphen joins


@dataclass(frozen=True)
class Activity:
    kind: str  # quiz, worksheet, reflection, practice, case study, or a callout's name (note, tip, warning, try-this)
    title: str
    minutes: int
    declared: bool  # the block states its minutes (a practice block always has them); else its kind's default


@dataclass(frozen=True)
class ModuleTime:
    slug: str
    title: str
    stated: int
    words: int
    reading: int
    activities: tuple[Activity, ...]

    @property
    def activity_minutes(self) -> int:
        return sum(a.minutes for a in self.activities)

    @property
    def estimated(self) -> int:
        return self.reading + self.activity_minutes

    @property
    def fits(self) -> bool:
        """The stated minutes are within the tolerance of the estimate."""
        return within_tolerance(self.stated, self.estimated)


@dataclass(frozen=True)
class CourseTime:
    modules: tuple[ModuleTime, ...]

    @property
    def stated(self) -> int:
        return sum(m.stated for m in self.modules)

    @property
    def reading(self) -> int:
        return sum(m.reading for m in self.modules)

    @property
    def activity_minutes(self) -> int:
        return sum(m.activity_minutes for m in self.modules)

    @property
    def estimated(self) -> int:
        return sum(m.estimated for m in self.modules)

    @property
    def fits(self) -> bool:
        return all(m.fits for m in self.modules)


def count_words(text: str) -> int:
    """Words as a reader counts them: 'trauma-informed' and "don't" are one word each."""
    return len(WORD_RE.findall(text))


def reading_minutes(words: int) -> int:
    return math.ceil(words / WORDS_PER_MINUTE)


def within_tolerance(stated: int, estimated: int) -> bool:
    """The stated minutes and the estimate are at most 20 % of the stated minutes apart (or 2 minutes)."""
    difference = abs(stated - estimated)
    return difference <= TOLERANCE_MINUTES or difference * 100 <= TOLERANCE_PERCENT * stated


def segment_words(segment: Any) -> int:
    """The words of a segment that is read: text and callouts. Activities count in minutes instead."""
    if segment.kind == "html":
        return count_words(plain_text(segment.html))
    if segment.kind in ("callout", "district"):
        return count_words(segment.title) + count_words(plain_text(segment.html))
    if segment.kind == "discussion":
        return count_words(segment.discussion.title) + sum(count_words(p) for p in segment.discussion.prompts)
    return 0


def activity(segment: Any) -> Activity | None:
    """What doing this block takes, or None for a segment that is only read."""
    declared = getattr(segment, "minutes", None)
    if segment.kind == "quiz":
        quiz = segment.quiz
        asked = getattr(quiz, "draw", None) or len(quiz.questions)
        return _activity("quiz", quiz.title, declared, asked * QUIZ_MINUTES_PER_QUESTION)
    if segment.kind == "worksheet":
        worksheet = segment.worksheet
        if worksheet.is_reflection:
            return _activity("reflection", worksheet.title, declared, REFLECTION_MINUTES)
        return _activity("worksheet", worksheet.title, declared, len(worksheet.fields) * WORKSHEET_MINUTES_PER_FIELD)
    if segment.kind == "practice":
        return Activity("practice", segment.practice.title, segment.minutes, declared=True)
    if segment.kind == "case_study":
        return Activity("case study", segment.case_study.title, segment.minutes, declared=segment.declared)
    if segment.kind == "discussion" and declared is not None:
        return Activity("discussion", segment.discussion.title, declared, declared=True)
    if segment.kind == "callout" and declared is not None:
        return Activity(segment.style, segment.title or segment.label, declared, declared=True)
    return None


def _activity(kind: str, title: str, declared: int | None, default: int) -> Activity:
    if declared is None:
        return Activity(kind, title, default, declared=False)
    return Activity(kind, title, declared, declared=True)


def module_time(module: Module) -> ModuleTime:
    words = 0
    activities: list[Activity] = []
    for page in module.pages:
        words += count_words(page.title)
        for segment in page.segments:
            words += segment_words(segment)
            found = activity(segment)
            if found is not None:
                activities.append(found)
    return ModuleTime(module.slug, module.title, module.minutes, words, reading_minutes(words), tuple(activities))


def course_time(course: Course) -> CourseTime:
    return CourseTime(tuple(module_time(m) for m in course.modules))
