"""Learner pages, enrolment, progress, Resume and seat time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courseware import progress
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Enrolment, PageProgress, PageVisit
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.html import attribute

FIRST = "/courses/example-course/welcome/getting-started"
SECOND = "/courses/example-course/welcome/progress"
LAST = "/courses/example-course/practice/check"


def beat(user, token, now):
    """A heartbeat at ``now``: the seconds it credited."""
    recorded = progress.record_heartbeat(user, token, now)
    assert recorded is not None
    return recorded[0]


def test_catalog_lists_published_courses_for_anyone(client):
    html = client.get("/").get_data(as_text=True)
    assert "Example course" in html and "1 h" in html


def test_course_home_shows_modules_time_and_objectives(client):
    html = client.get("/courses/example-course").get_data(as_text=True)
    assert "Welcome" in html and "Practice" in html
    assert "Find your way around a course" in html
    assert "Sign in to start" in html


def test_unknown_course_or_page_is_404_in_the_site_layout(learner_client):
    for url in [
        "/courses/nope",
        "/courses/example-course/welcome/nope",
        "/courses/example-course/nope/getting-started",
    ]:
        response = learner_client.get(url)
        assert response.status_code == 404, url
        assert "We could not find that page" in response.get_data(as_text=True)


def test_pages_need_sign_in(client):
    response = client.get(FIRST)
    assert response.status_code == 302 and "/sign-in?next=" in response.location


def test_first_visit_enrols_and_marks_the_page_read(learner_client, learner):
    html = learner_client.get(FIRST).get_data(as_text=True)
    assert "This is the <strong>first page</strong>" in html
    assert 'aria-current="page">Getting started' in html
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.user_id, enrolment.course_slug, enrolment.last_page_key) == (
        learner.id,
        "example-course",
        "welcome/getting-started",
    )
    learner_client.get(FIRST)
    assert db.session.query(Enrolment).count() == 1
    assert db.session.query(PageProgress).count() == 1


def test_previous_and_next_links(learner_client):
    html = learner_client.get(SECOND).get_data(as_text=True)
    assert f'rel="prev" href="{FIRST}"' in html
    assert 'rel="next" href="/courses/example-course/practice/trying-things-out"' in html
    html = learner_client.get(LAST).get_data(as_text=True)
    assert "Back to the course" in html


def test_resume_goes_to_the_last_page_opened(learner_client):
    assert learner_client.get("/courses/example-course/resume").location == FIRST
    learner_client.get(FIRST)
    learner_client.get(LAST)
    learner_client.get(SECOND)
    assert learner_client.get("/courses/example-course/resume").location == SECOND
    html = learner_client.get("/").get_data(as_text=True)
    assert "Resume" in html and "60%" in html


def test_module_is_done_when_all_its_pages_are_read_and_its_time_spent(app, learner_client, learner):
    course = catalog().get("example-course")
    learner_client.get(FIRST)
    factories.seat_time(learner, course)
    state = progress.progress_for(learner, course)
    assert not state.module_done(course.modules[0])
    learner_client.get(SECOND)
    state = progress.progress_for(learner, course)
    assert state.module_done(course.modules[0]) and not state.complete
    assert state.percent == 40
    html = learner_client.get("/courses/example-course").get_data(as_text=True)
    assert "badge--done" in html and "2 of 5 pages read" in html


def test_progress_is_private_to_each_learner(app, learner_client, make_user, sign_in):
    learner_client.get(FIRST)
    other = app.test_client()
    sign_in(other, make_user())
    assert "Resume" not in other.get("/").get_data(as_text=True)


def _visit_token(client, url=FIRST) -> str:
    return attribute(client.get(url), "[data-visit]", "data-visit")


def test_heartbeat_credits_seat_time(learner_client):
    token = _visit_token(learner_client)
    visit = db.session.scalar(select(PageVisit).where(PageVisit.token == token))
    visit.last_beat_at -= timedelta(seconds=30)
    db.session.scalar(select(Enrolment)).last_activity_at -= timedelta(seconds=30)
    db.session.commit()
    response = learner_client.post_json("/learning/heartbeat", {"visit": token})
    assert response.status_code == 200 and response.json["credited"] == 30
    assert db.session.scalar(select(PageProgress.seconds)) == 30


def test_seat_time_ignores_idle_gaps_and_is_capped_per_visit(app, learner_client, learner):
    token = _visit_token(learner_client)
    visit = db.session.scalar(select(PageVisit).where(PageVisit.token == token))
    start = visit.last_beat_at
    # An idle tab: the next heartbeat arrives an hour later and earns nothing.
    assert beat(learner, token, start + timedelta(hours=1)) == 0
    # Steady heartbeats earn time up to the cap for one visit, then nothing.
    now = start + timedelta(hours=1)
    total = 0
    for _ in range(60):
        now += timedelta(seconds=30)
        total += beat(learner, token, now)
    assert total == app.config["SEAT_TIME_CAP_SECONDS"] == 1200
    assert db.session.scalar(select(PageProgress.seconds)) == 1200
    # A new visit of the same page may earn time again (opened at the test's clock, not the real one).
    token2 = _visit_token(learner_client)
    visit2 = db.session.scalar(select(PageVisit).where(PageVisit.token == token2))
    visit2.last_beat_at = now
    db.session.commit()
    assert beat(learner, token2, now + timedelta(seconds=30)) == 30
    assert db.session.scalar(select(PageProgress.seconds)) == 1230


def test_a_repeated_heartbeat_is_not_counted_twice(learner_client, learner):
    token = _visit_token(learner_client)
    visit = db.session.scalar(select(PageVisit).where(PageVisit.token == token))
    when = visit.last_beat_at + timedelta(seconds=20)
    assert beat(learner, token, when) == 20
    assert beat(learner, token, when) == 0
    assert db.session.scalar(select(PageProgress.seconds)) == 20


def test_heartbeat_for_someone_elses_visit_is_404(app, learner_client, make_user, sign_in):
    token = _visit_token(learner_client)
    other = app.test_client()
    sign_in(other, make_user())
    assert other.post_json("/learning/heartbeat", {"visit": token}).status_code == 404
    assert other.post_json("/learning/heartbeat", {}).status_code == 400


def test_heartbeat_needs_csrf_and_sign_in(app, learner_client):
    token = _visit_token(learner_client)
    response = learner_client.post("/learning/heartbeat", json={"visit": token})
    assert response.status_code == 400 and response.is_json
    anonymous = app.test_client()
    assert anonymous.post_json("/learning/heartbeat", {"visit": token}).status_code in {302, 401}


def test_media_files_are_served_and_confined_to_the_media_folder(client):
    response = client.get("/courses/example-course/media/steps.svg")
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get("/courses/example-course/media/../course.yml").status_code == 404
    assert client.get("/courses/example-course/media/%2e%2e/course.yml").status_code == 404


def test_progress_survives_an_edit_of_the_module(editable, make_user, sign_in):
    app, folder = editable
    client = app.test_client()
    sign_in(client, make_user())
    client.get(SECOND)
    module = folder / "01-welcome.md"
    text = module.read_text()
    text = text.replace("## Getting started", "## A new first page\n\nAdded later.\n\n## Getting started")
    text = text.replace("## How progress works {#progress}", "## How your progress is kept {#progress}")
    module.write_text(text)
    html = client.get("/courses/example-course").get_data(as_text=True)
    assert "1 of 6 pages read" in html
    assert client.get("/courses/example-course/resume").location == SECOND
    assert "How your progress is kept" in client.get(SECOND).get_data(as_text=True)


def test_resume_after_the_last_page_was_removed(editable, make_user, sign_in):
    app, folder = editable
    client = app.test_client()
    sign_in(client, make_user())
    client.get(FIRST)
    client.get(SECOND)
    module = folder / "01-welcome.md"
    module.write_text(module.read_text().split("## How progress works")[0])
    # The page is gone: Resume falls back to the first page not yet read.
    assert client.get("/courses/example-course/resume").location == "/courses/example-course/practice/trying-things-out"


def test_a_broken_course_is_hidden_from_learners_and_shown_to_admins(editable, make_user, sign_in):
    app, folder = editable
    (folder / "02-practice.md").write_text((folder / "02-practice.md").read_text() + "\n/// quizz\nx\n///\n")
    client = app.test_client()
    sign_in(client, make_user())
    assert "Example course" not in client.get("/").get_data(as_text=True)
    assert client.get("/courses/example-course").status_code == 404
    assert client.get("/admin/courses").status_code == 403
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    html = admin.get("/admin/courses").get_data(as_text=True)
    assert "Broken" in html and "example-course/02-practice.md:" in html and "unknown block" in html


def test_draft_course_is_hidden_from_learners_but_admins_can_preview(editable, make_user, sign_in):
    app, folder = editable
    (folder / "course.yml").write_text((folder / "course.yml").read_text() + "published: false\n")
    client = app.test_client()
    sign_in(client, make_user())
    assert client.get("/courses/example-course").status_code == 404
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    assert admin.get("/courses/example-course").status_code == 200


def test_tabs_of_one_course_share_one_clock(learner_client, learner):
    """Ten tabs open at once earn the time that passed, not ten times it."""
    tokens = [_visit_token(learner_client) for _ in range(10)]
    enrolment = db.session.scalar(select(Enrolment))
    start = enrolment.last_activity_at
    credited = [beat(learner, token, start + timedelta(seconds=30)) for token in tokens]
    assert sum(credited) == 30


@pytest.mark.postgres_only
def test_concurrent_heartbeats_never_earn_more_than_the_time_that_passed(app, learner_client):
    """Twelve tabs of one learner send their heartbeats at the same moment: together they earn no more
    than the wall-clock time since the tabs were opened, not twelve times it."""
    pages = [FIRST, SECOND, LAST]
    tokens = [_visit_token(learner_client, pages[i % 3]) for i in range(12)]
    # The tabs were opened five seconds ago (the clock is moved rather than waited for).
    opened = utcnow() - timedelta(seconds=5)
    db.session.execute(update(PageVisit).values(started_at=opened, last_beat_at=opened))
    db.session.execute(update(Enrolment).values(last_activity_at=opened))
    db.session.commit()
    headers = {"X-CSRFToken": learner_client.csrf_token("/"), "Accept": "application/json"}
    cookie = learner_client.get_cookie("session").value
    barrier = threading.Barrier(12)
    responses: list[tuple[int, int]] = []

    def heartbeat(token: str) -> None:
        with app.app_context():
            client = app.test_client()
            client.set_cookie("session", cookie)
            barrier.wait()
            response = client.post("/learning/heartbeat", json={"visit": token}, headers=headers)
            responses.append((response.status_code, response.json["credited"]))
            db.session.remove()

    threads = [threading.Thread(target=heartbeat, args=(token,)) for token in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = (utcnow() - opened).total_seconds()
    assert [status for status, _ in responses] == [200] * 12
    db.session.expire_all()
    credited = sum(seconds for _, seconds in responses)
    enrolment = db.session.scalar(select(Enrolment))
    assert 5 <= credited <= elapsed
    assert enrolment.seconds == credited == sum(db.session.scalars(select(PageProgress.seconds)))
    assert sum(db.session.scalars(select(PageVisit.seconds))) == credited


def test_a_heartbeat_that_is_not_an_object_is_a_clear_400(learner_client):
    token = learner_client.csrf_token("/")
    for body in ("[1, 2]", '"x"', "7"):
        response = learner_client.post(
            "/learning/heartbeat", data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, body


def test_a_completed_course_without_credit_says_so_on_its_page_the_catalog_and_the_transcript(
    editable, make_user, sign_in
):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 0"))
    client = app.test_client()
    person = make_user()
    sign_in(client, person)
    factories.completed(person)
    home = client.get("/courses/example-course").get_data(as_text=True)
    assert "Course completed" in home and "It offers no credit, so there is no certificate" in home
    assert "Review the course" in home and "Resume where I left off" not in home
    catalog_page = client.get("/").get_data(as_text=True)
    assert "Completed " in catalog_page and ">Resume<" not in catalog_page
    transcript = client.get("/transcript").get_data(as_text=True)
    assert "and 1 completed course without credit" in transcript
