"""What learners did, told to whoever listens: the places a course reports to (an LMS's gradebook,
a learning record store) without the areas that record progress knowing of them.

    from courseware import events

    @events.listener(events.CourseCompleted)
    def queue_score(event: events.CourseCompleted) -> None:
        jobs.enqueue(...)

    events.publish(events.CourseCompleted(user_id=7, course_slug="x", cycle=1, at=now))

``publish`` calls every listener at once, inside the transaction of the service that publishes:
a listener adds rows to that transaction (a job, an outbox row) and nothing else. It sends nothing
itself, so what it queues exists if, and only if, the learner's action is committed, and a
rollback takes both away. A listener that raises makes the action fail, so listeners check their
input before the action can depend on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar


@dataclass(frozen=True)
class CourseStarted:
    """A learner began a round of a course: their first visit made the enrolment, or they renewed it."""

    user_id: int
    course_slug: str
    cycle: int
    at: datetime


@dataclass(frozen=True)
class PageRead:
    """A learner opened a page of a course (``first_time`` on their first visit to it this round)."""

    user_id: int
    course_slug: str
    cycle: int
    page_key: str
    first_time: bool
    at: datetime


@dataclass(frozen=True)
class QuizSubmitted:
    """A learner's attempt at a quiz was graded: ``score`` is a percentage, ``passed`` against the quiz's pass mark."""

    user_id: int
    course_slug: str
    cycle: int
    quiz_id: str
    attempt_id: int
    number: int
    score: int
    passed: bool
    at: datetime


@dataclass(frozen=True)
class ModuleCompleted:
    """A module's rules are met, told when the course they belong to is completed (``at``), for each
    module of the learner's track, just before ``CourseCompleted``."""

    user_id: int
    course_slug: str
    cycle: int
    module_slug: str
    at: datetime


@dataclass(frozen=True)
class CourseCompleted:
    """Every rule of the course is met: the enrolment's round ``cycle`` is completed."""

    user_id: int
    course_slug: str
    cycle: int
    at: datetime


@dataclass(frozen=True)
class CertificateIssued:
    """A certificate was issued for a completed round (not when a replacement is made)."""

    user_id: int
    course_slug: str
    cycle: int
    certificate_id: int
    at: datetime


Event = CourseStarted | PageRead | QuizSubmitted | ModuleCompleted | CourseCompleted | CertificateIssued
E = TypeVar("E")

_listeners: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


def listener(kind: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register a function to be called with every event of ``kind`` (once, however often imported)."""

    def register(fn: Callable[[E], None]) -> Callable[[E], None]:
        if fn not in _listeners[kind]:
            _listeners[kind].append(fn)
        return fn

    return register


def unregister(kind: type, fn: Callable[[Any], None]) -> None:
    """Stop calling ``fn`` for ``kind`` (tests that listen for a while)."""
    if fn in _listeners[kind]:
        _listeners[kind].remove(fn)


def publish(event: Event) -> None:
    """Call the listeners of the event's kind, in the order they registered, in the caller's transaction."""
    for fn in list(_listeners[type(event)]):
        fn(event)
