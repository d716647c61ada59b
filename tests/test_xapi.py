"""xAPI: what learners do becomes statements, queued in the learner's transaction and sent to a
learning record store (docs/xapi.md). The record store here is a scripted HTTP server; ralph, a real
one, is in tests/test_xapi_lrs.py."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

import config
from courseware import events, jobs, xapi
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Certificate, Job
from courseware.models.base import utcnow
from courseware.xapi import statements
from courseware.xapi.site import Site
from tests.helpers.ralph import MISSING, RALPH, invalid_statements
from tests.test_architecture import recorded_statements
from tests.test_certificates import COURSE, complete
from tests.test_quizzes import RIGHT, answer

ADL = "http://adlnet.gov/expapi/verbs/"
SITE = "https://training.district.test"


@pytest.fixture
def store(app):
    """A record store on a local port that answers each PUT with the next scripted status (then 204)."""
    server = ScriptedStore()
    app.config.update(
        XAPI_ENDPOINT=f"http://127.0.0.1:{server.port}/xAPI/",
        XAPI_USERNAME="courseware",
        XAPI_PASSWORD="s3cret",
        PUBLIC_URL=SITE,
    )
    yield server
    server.close()


class ScriptedStore:
    def __init__(self) -> None:
        self.answers: list[int] = []
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.received.append({"path": self.path, "headers": dict(self.headers), "statement": body})
                status = outer.answers.pop(0) if outer.answers else 204
                self.send_response(status)
                self.send_header("Content-Length", "8")
                self.end_headers()
                self.wfile.write(b"answered")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def queued() -> list[dict]:
    """Every statement queued, in order."""
    rows = db.session.scalars(select(Job).where(Job.kind == xapi.SEND).order_by(Job.id))
    return [statement for job in rows for statement in job.payload["statements"]]


def verbs(statements: list[dict]) -> list[tuple[str, str]]:
    return [(s["verb"]["id"].rsplit("/", 1)[1], s["object"]["id"].removeprefix(SITE)) for s in statements]


def test_with_no_record_store_set_nothing_is_queued(learner_client):
    complete(learner_client)
    assert queued() == []


def test_a_learners_course_becomes_statements_in_order(store, learner_client, learner):
    complete(learner_client)
    learner_client.get(f"{COURSE}/welcome/getting-started")  # read again: experienced once per round
    statements = queued()
    certificate_code = db.session.scalars(select(Certificate)).one().code
    course = catalog().get("example-course")
    assert verbs(statements) == [
        ("launched", "/courses/example-course"),
        *[("experienced", f"/courses/example-course/{page.key}") for page in course.pages],
        ("answered", "/courses/example-course/quizzes/practice-check"),
        ("passed", "/courses/example-course/quizzes/practice-check"),
        *[("completed", f"/courses/example-course/{module.slug}") for module in course.modules],
        ("completed", "/courses/example-course"),
        ("earned", "/courses/example-course/certificate"),
    ]
    assert certificate_code not in json.dumps(statements)  # its /verify page shows the holder's name
    assert len(course.pages) > 2 and len(course.modules) == 2
    assert len({s["id"] for s in statements}) == len(statements)
    registration = statements[0]["context"]["registration"]
    for statement in statements:
        assert statement["actor"] == statements[0]["actor"]
        assert statement["context"]["registration"] == registration
        assert statement["context"]["platform"] == "Courseware"
        assert statement["context"]["language"] == "en-US"
        assert statement["timestamp"].endswith("Z")


def test_the_learner_is_an_opaque_account_on_the_site_never_their_email(store, learner_client, learner, app):
    learner_client.get(f"{COURSE}/welcome/getting-started")
    actor = queued()[0]["actor"]
    assert actor["objectType"] == "Agent" and actor["account"]["homePage"] == SITE
    name = actor["account"]["name"]
    assert len(name) == 32 and learner.email not in json.dumps(queued()) and "Jordan" not in json.dumps(queued())
    assert name != str(learner.id) and name == Site.from_config(app.config).account_name(learner.id)
    app.config["SECRET_KEY"] = "another key"
    app.config["XAPI_ACTOR_SECRET"] = "a key of its own"
    moved = Site.from_config(app.config).account_name(learner.id)
    app.config["SECRET_KEY"] = "yet another key"
    assert Site.from_config(app.config).account_name(learner.id) == moved != name


def test_statement_ids_and_registrations_do_not_give_away_the_learners_number(store, app, learner):
    """They are derived from the keyed account name: without the key, trying account numbers finds nothing."""
    event = events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow())
    site = Site.from_config(app.config)
    acts = statements.Activities(site, "example-course", catalog().get("example-course"))
    made = statements.launched(acts, site.agent(learner.id), event)
    app.config["XAPI_ACTOR_SECRET"] = "another key"
    other = Site.from_config(app.config)
    again = statements.launched(
        statements.Activities(other, "example-course", acts.course), other.agent(learner.id), event
    )
    assert again["id"] != made["id"] and again["context"]["registration"] != made["context"]["registration"]
    guesses = {
        site.uuid(*parts)
        for number in range(1, 1000)
        for parts in (
            ("statement", "launched", number, "example-course", 1, "course"),
            ("registration", number, "example-course", 1),
        )
    }
    assert made["id"] not in guesses and made["context"]["registration"] not in guesses


def test_a_site_may_name_learners_by_their_email(store, learner_client, learner, app):
    app.config["XAPI_ACTOR"] = "mbox"
    learner_client.get(f"{COURSE}/welcome/getting-started")
    assert queued()[0]["actor"] == {"objectType": "Agent", "mbox": f"mailto:{learner.email}"}


def test_a_quiz_tells_its_score_and_a_failure(store, learner_client):
    answer(learner_client, {**RIGHT, "q-sky": "green", "q-boiling": "false"})
    answered, failed = queued()[-2:]
    assert (answered["verb"]["id"], failed["verb"]["id"]) == (ADL + "answered", ADL + "failed")
    assert answered["result"] == {
        "score": {"scaled": 0.5, "raw": 50, "min": 0, "max": 100},
        "success": False,
        "completion": True,
    }
    assert answered["object"]["definition"] == {
        "name": {"en-US": "Practice check"},
        "type": "http://adlnet.gov/expapi/activities/assessment",
    }
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == f"{SITE}/courses/example-course/practice"
    assert answered["context"]["contextActivities"]["grouping"][0]["id"] == f"{SITE}/courses/example-course"


def test_a_statement_costs_a_page_view_one_insert_and_nothing_else(store, app, client, make_user, sign_in):
    """The queries of a page view with a record store set are those without it, plus one INSERT of the
    job of each statement: a first visit queues one, a visit again none."""
    first, second = (f"{COURSE}/{page.key}" for page in catalog().get("example-course").pages[:2])

    def page_views(who: str) -> tuple[list[str], list[str]]:
        sign_in(client, make_user(email=f"{who}@example.org"))
        client.get(first)
        with recorded_statements() as new:
            client.get(second)
        with recorded_statements() as again:
            client.get(second)
        return new["statements"], again["statements"]

    new, again = page_views("sent")
    endpoint = app.config.pop("XAPI_ENDPOINT")
    plain_new, plain_again = page_views("kept")
    app.config["XAPI_ENDPOINT"] = endpoint
    assert len(new) == len(plain_new) + 1
    assert [q for q in new if q.lstrip().startswith("INSERT INTO jobs")] and not [q for q in plain_new if "jobs" in q]
    assert len(again) == len(plain_again)


def test_the_same_event_makes_the_same_statement_and_one_job(store, app, learner):
    event = events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow())
    events.publish(event)
    events.publish(event)
    db.session.commit()
    assert len(queued()) == 1
    assert jobs.work(limit=5).done == 1
    events.publish(event)  # told again after it was sent: the same id, which the record store keeps once
    db.session.commit()
    first, again = queued()
    assert first == again
    renewed = events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=2, at=event.at)
    events.publish(renewed)
    db.session.commit()
    third = queued()[-1]
    assert third["id"] != first["id"]
    assert third["context"]["registration"] != first["context"]["registration"]


def test_a_rolled_back_action_queues_nothing(store, app, learner):
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.rollback()
    assert queued() == []


def test_each_statement_is_put_under_its_own_id_with_the_xapi_version_and_basic_auth(store, learner_client):
    answer(learner_client, RIGHT)
    db.session.commit()
    assert jobs.work(limit=10).done == 3  # launched, experienced the quiz's page, answered + passed
    sent = store.received
    assert [r["statement"]["id"] for r in sent] == [s["id"] for s in queued()]
    for request in sent:
        assert request["path"] == f"/xAPI/statements?statementId={request['statement']['id']}"
        assert request["headers"]["X-Experience-API-Version"] == "1.0.3"
        assert request["headers"]["Authorization"] == "Basic Y291cnNld2FyZTpzM2NyZXQ="  # courseware:s3cret


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_record_store_that_is_busy_or_failing_is_tried_again_later(store, app, learner, status):
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.commit()
    store.answers = [status]
    assert jobs.work(limit=5).failed == 1
    job = db.session.scalars(select(Job).where(Job.kind == xapi.SEND)).one()
    assert job.status == "queued" and f"answered {status}" in job.last_error
    assert jobs.work(limit=5, now=utcnow() + timedelta(minutes=2)).done == 1
    assert len(store.received) == 2 and store.received[0]["statement"] == store.received[1]["statement"]


@pytest.mark.parametrize("status", [409, 200])
def test_a_statement_already_stored_counts_as_sent(store, app, learner, status):
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.commit()
    store.answers = [status]
    assert jobs.work(limit=5).done == 1


REFUSALS = [(400, "400"), (401, "XAPI_USERNAME"), (403, "403"), (404, "XAPI_ENDPOINT")]


@pytest.mark.parametrize(("status", "hint"), REFUSALS)
def test_a_refusal_is_dead_at_once_with_its_reason(store, client, learner, sign_in, make_user, status, hint):
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.commit()
    store.answers = [status]
    assert jobs.work(limit=5).dead == 1
    job = db.session.scalars(select(Job).where(Job.kind == xapi.SEND)).one()
    assert job.status == "dead" and "refused statement" in job.last_error and hint in job.last_error
    admin = client
    sign_in(admin, make_user(name="Ada Admin", email="admin@example.org", role="admin"))
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert "refused statement" in page and "launched Example course" in page
    assert f"127.0.0.1:{store.port}/xAPI/" in page and "s3cret" not in page


def test_an_unreachable_record_store_is_tried_again(store, app, learner):
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.commit()
    store.close()
    assert jobs.work(limit=5).failed == 1
    job = db.session.scalars(select(Job).where(Job.kind == xapi.SEND)).one()
    assert "could not be reached" in job.last_error and job.max_attempts == 20


def test_credentials_written_into_the_address_stay_out_of_job_errors(store, app, learner):
    app.config["XAPI_ENDPOINT"] = f"http://courseware:s3cret@127.0.0.1:{store.port}/xAPI/"
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.commit()
    store.close()
    assert jobs.work(limit=5).failed == 1
    job = db.session.scalars(select(Job).where(Job.kind == xapi.SEND)).one()
    assert f"127.0.0.1:{store.port}/xAPI/ could not be reached" in job.last_error and "s3cret" not in job.last_error


def test_the_jobs_page_says_when_no_record_store_is_set(client, sign_in, make_user):
    sign_in(client, make_user(name="Ada Admin", email="admin@example.org", role="admin"))
    assert "No learning record store is set" in client.get("/admin/jobs").get_data(as_text=True)


def test_flask_xapi_status(store, runner, app, learner):
    events.publish(events.CourseStarted(user_id=learner.id, course_slug="example-course", cycle=1, at=utcnow()))
    db.session.commit()
    out = runner.invoke(args=["xapi", "status"]).output
    assert f"Statements go to http://127.0.0.1:{store.port}/xAPI/ as courseware." in out
    assert "an opaque id" in out and "1 queued" in out


@pytest.mark.skipif(not RALPH.exists(), reason=MISSING)
def test_every_kind_of_statement_is_valid_xapi_by_ralphs_models(store, learner_client, app):
    answer(learner_client, {**RIGHT, "q-sky": "green", "q-boiling": "false"})  # failed
    complete(learner_client)
    app.config["XAPI_ACTOR"] = "mbox"
    learner_client.get(f"{COURSE}/welcome/getting-started")  # no new statement: read before
    course = catalog().get("example-course")
    statements = queued()
    assert {s["verb"]["id"].rsplit("/", 1)[1] for s in statements} == {
        "launched",
        "experienced",
        "answered",
        "failed",
        "passed",
        "completed",
        "earned",
    }
    assert len(statements) == 1 + len(course.pages) + 4 + len(course.modules) + 2
    assert invalid_statements(statements) == []
    broken = {**statements[0], "verb": {"id": "launched"}}  # not an IRI: the models do check
    assert [found["id"] for found in invalid_statements([broken])] == [broken["id"]]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("XAPI_ACTOR", "name", "XAPI_ACTOR must be account or mbox"),
        ("XAPI_ENDPOINT", "http://lrs.district.test/xAPI/", "must be the learning record store's https:// address"),
        ("XAPI_ENDPOINT", "lrs.district.test", "must be the learning record store's https:// address"),
        ("XAPI_ENDPOINT", "https://courseware:s3cret@lrs.district.test/xAPI/", "XAPI_USERNAME and XAPI_PASSWORD"),
        ("XAPI_ENDPOINT", "https://courseware@lrs.district.test/xAPI/", "must not carry a user or password"),
    ],
)
def test_settings_that_cannot_work_stop_the_app_with_the_reason(monkeypatch, setting, value, message):
    monkeypatch.setenv(setting, value)
    with pytest.raises(RuntimeError, match=message) as refused:
        config.TestConfig()
    assert "s3cret" not in str(refused.value)


def test_a_server_sending_opaque_ids_must_have_a_key_of_its_own(monkeypatch):
    """Not SECRET_KEY: rotating it would make every learner a new person in the record store."""
    monkeypatch.setenv("XAPI_ENDPOINT", "https://lrs.district.test/xAPI/")
    monkeypatch.setenv("SECRET_KEY", "a-long-and-random-secret-key-for-sessions-0123456789")
    monkeypatch.delenv("XAPI_ACTOR_SECRET", raising=False)
    monkeypatch.delenv("XAPI_ACTOR", raising=False)
    with pytest.raises(RuntimeError, match="XAPI_ACTOR_SECRET must be set with XAPI_ENDPOINT"):
        config.Config()
    monkeypatch.setenv("XAPI_ACTOR", "mbox")  # learners named by their address: no opaque id to key
    assert config.Config().XAPI_ACTOR_SECRET == ""
    monkeypatch.setenv("XAPI_ACTOR", "account")
    monkeypatch.setenv("XAPI_ACTOR_SECRET", "a key of its own")
    assert config.Config().XAPI_ACTOR_SECRET == "a key of its own"
    monkeypatch.delenv("XAPI_ACTOR_SECRET")
    assert config.TestConfig().XAPI_ACTOR_SECRET and config.DevelopmentConfig().XAPI_ACTOR_SECRET
    with pytest.raises(RuntimeError, match="XAPI_ACTOR_SECRET"):
        Site.from_config({"XAPI_ENDPOINT": "https://lrs.district.test/xAPI/", "SECRET_KEY": "a key"})


def test_an_https_record_store_and_a_local_one_are_accepted(monkeypatch):
    endpoints = ["https://lrs.district.test/xAPI/", "http://127.0.0.1:8080/xAPI/"]
    accepted = []
    for endpoint in endpoints:
        monkeypatch.setenv("XAPI_ENDPOINT", endpoint)
        accepted.append(config.TestConfig().XAPI_ENDPOINT)
    assert accepted == endpoints
