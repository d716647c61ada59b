"""xAPI against ralph, an independent learning record store (ralph-malph, in tests/peers/ralph/): it
receives every statement once, whether it was down for a while or a statement is sent again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courseware import events, jobs, xapi
from courseware.extensions import db
from courseware.models import Job
from courseware.models.base import utcnow
from tests.helpers.ralph import PASSWORD, USERNAME, Ralph, invalid_statements, make_auth_file, needs_ralph
from tests.test_certificates import complete

pytestmark = needs_ralph

STORED_BY_THE_LRS = {"stored", "authority", "version"}  # what a record store adds to a statement it keeps


@pytest.fixture(scope="module")
def ralph_auth(tmp_path_factory):
    return make_auth_file(tmp_path_factory.mktemp("ralph-auth"))


@pytest.fixture
def lrs(app, ralph_auth, tmp_path):
    """A running ralph, which the app sends statements to."""
    server = Ralph(tmp_path / "ralph", ralph_auth)
    server.start()
    app.config.update(XAPI_ENDPOINT=server.endpoint, XAPI_USERNAME=USERNAME, XAPI_PASSWORD=PASSWORD)
    yield server
    server.stop()


def queued() -> list[dict]:
    rows = db.session.scalars(select(Job).where(Job.kind == xapi.SEND).order_by(Job.id))
    return [statement for job in rows for statement in job.payload["statements"]]


def send_all(now=None) -> jobs.WorkReport:
    db.session.commit()
    return jobs.work(limit=200, now=now)


def as_sent(statement: dict) -> dict:
    return {key: value for key, value in statement.items() if key not in STORED_BY_THE_LRS}


def test_a_course_taken_arrives_in_the_record_store_statement_by_statement(lrs, learner_client):
    complete(learner_client)
    report = send_all()
    assert report.failed == report.dead == 0
    sent = queued()
    stored = {statement["id"]: statement for statement in lrs.statements()}
    assert len(stored) == len(sent) >= 10
    for statement in sent:
        assert as_sent(stored[statement["id"]]) == statement
    assert invalid_statements(list(stored.values())) == []  # and as the record store keeps them


def test_the_outbox_waits_while_the_record_store_is_down_and_each_statement_arrives_once(lrs, learner_client):
    learner_client.get("/courses/example-course/welcome/getting-started")
    assert send_all().done == 2  # launched, experienced
    lrs.stop()
    complete(learner_client)
    down = send_all()
    assert down.done >= 1 and down.failed >= 4  # the certificate's PDF is rendered; every statement waits
    waiting = db.session.scalars(select(Job).where(Job.kind == xapi.SEND, Job.status == "queued")).all()
    assert waiting and all("could not be reached" in job.last_error for job in waiting)
    assert send_all(now=utcnow() + timedelta(seconds=30)).processed == 0  # not before their backoff
    lrs.start()
    later = send_all(now=utcnow() + timedelta(minutes=3))
    assert later.failed == later.dead == 0 and later.done == len(waiting)
    ids = [statement["id"] for statement in lrs.statements()]
    assert sorted(ids) == sorted(statement["id"] for statement in queued())


def test_a_statement_sent_again_is_not_stored_twice(lrs, app, learner):
    event = events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow())
    events.publish(event)
    assert send_all().done == 1
    events.publish(event)  # told again after it was sent: a new job, the same statement
    assert send_all().done == 1
    first = db.session.scalars(select(Job).where(Job.kind == xapi.SEND).order_by(Job.id)).first()
    db.session.execute(update(Job).where(Job.id == first.id).values(status="dead"))
    assert jobs.retry([first.id]).requeued == 1  # and an admin retries the one sent first
    assert send_all().done == 1
    assert len(queued()) == 2 and [s["id"] for s in lrs.statements()] == [queued()[0]["id"]]


def test_wrong_credentials_make_the_job_dead_with_the_record_stores_answer(lrs, app, learner):
    app.config["XAPI_PASSWORD"] = "not the password"
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    assert send_all().dead == 1
    job = db.session.scalars(select(Job).where(Job.kind == xapi.SEND)).one()
    assert "refused statement" in job.last_error and "401" in job.last_error
    app.config["XAPI_PASSWORD"] = PASSWORD
    assert jobs.retry([job.id]).requeued == 1
    assert send_all().done == 1 and len(lrs.statements()) == 1


def test_flask_xapi_check_asks_the_record_store(lrs, runner, app):
    result = runner.invoke(args=["xapi", "check"])
    assert result.exit_code == 0, result.output
    assert "does not say which xAPI versions" in result.output  # ralph 5.1 has no /about resource
    assert "The credentials are accepted." in result.output
    app.config["XAPI_PASSWORD"] = "wrong"
    refused = runner.invoke(args=["xapi", "check"])
    assert refused.exit_code != 0 and "refused XAPI_USERNAME and XAPI_PASSWORD" in refused.output
