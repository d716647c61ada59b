"""The rules of progress and completion, as pure functions of facts (no app, no database):
CourseProgress over the compiled example course, add_months, completion_lapsed and the seat time
one heartbeat earns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from courseware.courses import compile_course
from courseware.courses.model import CompletionRules, Course
from courseware.progress.rules import CourseProgress, add_months, completion_lapsed, heartbeat_credit
from tests.conftest import EXAMPLE_COURSES

WELCOME = ["welcome/getting-started", "welcome/progress"]
PRACTICE = ["practice/trying-things-out", "practice/wrapping-up", "practice/check"]
EVERY_PAGE = WELCOME + PRACTICE


@pytest.fixture(scope="module")
def course() -> Course:
    compiled = compile_course(EXAMPLE_COURSES / "example-course")
    assert [p.key for p in compiled.pages] == EVERY_PAGE
    assert [(m.slug, m.minutes) for m in compiled.modules] == [("welcome", 20), ("practice", 40)]
    return compiled


def with_rules(course: Course, **rules) -> Course:
    return dataclasses.replace(course, completion=dataclasses.replace(course.completion, **rules))


def progress(
    course, visited=(), seconds=0, passed=(), worksheets=None, last_page=None, page_seconds=None, practice=None
) -> CourseProgress:
    """Progress with ``visited`` pages read; unless ``page_seconds`` says otherwise, each page read
    carries an hour of seat time, so that only the rule under test holds a learner back."""
    enrolment = SimpleNamespace(last_page_key=last_page)
    if page_seconds is None:
        page_seconds = dict.fromkeys(visited, 3600)
    return CourseProgress(
        course, enrolment, set(visited), seconds, set(passed), worksheets, page_seconds, practice or {}
    )


# --- pages, modules and completion ---------------------------------------------------------------


def test_nothing_done(course):
    state = CourseProgress(course, None)
    assert not state.started and state.pages_done == 0 and state.percent == 0
    assert state.minutes_earned == 0 and not state.complete
    assert state.resume_page.key == "welcome/getting-started"


@pytest.mark.parametrize(("pages", "percent"), [(1, 20), (2, 40), (3, 60), (4, 80)])
def test_percent_is_of_pages_read(course, pages, percent):
    assert progress(course, EVERY_PAGE[:pages]).percent == percent


def test_percent_is_never_100_while_a_requirement_is_unmet(course):
    assert progress(course, EVERY_PAGE).percent == 99  # the quiz is not passed
    assert progress(course, EVERY_PAGE, passed={"practice-check"}).percent == 100


def test_a_module_without_a_quiz_is_done_when_its_pages_are_read(course):
    welcome = course.module("welcome")
    assert not progress(course, WELCOME[:1]).module_done(welcome)
    state = progress(course, WELCOME)
    assert state.module_done(welcome) and state.minutes_earned == 20 and not state.complete


def test_a_module_with_a_quiz_needs_it_passed(course):
    practice = course.module("practice")
    assert not progress(course, EVERY_PAGE).module_done(practice)
    assert not progress(course, WELCOME, passed={"practice-check"}).module_done(practice)  # pages unread
    state = progress(course, EVERY_PAGE, passed={"practice-check"})
    assert state.module_done(practice) and state.quiz_passed("practice-check")
    assert state.minutes_earned == 60 and state.complete


def test_pages_that_no_longer_exist_count_for_nothing(course):
    state = progress(course, ["welcome/removed-page", "old-module/page"])
    assert state.started and state.pages_done == 0 and state.percent == 0


def test_worksheets_count_only_when_the_course_requires_them(course):
    practice = course.module("practice")
    done = {"passed": {"practice-check"}}
    assert progress(course, EVERY_PAGE, worksheets=None, **done).module_done(practice)  # not required
    assert not progress(course, EVERY_PAGE, worksheets=set(), **done).module_done(practice)
    assert not progress(course, EVERY_PAGE, worksheets={"my-plan"}, **done).module_done(practice)
    both = progress(course, EVERY_PAGE, worksheets={"my-plan", "looking-back"}, **done)
    assert both.module_done(practice) and both.complete


def test_seat_time_is_a_minimum_in_whole_minutes(course):
    timed = with_rules(course, min_seat_minutes=2)
    done = {"visited": EVERY_PAGE, "passed": {"practice-check"}}
    assert not progress(timed, seconds=119, **done).complete
    assert not progress(timed, seconds=119, **done).seat_time_met
    state = progress(timed, seconds=120, **done)
    assert state.seat_time_met and state.complete
    assert progress(course, seconds=0, **done).seat_time_met  # no minimum


def test_seat_time_alone_completes_nothing(course):
    timed = with_rules(course, min_seat_minutes=1)
    state = progress(timed, WELCOME, seconds=10_000)
    assert state.seat_time_met and not state.complete


def test_a_course_without_modules_is_never_complete(course):
    empty = dataclasses.replace(course, modules=[], completion=CompletionRules())
    state = CourseProgress(empty, SimpleNamespace(last_page_key=None))
    assert not state.complete and state.percent == 0 and state.resume_page is None


# --- active time ----------------------------------------------------------------------------------


def test_each_module_requires_a_share_of_its_stated_minutes(course):
    welcome, practice = course.modules  # 20 and 40 minutes, 80 % by default
    state = progress(course, page_seconds={})
    assert course.completion.active_time == 80
    assert state.module_required_minutes(welcome) == 16 and state.module_required_minutes(practice) == 32
    assert with_rules(course, active_time=33).modules[0] is welcome
    assert progress(with_rules(course, active_time=33)).module_required_minutes(welcome) == 7  # 6.6, rounded up


def test_a_module_is_not_done_until_its_time_is_spent(course):
    welcome = course.module("welcome")
    short = progress(course, WELCOME, page_seconds={WELCOME[0]: 8 * 60, WELCOME[1]: 8 * 60 - 1})
    assert short.module_work_done(welcome) and not short.module_done(welcome)
    assert short.module_minutes(welcome) == 15 and short.module_minutes_needed(welcome) == 1
    enough = progress(course, WELCOME, page_seconds={WELCOME[0]: 8 * 60, WELCOME[1]: 8 * 60})
    assert enough.module_done(welcome) and enough.minutes_earned == 20


def test_time_on_another_module_does_not_count(course):
    welcome = course.module("welcome")
    state = progress(course, WELCOME, page_seconds={PRACTICE[0]: 10_000})
    assert state.module_minutes(welcome) == 0 and not state.module_done(welcome)


def test_a_finished_course_short_of_time_says_exactly_what_is_missing(course):
    seconds = dict.fromkeys(EVERY_PAGE, 0) | {WELCOME[0]: 41 * 60}
    state = progress(course, EVERY_PAGE, passed={"practice-check"}, page_seconds=seconds)
    assert not state.complete and state.percent == 99
    assert state.missing() == ["Practice: 32 more minutes of active time (0 of 32 recorded)"]


def test_missing_lists_pages_quizzes_and_worksheets(course):
    state = progress(course, WELCOME, worksheets=set())
    assert state.missing() == [
        "Practice: 3 pages to read",
        "Practice: pass the quiz \u201cPractice check\u201d",
        "Practice: complete \u201cLooking back\u201d",
        "Practice: complete \u201cMy plan\u201d",
        "Practice: 32 more minutes of active time (0 of 32 recorded)",
    ]


def test_the_last_step_is_asked_for_only_when_everything_else_is_done(course):
    done = {"visited": EVERY_PAGE, "passed": {"practice-check"}}
    waiting = CourseProgress(**{**progress(course, **done).__dict__, "finished": False})
    assert waiting.ready_to_finish and not waiting.complete
    assert waiting.missing() == ["the course evaluation and your attestation"]
    assert CourseProgress(**{**waiting.__dict__, "finished": True}).complete
    early = CourseProgress(**{**progress(course, WELCOME).__dict__, "finished": False})
    assert "the course evaluation and your attestation" not in early.missing()


# --- where Resume goes -------------------------------------------------------------------------------


def test_resume_goes_to_the_last_page_opened(course):
    assert progress(course, EVERY_PAGE[:3], last_page="welcome/progress").resume_page.key == "welcome/progress"


def test_resume_after_the_last_page_was_removed_goes_to_the_first_unread(course):
    state = progress(course, WELCOME, last_page="welcome/removed")
    assert state.resume_page.key == "practice/trying-things-out"


def test_resume_when_everything_is_read_and_the_last_page_is_gone_goes_to_the_start(course):
    assert progress(course, EVERY_PAGE, last_page="gone/page").resume_page.key == "welcome/getting-started"


# --- months --------------------------------------------------------------------------------------------


def at(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (at(2026, 1, 15), 1, at(2026, 2, 15)),
        (at(2026, 1, 31), 1, at(2026, 2, 28)),  # no 31 February: the month's last day
        (at(2028, 1, 31), 1, at(2028, 2, 29)),  # a leap year
        (at(2028, 2, 29), 12, at(2029, 2, 28)),
        (at(2028, 2, 29), 48, at(2032, 2, 29)),
        (at(2026, 3, 31), 1, at(2026, 4, 30)),
        (at(2026, 11, 30), 3, at(2027, 2, 28)),  # across the year
        (at(2026, 12, 1), 1, at(2027, 1, 1)),
        (at(2026, 12, 31), 12, at(2027, 12, 31)),
        (at(2026, 5, 20), 0, at(2026, 5, 20)),
        (at(2026, 5, 20), 120, at(2036, 5, 20)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected
    assert add_months(start, months).tzinfo is UTC  # the time of day and the zone are kept


COMPLETED = at(2026, 1, 31)


@pytest.mark.parametrize(
    ("completed", "months", "now", "lapsed"),
    [
        (None, 12, at(2040, 1, 1), False),  # never completed
        (COMPLETED, None, at(2040, 1, 1), False),  # no renewal period: never lapses
        (COMPLETED, 0, at(2040, 1, 1), False),
        (COMPLETED, 1, at(2026, 2, 28) - timedelta(seconds=1), False),
        (COMPLETED, 1, at(2026, 2, 28), True),  # the anniversary itself starts the next round
        (COMPLETED, 12, at(2027, 1, 31) - timedelta(microseconds=1), False),
        (COMPLETED, 12, at(2027, 1, 31), True),
        (COMPLETED, 12, at(2030, 1, 1), True),
    ],
)
def test_completion_lapsed(completed, months, now, lapsed):
    assert completion_lapsed(completed, months, now) is lapsed


# --- seat time: what one heartbeat earns --------------------------------------------------------

BEAT = {"interval": 30, "cap": 1200}


@pytest.mark.parametrize(
    ("gap", "since_course_activity", "visit_seconds", "earned"),
    [
        (30, 30, 0, 30),  # a steady heartbeat earns the time since the last one
        (65, 65, 0, 65),  # up to two intervals and a few seconds of delay
        (66, 66, 0, 0),  # longer: the tab was idle, hidden or asleep
        (3600, 3600, 0, 0),  # an hour away earns nothing, not a capped hour
        (0, 0, 0, 0),  # the same beat again
        (-5, 10, 0, 0),  # a clock that went backwards
        (30, 30, 1190, 10),  # the last seconds before the cap of one visit
        (30, 30, 1200, 0),  # a visit at the cap earns nothing more
        (30, 4, 0, 4),  # another tab of the course was credited 4 s ago: only those 4 s are new
        (30, 0, 0, 0),  # ... or just now: nothing
        (29.9, 40, 0, 29),  # whole seconds
    ],
)
def test_a_heartbeat_earns_the_time_since_the_last_one_within_the_rules(
    gap, since_course_activity, visit_seconds, earned
):
    assert heartbeat_credit(gap, since_course_activity, visit_seconds, **BEAT) == earned


def test_a_longer_heartbeat_interval_allows_a_longer_gap():
    assert heartbeat_credit(120, 120, 0, interval=60, cap=1200) == 120
    assert heartbeat_credit(126, 126, 0, interval=60, cap=1200) == 0
