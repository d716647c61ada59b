"""Events: what a learner did, told to listeners inside the transaction that recorded it."""

from __future__ import annotations

import pytest

from courseware import events, progress
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Certificate, PageProgress
from tests.test_certificates import COURSE, complete
from tests.test_quizzes import RIGHT, answer

FIRST = f"{COURSE}/welcome/getting-started"


@pytest.fixture
def heard():
    """Every event published during the test, in order."""
    seen: list[object] = []
    kinds = (
        events.CourseStarted,
        events.PageRead,
        events.QuizSubmitted,
        events.ModuleCompleted,
        events.CourseCompleted,
        events.CertificateIssued,
    )
    for kind in kinds:
        events.listener(kind)(seen.append)
    yield seen
    for kind in kinds:
        events.unregister(kind, seen.append)


def test_a_first_visit_starts_the_course_and_reads_the_page_once_for_the_first_time(learner_client, learner, heard):
    learner_client.get(FIRST)
    learner_client.get(FIRST)
    started, first, again = heard
    assert started == events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=started.at)
    assert (first.page_key, first.first_time, first.cycle) == ("welcome/getting-started", True, 1)
    assert (again.page_key, again.first_time) == ("welcome/getting-started", False)


def test_a_graded_attempt_tells_its_score_and_whether_it_passed(learner_client, learner, heard):
    answer(learner_client, {**RIGHT, "q-sky": "green", "q-boiling": "false"})
    answer(learner_client, RIGHT)
    failed, passed = [event for event in heard if isinstance(event, events.QuizSubmitted)]
    assert (failed.quiz_id, failed.number, failed.score, failed.passed) == ("practice-check", 1, 50, False)
    assert (passed.number, passed.score, passed.passed) == (2, 100, True)
    assert passed.user_id == learner.id and passed.attempt_id != failed.attempt_id


def test_completing_the_course_tells_the_completion_then_the_certificate(learner_client, learner, heard):
    complete(learner_client)
    completed, issued = [e for e in heard if isinstance(e, events.CourseCompleted | events.CertificateIssued)]
    assert isinstance(completed, events.CourseCompleted) and completed.cycle == 1
    certificate = db.session.scalars(db.select(Certificate)).one()
    assert issued == events.CertificateIssued(
        user_id=learner.id, course_slug="example-course", cycle=1, certificate_id=certificate.id, at=issued.at
    )


def test_completing_the_course_tells_each_module_of_the_track_completed_first(learner_client, learner, heard):
    complete(learner_client)
    done = [e for e in heard if isinstance(e, events.ModuleCompleted | events.CourseCompleted)]
    course = catalog().get("example-course")
    assert [getattr(e, "module_slug", None) for e in done] == [m.slug for m in course.modules] + [None]
    assert all((e.user_id, e.cycle, e.at) == (learner.id, 1, done[-1].at) for e in done)


def test_a_listener_that_fails_leaves_nothing_of_the_action(app, learner, heard):
    def refuse(event: events.PageRead) -> None:
        raise RuntimeError("the record store's queue is full")

    course = catalog().get("example-course")
    progress.enrol(learner, course)
    db.session.commit()
    events.listener(events.PageRead)(refuse)
    try:
        with pytest.raises(RuntimeError):
            progress.record_page_view(learner, course, course.pages[0])
        db.session.rollback()
    finally:
        events.unregister(events.PageRead, refuse)
    assert db.session.scalar(db.select(db.func.count()).select_from(PageProgress)) == 0
    assert progress.find_enrolment(learner.id, "example-course").pages_visited == 0


def test_renewing_starts_a_new_round(app, learner, heard, monkeypatch):
    course = catalog().get("example-course")
    progress.enrol(learner, course)
    monkeypatch.setattr(progress.enrolments, "can_renew", lambda user, course: True)
    progress.start_new_cycle(learner, course)
    assert [(e.cycle, type(e).__name__) for e in heard] == [(1, "CourseStarted"), (2, "CourseStarted")]
