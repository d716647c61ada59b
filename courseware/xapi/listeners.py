"""Listening to what learners do: each event becomes statements, queued as an "xapi.send" job in the
learner's own transaction (see courseware.events). With no XAPI_ENDPOINT set, nothing is queued."""

from __future__ import annotations

from typing import Any

from flask import current_app

from courseware import events, jobs
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import User
from courseware.xapi import statements
from courseware.xapi.sending import SEND
from courseware.xapi.site import Site


def enabled() -> bool:
    """A learning record store is configured: statements are queued."""
    return bool(current_app.config.get("XAPI_ENDPOINT"))


def _about(event: events.Event) -> tuple[statements.Activities, dict[str, Any]]:
    """The course's activities and the learner as an Agent. Reads no row unless the site names learners
    by their email address (then the learner's row, which the request has usually loaded already)."""
    site = Site.from_config(current_app.config)
    email = None
    if site.actor == "mbox":
        user = db.session.get(User, event.user_id)
        email = user.email if user is not None else None
    return statements.Activities(site, event.course_slug, catalog().get(event.course_slug)), site.agent(
        event.user_id, email
    )


def queue(batch: list[statements.Statement]) -> None:
    """One job for the statements of one event, unique by its first statement's id while it waits: an
    event told twice before it is sent queues nothing more. Part of the caller's transaction."""
    jobs.enqueue_unless_held(SEND, {"statements": batch}, key=f"{SEND}:{batch[0]['id']}")


@events.listener(events.CourseStarted)
def course_started(event: events.CourseStarted) -> None:
    if enabled():
        queue([statements.launched(*_about(event), event)])


@events.listener(events.PageRead)
def page_read(event: events.PageRead) -> None:
    """A page is "experienced" once per round: its first visit."""
    if enabled() and event.first_time:
        queue([statements.experienced(*_about(event), event)])


@events.listener(events.QuizSubmitted)
def quiz_submitted(event: events.QuizSubmitted) -> None:
    if enabled():
        queue(statements.quiz_graded(*_about(event), event))


@events.listener(events.ModuleCompleted)
def module_completed(event: events.ModuleCompleted) -> None:
    if enabled():
        queue([statements.module_completed(*_about(event), event)])


@events.listener(events.CourseCompleted)
def course_completed(event: events.CourseCompleted) -> None:
    if enabled():
        queue([statements.course_completed(*_about(event), event)])


@events.listener(events.CertificateIssued)
def certificate_issued(event: events.CertificateIssued) -> None:
    if enabled():
        queue([statements.earned(*_about(event), event)])
