"""How long a module takes: reading time, activities by their declared minutes or defaults, the tolerance."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from courseware.courses import compile_course
from courseware.courses.blocks import CalloutSegment
from courseware.courses.model import HtmlSegment
from courseware.courses.practice import Practice, PracticeSegment
from courseware.courses.quiz import Choice, Question, Quiz, QuizSegment
from courseware.courses.time_model import (
    Activity,
    activity,
    count_words,
    course_time,
    module_time,
    reading_minutes,
    segment_words,
    within_tolerance,
)
from courseware.courses.worksheet import Field, Worksheet, WorksheetSegment


def words(count: int) -> str:
    return " ".join(["word"] * count)


def quiz(questions: int, **extra) -> Quiz:
    made = Quiz(
        id="check",
        title="Check",
        intro_html="<p>Three words here</p>",
        questions=[
            Question(f"q{i}", "single", "<p>Prompt</p>", choices=[Choice("a", "A", True), Choice("b", "B", False)])
            for i in range(questions)
        ],
        pass_mark=80,
        attempts=None,
        shuffle=False,
    )
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def worksheet(fields: int, reflection: bool = False) -> Worksheet:
    return Worksheet(
        "plan", "Plan", "", [Field(f"f{i}", "long-text", "Prompt", "Prompt") for i in range(fields)], reflection
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("One two three.", 3),
        ("A trauma-informed school doesn't wait.", 5),
        ("We don\u2019t rush: it\u2019s fine.", 5),
        ("Steps: 1, 2 and 3 — then rest!", 7),
        ("  spaced\n\nout\tacross lines ", 4),
    ],
)
def test_words_are_counted_as_a_reader_counts_them(text, count):
    assert count_words(text) == count


@pytest.mark.parametrize(("count", "minutes"), [(0, 0), (1, 1), (200, 1), (201, 2), (4200, 21)])
def test_reading_time_is_200_words_a_minute_rounded_up(count, minutes):
    assert reading_minutes(count) == minutes


@pytest.mark.parametrize(
    ("stated", "estimated", "fits"),
    [(100, 100, True), (100, 80, True), (100, 120, True), (100, 79, False), (100, 121, False), (130, 61, False)],
)
def test_stated_minutes_may_differ_from_the_estimate_by_a_fifth(stated, estimated, fits):
    assert within_tolerance(stated, estimated) is fits


def test_text_and_callouts_are_read_but_blocks_of_work_are_not():
    assert segment_words(HtmlSegment("<p>Four <em>words</em> of&nbsp;text</p>")) == 4
    assert segment_words(CalloutSegment("tip", "Tip", "Two words", "<p>and three more</p>")) == 5
    assert segment_words(QuizSegment(quiz(2))) == 0
    assert segment_words(WorksheetSegment(worksheet(2))) == 0


def test_each_kind_of_activity_has_a_default():
    assert activity(QuizSegment(quiz(6))) == Activity("quiz", "Check", 6, declared=False)
    assert activity(WorksheetSegment(worksheet(4))) == Activity("worksheet", "Plan", 12, declared=False)
    assert activity(WorksheetSegment(worksheet(1, reflection=True))) == Activity("reflection", "Plan", 5, False)
    practice = Practice("two-by-ten", "Two by ten", "<p>Try it</p>", minutes=40, entry_max=20)
    assert activity(PracticeSegment(practice)) == Activity("practice", "Two by ten", 40, declared=True)
    assert activity(CalloutSegment("try-this", "Try this", "", "<p>Go</p>")) is None
    assert activity(HtmlSegment("<p>Text</p>")) is None


def test_declared_minutes_replace_the_default():
    assert activity(QuizSegment(quiz(6), minutes=10)) == Activity("quiz", "Check", 10, declared=True)
    assert activity(WorksheetSegment(worksheet(4), minutes=25)).minutes == 25
    assert activity(WorksheetSegment(worksheet(1, True), minutes=8)).minutes == 8
    callout = CalloutSegment("try-this", "Try this", "", "<p>Go</p>", minutes=7)
    assert activity(callout) == Activity("try-this", "Try this", 7, declared=True)


def test_a_quiz_that_draws_from_a_pool_counts_the_questions_asked():
    assert activity(QuizSegment(quiz(12, draw=5))).minutes == 5
    assert activity(QuizSegment(quiz(12, draw=None))).minutes == 12


def write_course(tmp_path: Path, modules: dict[str, str], hours: float = 1) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text(f"title: Demo\ncredit:\n  hours: {hours}\n")
    for name, text in modules.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return folder


MODULE = """
---
title: One
minutes: {minutes}
---

