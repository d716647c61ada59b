"""How state changes are made: GET requests write nothing but what docs/architecture.md lists,
a learner action is one transaction, and every learner action settles the course."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from courseware import jobs
from courseware.certificates import services as certificates
from courseware.extensions import db
from courseware.models import Certificate, Enrolment, PageProgress, PageVisit
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.test_certificates import add_setting, complete
from tests.test_cohorts import FIRST_PAGE, assigned, dashboard_url, leader_client, staff, world  # noqa: F401 (fixtures used by name)
from tests.test_worksheets import autosave

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@contextlib.contextmanager
def recorded_statements():
    """Every SQL statement sent while the block runs, and the number of commits."""
    seen: dict[str, list] = {"statements": [], "commits": []}

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        seen["statements"].append(statement)

    def on_commit(conn):
        seen["commits"].append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)


def writes(seen) -> list[str]:
    return [s for s in seen["statements"] if WRITE.match(s)]


def test_get_requests_write_nothing(app, request, make_user, sign_in):
    """Every page a learner, a leader and an admin reads, with data behind it, writes nothing.
    The page view (docs/architecture.md) is the exception, tested below."""
    people, assignment = request.getfixturevalue("staff"), request.getfixturevalue("assigned")
    cohort_id, leader = request.getfixturevalue("world").cohort.id, request.getfixturevalue("leader_client")
    cal = people.clients[people.cal.email]
    (certificate,) = db.session.scalars(select(Certificate))
    certificates.store_pdf(certificate)  # a download of a stored PDF reads it; a missing one is rendered
    for _ in range(3):  # the cohort's evaluation results are shown from three responses
        factories.evaluation_response(cohorts=[request.getfixturevalue("world").cohort], comments={"improve": "More"})
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    discussion = f"/cohorts/{cohort_id}/circles/example-course/practice"
    assert cal.submit(discussion + "/posts", {"body": "A first thread"}, page=discussion).status_code == 302
    reads = {
        cal: [
            "/",
            "/courses/example-course",
            "/courses/example-course/resume",
            "/courses/example-course/attempts",
            "/courses/example-course/action-plan",
            "/transcript",
            "/transcript.csv",
            f"/certificates/{certificate.code}.pdf",
            f"/verify/{certificate.code}",
            f"/verify/{certificate.code}.json",
            "/account",
            "/courses/example-course/finish",
            "/courses/example-course/break?from=welcome/getting-started",
            discussion,
        ],
        leader: [
            "/cohorts",
            f"/cohorts/{cohort_id}",
            dashboard_url(cohort_id, assignment.id),
            dashboard_url(cohort_id, assignment.id) + "?sort=progress&order=desc",
            dashboard_url(cohort_id, assignment.id) + ".csv",
            f"/cohorts/{cohort_id}/evaluations",
            f"/cohorts/{cohort_id}/evaluations/example-course",
            f"/cohorts/{cohort_id}/evaluations/example-course.csv",
            discussion,
            discussion + "/reports",
        ],
        admin: [
            "/admin/courses",
            "/admin/organisations",
            f"/admin/certificates?q={certificate.code}",
            "/admin/providers",
            "/admin/evaluations/example-course",
            "/admin/evaluations/example-course.csv",
            f"/organisations/{request.getfixturevalue('world').district.id}/evaluations",
            f"/organisations/{request.getfixturevalue('world').district.id}/evaluations/example-course",
        ],
    }
    for client, urls in reads.items():
        for url in urls:
            with recorded_statements() as seen:
                response = client.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
            assert writes(seen) == [], url


def test_a_page_view_is_one_transaction(learner_client):
    learner_client.get("/courses/example-course")  # signed in and warmed up
    with recorded_statements() as seen:
        assert learner_client.get(FIRST_PAGE).status_code == 200
    assert len(seen["commits"]) == 1
    assert db.session.scalar(select(Enrolment.last_page_key)) == "welcome/getting-started"
    assert db.session.query(PageVisit).count() == 1


def test_a_quiz_shown_again_with_errors_is_not_a_page_view(learner_client):
    learner_client.get(FIRST_PAGE)
    response = learner_client.submit(
        "/courses/example-course/quizzes/practice-check",
        {"version": "x", "number": "1"},
        page=FIRST_PAGE,  # the form's token, without opening the quiz's own page
    )
    assert response.status_code == 422
    keys = set(db.session.scalars(select(PageProgress.page_key)))
    assert keys == {"welcome/getting-started"}  # the quiz's page was not marked read by the failed submission
    assert db.session.scalar(select(Enrolment.last_page_key)) == "welcome/getting-started"


def test_a_later_save_of_a_field_can_complete_the_course(editable, make_user, sign_in):
    """Completion is settled after every save, not only the first save of a field. (A course without
    credit and without an evaluation: with one, finishing it is always the learner's last action.)"""
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 0"))
    add_setting(folder, "  worksheets_required: true\n")
    client = app.test_client()
    sign_in(client, make_user())
    assert autosave(client, "plan-title", "   ").json["revision"] == 1  # saved, but blank: not an answer
    assert autosave(client, "response", "I will slow down.", worksheet="looking-back").status_code == 200
    complete(client)
    assert db.session.scalar(select(Enrolment.completed_at)) is None  # the plan still has no title
    response = autosave(client, "plan-title", "Calmer mornings", revision=1)
    assert response.status_code == 200 and response.json["revision"] == 2
    assert response.json.get("completed") is True
    assert db.session.scalar(select(Enrolment.completed_at)) is not None


@pytest.fixture
def pdf_renders(monkeypatch):
    """How many PDFs WeasyPrint has rendered since the test began (every PDF goes through write_pdf)."""
    import weasyprint

    count = {"renders": 0}
    original = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        count["renders"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    return count


def test_no_request_renders_a_certificate_but_a_download_of_a_missing_one(learner_client, learner, pdf_renders):
    complete(learner_client)  # page views and a quiz submission complete the course
    (certificate,) = db.session.scalars(select(Certificate))
    assert pdf_renders["renders"] == 0 and certificate.pdf is None
    response = learner_client.submit(
        "/account",
        {"form": "profile", "profile-name": "Jordan Rivera-Lopez", "profile-email": learner.email},
        page="/account",
    )
    assert response.status_code == 302
    notice = learner_client.get("/account").get_data(as_text=True)
    assert "Your certificate will show your new name: a replacement is being issued" in notice
    assert pdf_renders["renders"] == 0  # the replacement is a job too
    report = jobs.work()
    assert (report.done, report.failed) == (3, 0)  # render, reissue, render the replacement
    assert pdf_renders["renders"] == 2
    first, second = db.session.scalars(select(Certificate).order_by(Certificate.id))
    db.session.refresh(first)
    assert first.replaced_by_id == second.id and second.learner_name == "Jordan Rivera-Lopez"
    assert learner_client.get(f"/certificates/{second.code}.pdf").data.startswith(b"%PDF")
    assert pdf_renders["renders"] == 2  # a kept PDF is served as it is
    db.session.execute(db.update(Certificate).where(Certificate.id == second.id).values(pdf=None, pdf_sha256=None))
    db.session.commit()
    assert learner_client.get(f"/certificates/{second.code}.pdf").data.startswith(b"%PDF")
    assert pdf_renders["renders"] == 3  # a download never waits for a worker: a missing PDF is rendered


@pytest.mark.parametrize("rule", ["course validity", "assignment renewal"])
def test_a_learner_and_their_leader_agree_when_a_completion_lapses(editable, make_user, sign_in, rule):
    """One renewal rule: when the learner's course page offers a new round, the dashboard counts
    them as not started, and not a day before."""
    from courseware.cohorts import services as cohorts

    app, folder = editable
    if rule == "course validity":
        add_setting(folder, "certificate:\n  validity_months: 12\n")
    district = cohorts.create_organisation("Riverside District")
    cohort = cohorts.create_cohort(district, "All staff")
    leader_user = make_user(name="Lee Leader")
    cohorts.grant_leader(leader_user, cohort=cohort)
    learner_user = make_user(name="Cal Completed")
    cohorts.join(cohort, learner_user)
    assignment = cohorts.assign(
        cohort, "example-course", utcnow().date() + timedelta(days=30), 12 if rule == "assignment renewal" else None
    )
    learner, leader = app.test_client(), app.test_client()
    sign_in(learner, learner_user)
    sign_in(leader, leader_user)
    complete(learner)
    board = dashboard_url(cohort.id, assignment.id)

    def states() -> tuple[bool, bool]:
        renewable = "Renew: take the course again" in learner.get("/courses/example-course").get_data(as_text=True)
        header, row = list(csv.reader(io.StringIO(leader.get(board + ".csv").get_data(as_text=True).lstrip("\ufeff"))))
        return renewable, dict(zip(header, row, strict=True))["Status"] == "Completed"

    assert states() == (False, True)
    for days, expected in ((360, (False, True)), (367, (True, False))):
        when = utcnow() - timedelta(days=days)
        db.session.execute(db.update(Enrolment).values(completed_at=when))
        db.session.execute(db.update(Certificate).values(completed_at=when))
        db.session.commit()
        assert states() == expected, days