## Reading {{#reading}}

{text}

/// try-this | Walk the halls
    minutes: 10

Walk the halls at the start of the day and notice who greets whom.
///

## Doing {{#doing}}

/// quiz | Check
    id: check

### First?

- [x] Yes
    Right.
- [ ] No
    No.

### Second?

- [x] Yes
    Right.
- [ ] No
    No.
///

/// reflection | Looking back
    id: looking-back

What did you notice?
///

/// worksheet | Plan
    id: plan
    minutes: 12

### What will you try? {{#try}}
Type: long text

### When? {{#when}}
Type: date
///
"""


def test_a_module_estimate_adds_reading_and_activities(tmp_path):
    folder = write_course(tmp_path, {"01-one.md": MODULE.format(minutes=60, text=words(995))})
    time = module_time(compile_course(folder).modules[0])
    # 995 words + the page titles (2) + the callout's title (3) and body (14) = 1014 words: 6 minutes
    assert (time.words, time.reading) == (1014, 6)
    assert [(a.kind, a.minutes, a.declared) for a in time.activities] == [
        ("try-this", 10, True),
        ("quiz", 2, False),
        ("reflection", 5, False),
        ("worksheet", 12, True),
    ]
    assert (time.stated, time.activity_minutes, time.estimated, time.fits) == (60, 29, 35, False)


def test_a_course_total_adds_its_modules(tmp_path):
    folder = write_course(
        tmp_path,
        {
            "01-one.md": MODULE.format(minutes=35, text=words(995)),
            "02-two.md": MODULE.format(minutes=25, text=words(10))
            .replace("id: check", "id: check-2")
            .replace("id: looking-back", "id: looking-back-2")
            .replace("id: plan", "id: plan-2"),
        },
    )
    total = course_time(compile_course(folder))
    assert [(m.stated, m.estimated) for m in total.modules] == [(35, 35), (25, 30)]
    assert (total.stated, total.reading, total.activity_minutes, total.estimated) == (60, 7, 58, 65)
    assert total.fits


def test_a_module_of_a_course_with_credit_that_overstates_its_time_is_a_credit_problem(tmp_path):
    folder = write_course(tmp_path, {"01-one.md": MODULE.format(minutes=60, text=words(995))})
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    assert [str(p) for p in course.credit_problems] == [
        "demo/01-one.md:3: the module states 60 minutes, but its work is estimated at 35 (reading 6, "
        "activities 29); declare the minutes of its activities or correct the module's minutes"
    ]
    assert not course.credit_ready


def test_a_module_within_the_tolerance_is_fine(tmp_path):
    folder = write_course(tmp_path, {"01-one.md": MODULE.format(minutes=42, text=words(995))}, hours=0.7)
    course = compile_course(folder, tmp_path)
    assert (course.problems, course.credit_problems, course.warnings) == ([], [], [])


def test_without_credit_the_same_is_a_warning(tmp_path):
    folder = write_course(tmp_path, {"01-one.md": MODULE.format(minutes=60, text=words(995))}, hours=0)
    course = compile_course(folder, tmp_path)
    assert course.credit_problems == []
    assert [p.line for p in course.warnings] == [3]
    assert "estimated at 35" in course.warnings[0].message


def test_time_is_judged_once_the_course_has_no_mistakes(tmp_path):
    broken = MODULE.format(minutes=60, text=words(10)).replace("id: plan", "id: Not An Id")
    folder = write_course(tmp_path, {"01-one.md": broken})
    course = compile_course(folder, tmp_path)
    assert course.problems and course.credit_problems == []
