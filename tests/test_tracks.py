"""Role tracks through the app: choosing one before the first page, changing it, seeing and completing only
the shared core and one's own track, the hours of each track, and the track on the leaders' dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from courseware import progress
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Certificate, Enrolment, ModuleDate, PageProgress, QuizAttempt
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.client import PASSWORD
from tests.helpers.evaluation import finish_course
from tests.helpers.html import csrf_token, form_fields, parse
from tests.helpers.seat_time import spend_minutes
from tests.test_cohorts import dashboard_url, queries_for, read_csv

SLUG = "tracks-course"
COURSE = f"/courses/{SLUG}"
CHOICE = f"{COURSE}/track"
CORE = f"{COURSE}/core/why-every-adult-matters"
PAGES = {
    "classroom": [CORE, f"{COURSE}/core/classroom-routines", f"{COURSE}/classroom/a-calm-start"],
    "support": [CORE, f"{COURSE}/core/support-routines", f"{COURSE}/support/a-warm-greeting"],
}
QUIZ = {"classroom": ("classroom-check", "settle", "a-predictable-routine"),
        "support": ("support-check", "noticed", "a-greeting-by-name")}  # fmt: skip
# Active time each module requires (80 % of its stated minutes on the track), page to spend it on.
TIME = {
    "classroom": [(CORE, 16), (PAGES["classroom"][2], 32)],
    "support": [(CORE, 20), (PAGES["support"][2], 28)],
}


def choose(client, track: str):
    return client.post(CHOICE, data={"track": track, "csrf_token": csrf_token(client.get(CHOICE))})


def enrolment() -> Enrolment:
    return db.session.scalar(select(Enrolment))


def pass_quiz(client, track: str):
    quiz_id, question, right = QUIZ[track]
    html = client.get(PAGES[track][2]).get_data(as_text=True)
    fields = form_fields(html, "form.quiz__form")
    data = {"version": fields["version"], "number": fields["number"], f"q-{question}": right}
    data["csrf_token"] = csrf_token(html)
    return client.post(f"{COURSE}/quizzes/{quiz_id}", data=data)


def text(response) -> str:
    return response.get_data(as_text=True)


# --- choosing a track --------------------------------------------------------------------------


def test_a_course_with_tracks_starts_with_choosing_one(learner_client):
    assert learner_client.get(f"{COURSE}/resume").location == CHOICE
    assert learner_client.get(CORE).location == CHOICE  # no page before a track is chosen
    assert learner_client.get(f"{COURSE}/finish").location == CHOICE
    page = parse(learner_client.get(CHOICE))
    assert page.select_one("h1").get_text() == "Choose your track"
    assert [r["value"] for r in page.select("input[name=track]")] == ["classroom", "support"]
    assert not page.select("input[name=track][checked]")  # no staff role to preset it from
    assert "1 h" in page.select_one("label[for=track-support]").get_text()
    response = choose(learner_client, "support")
    assert response.status_code == 302 and response.location == f"{COURSE}/resume"
    assert enrolment().track == "support"
    assert learner_client.get(f"{COURSE}/resume").location == CORE


def test_the_choice_is_preset_from_the_staff_role_in_the_cohort(learner_client, learner):
    school = factories.organisation("Riverside District")
    factories.member(factories.cohort(school), learner, staff_role="paraprofessional")
    page = parse(learner_client.get(CHOICE))
    assert [r["value"] for r in page.select("input[name=track][checked]")] == ["classroom"]
    assert "Your staff role in your cohort suggests the track “Teachers and paraprofessionals”" in page.get_text()


def test_a_learner_sees_the_core_and_their_track_only(learner_client):
    choose(learner_client, "classroom")
    html = text(learner_client.get(CORE))
    assert "In the classroom, that begins" in html and "On the bus and in the hallway" not in html
    assert "For the front office" not in html  # a block of the support track
    home = text(learner_client.get(COURSE))
    assert "Your track: <strong>Teachers and paraprofessionals</strong>" in home
    assert "Around the school" not in home and "In the classroom" in home
    for url in PAGES["support"][1:]:
        response = learner_client.get(url)
        assert response.status_code == 404 and "This page is not on your track" in text(response)
    quiz_id, question, right = QUIZ["support"]
    data = {"version": "1", "number": "1", f"q-{question}": right, "csrf_token": csrf_token(learner_client.get(CORE))}
    assert learner_client.post(f"{COURSE}/quizzes/{quiz_id}", data=data).status_code == 404
    assert db.session.scalar(select(QuizAttempt)) is None
    assert learner_client.get(f"{COURSE}/nope/page").status_code == 404  # not a page of any track


def test_an_unknown_track_is_refused_with_a_clear_message(learner_client):
    for value in ("teachers", "", "x" * 5000, "classroom\u202e"):
        response = choose(learner_client, value)
        assert response.status_code == 422
        assert "Choose one of the tracks of this course." in text(response)
    assert enrolment() is None or enrolment().track is None
    token = csrf_token(learner_client.get(CHOICE))
    assert learner_client.post(CHOICE, data={"csrf_token": token}).status_code == 422


def test_a_course_without_tracks_has_no_choice_page(learner_client):
    assert learner_client.get("/courses/example-course/track").status_code == 404
    token = csrf_token(learner_client.get("/"))
    response = learner_client.post("/courses/example-course/track", data={"track": "classroom", "csrf_token": token})
    assert response.status_code == 404
    assert learner_client.get("/courses/example-course/resume").location.endswith("/welcome/getting-started")


@pytest.mark.parametrize("who", ["anonymous", "learner", "cohort member", "leader", "admin"])
def test_the_choice_page_by_role(client, make_user, sign_in, who):
    """Every signed-in person chooses their own track (it is theirs: nobody else's is shown or changed);
    signed out, the page asks to sign in."""
    if who == "anonymous":
        response = client.get(CHOICE)
        assert response.status_code == 302 and "/sign-in?next=" in response.location
        assert client.post(CHOICE, data={"track": "support"}).status_code in {302, 400}
        assert db.session.scalar(select(Enrolment)) is None
        return
    person = make_user(email=f"{who.replace(' ', '-')}@example.org", role="admin" if who == "admin" else "learner")
    other = make_user(name="Other Learner", email="other@example.org")
    sign_in(client.application.test_client(), other)
    if who in {"cohort member", "leader"}:
        cohort = factories.cohort(factories.organisation("Riverside District"))
        factories.member(cohort, person, staff_role="Custodian")
        factories.assignment(cohort, SLUG)
        if who == "leader":
            factories.leader(person, cohort=cohort)
    sign_in(client, person)
    page = parse(client.get(CHOICE))
    checked = [r["value"] for r in page.select("input[name=track][checked]")]
    assert checked == (["support"] if who in {"cohort member", "leader"} else [])
    choose(client, "support")
    assert [(e.user_id, e.track) for e in db.session.scalars(select(Enrolment))] == [(person.id, "support")]


# --- completing a track ----------------------------------------------------------------------------


@pytest.mark.parametrize("track", ["classroom", "support"])
def test_a_learner_on_each_track_completes_it_and_receives_a_certificate(learner_client, track):
    choose(learner_client, track)
    for url in PAGES[track]:
        assert learner_client.get(url).status_code == 200
    for url, minutes in TIME[track]:
        spend_minutes(learner_client, url, minutes)
    assert pass_quiz(learner_client, track).status_code == 302
    assert db.session.scalar(select(Certificate)) is None  # the evaluation and attestation remain
    home = text(learner_client.get(COURSE))
    assert "3 of 3 pages read" in home and "1 of 1 contact hour earned" in home
    assert finish_course(learner_client, SLUG).status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None and certificate.hours == 1
    titles = {t.id: t.title for t in catalog().get(SLUG).tracks}
    assert certificate.track_title == titles[track]
    verify = parse(learner_client.get(f"/verify/{certificate.code}"))
    assert {dt.get_text(): dt.find_next("dd").get_text() for dt in verify.select(".verify-facts dt")}["Track"] == (
        titles[track]
    )
    assert enrolment().completed_at is not None


def test_answers_sent_after_the_session_ended_are_kept_on_a_course_with_tracks(app, learner):
    client = app.test_client()
    client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    choose(client, "support")
    quiz_id, question, right = QUIZ["support"]
    html = client.get(PAGES["support"][2]).get_data(as_text=True)
    fields = form_fields(html, "form.quiz__form")
    client.delete_cookie("session")  # the session ended while the learner was answering
    data = {**fields, f"q-{question}": right, "csrf_token": csrf_token(html)}
    response = client.post(f"{COURSE}/quizzes/{quiz_id}", data=data)
    assert response.status_code == 302 and "/sign-in?next=" in response.location  # kept, not a 404
    client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    page = client.get(PAGES["support"][2]).get_data(as_text=True)
    assert "Your answers were kept" in page
    # Signed in again, the learner's track decides: another track's quiz is still not theirs to send.
    other_id, other_question, other_right = QUIZ["classroom"]
    data = {"version": "1", "number": "1", f"q-{other_question}": other_right, "csrf_token": csrf_token(page)}
    assert client.post(f"{COURSE}/quizzes/{other_id}", data=data).status_code == 404


def test_changing_track_keeps_the_work_and_recounts_what_is_left(learner_client, learner):
    choose(learner_client, "classroom")
    for url in PAGES["classroom"]:
        learner_client.get(url)
    for url, minutes in TIME["classroom"]:
        spend_minutes(learner_client, url, minutes)
    pass_quiz(learner_client, "classroom")
    seconds = enrolment().seconds
    assert "What is left before I can finish" not in text(learner_client.get(COURSE))  # ready to finish

    response = choose(learner_client, "support")
    assert response.location == COURSE and enrolment().track == "support"
    home = text(learner_client.get(COURSE))
    assert "You are now on the track “Bus, cafeteria, custodial, front-office and security staff”" in home
    assert "1 of 3 pages read" in home  # the core page counts on both tracks
    keys = set(db.session.scalars(select(PageProgress.page_key)))
    assert {"core/classroom-routines", "classroom/a-calm-start"} <= keys  # nothing is lost
    assert enrolment().seconds == seconds
    state = progress.progress_for(learner, catalog().get(SLUG))  # the whole course, as the transcript asks
    assert state.course.track == "support" and [m.slug for m in state.course.modules] == ["core", "support"]
    assert db.session.scalar(select(QuizAttempt.passed)) is True
    finish = text(learner_client.get(f"{COURSE}/finish"))
    assert "Around the school: 1 page to read" in finish and "pass the quiz “Support check”" in finish
    assert "Shared core: 4 more minutes of active time (16 of 20 recorded)" in finish

    choose(learner_client, "classroom")  # back again: everything done on it counts again
    assert finish_course(learner_client, SLUG).status_code == 302
    assert db.session.scalar(select(Certificate.track_title)) == "Teachers and paraprofessionals"
    response = choose(learner_client, "support")  # completed: its track stands for this round
    assert response.location == COURSE and enrolment().track == "classroom"
    assert "it can change when you renew" in text(learner_client.get(COURSE))


# --- hours per track ---------------------------------------------------------------------------------


def test_flask_courses_hours_shows_each_track(runner):
    result = runner.invoke(args=["courses", "hours", SLUG])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "tracks-course, track 'classroom' (Teachers and paraprofessionals): minutes per module" in lines
    assert any(line.startswith("tracks-course, track 'support' (Bus, cafeteria") for line in lines)
    support = lines[lines.index(next(x for x in lines if "track 'support'" in x)) :]
    assert [line.split()[:3] for line in support[2:5]] == [["01-core.md", "25", "24"], ["03-support.md", "35", "34"],
                                                          ["total", "60", "58"]]  # fmt: skip
    assert "02-classroom.md" not in "\n".join(support)
    check = runner.invoke(args=["courses", "check"])
    assert "tracks-course: ok (3 modules, 5 pages, 2 tracks, 1 hour)" in check.output


# --- the leaders' dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_each_members_track_without_a_query_per_member(app, make_user, sign_in):
    school = factories.organisation("Riverside District")
    cohort = factories.cohort(school)
    assignment = factories.assignment(cohort, SLUG)
    boss = make_user(name="Lee Leader", email="lee@example.org")
    factories.leader(boss, cohort=cohort)
    people = {}
    for name, track in [("Cam Classroom", "classroom"), ("Sam Support", "support"), ("Nat Notyet", None)]:
        person = people[name] = make_user(name=name, email=f"{name.split()[0].lower()}@example.org")
        factories.member(cohort, person, staff_role="Teacher")
        if track:
            db.session.add(Enrolment(user_id=person.id, course_slug=SLUG, track=track, pages_visited=1))
    db.session.commit()
    client = app.test_client()
    sign_in(client, boss)
    url = dashboard_url(cohort.id, assignment.id)
    page = parse(client.get(url))
    assert [th.get_text() for th in page.select("table.member-table thead th")][1] == "Track"
    tracks = {tr.select_one("th a").get_text(): tr.select_one("td.member-table__track").get_text()
              for tr in page.select("table.member-table tbody tr")}  # fmt: skip
    assert tracks == {
        "Cam Classroom": "Teachers and paraprofessionals",
        "Sam Support": "Bus, cafeteria, custodial, front-office and security staff",
        "Nat Notyet": "Not chosen yet",
    }
    percents = {tr.select_one("th a").get_text(): tr.select_one(".member-table__percent").get_text()
                for tr in page.select("table.member-table tbody tr")}  # fmt: skip
    assert percents["Cam Classroom"] == "33%"  # 1 of the track's 3 pages, not of the course's 5
    header, *lines = read_csv(client.get(url + ".csv").data)
    assert header[5] == "Track"
    assert {line[0]: line[5] for line in lines}["Sam Support"].startswith("Bus, cafeteria")
    few, _ = queries_for(client, url)
    for n in range(6):
        person = make_user(name=f"Extra {n}", email=f"extra{n}@example.org")
        factories.member(cohort, person)
        db.session.add(Enrolment(user_id=person.id, course_slug=SLUG, track=["classroom", "support"][n % 2]))
    db.session.commit()
    many, _ = queries_for(client, url)
    assert many == few


def test_the_module_board_counts_each_members_track(app, make_user, sign_in):
    """In a paced assignment, a module is done when the member's track's pages of it are read and its
    quizzes passed; a module their track leaves out is marked so, and never behind."""
    cohort = factories.cohort(factories.organisation("Riverside District"))
    assignment = factories.assignment(cohort, SLUG)
    past = utcnow().date() - timedelta(days=1)
    for module in ("core", "classroom", "support"):
        db.session.add(ModuleDate(assignment_id=assignment.id, module=module, due_on=past))
    boss = make_user(name="Lee Leader", email="lee@example.org")
    factories.leader(boss, cohort=cohort)
    cam = make_user(name="Cam Classroom", email="cam@example.org")
    sam = make_user(name="Sam Support", email="sam@example.org")
    for person, track, keys in [
        (cam, "classroom", ["core/why-every-adult-matters", "core/classroom-routines"]),
        (sam, "support", ["core/why-every-adult-matters", "core/classroom-routines"]),  # read on classroom first
    ]:
        factories.member(cohort, person)
        row = Enrolment(user_id=person.id, course_slug=SLUG, track=track, pages_visited=len(keys))
        db.session.add(row)
        db.session.flush()
        db.session.add_all(PageProgress(enrolment_id=row.id, page_key=key) for key in keys)
    db.session.commit()
    client = app.test_client()
    sign_in(client, boss)
    page = parse(client.get(dashboard_url(cohort.id, assignment.id)))
    marks = {tr.select_one("th a").get_text(): [li.get_text() for li in tr.select(".module-marks li")]
             for tr in page.select("table.member-table tbody tr")}  # fmt: skip
    assert marks == {
        "Cam Classroom": ["1: Done", "2: Behind", "3: Not on their track"],
        "Sam Support": ["1: Behind", "2: Not on their track", "3: Behind"],  # the support routines are unread
    }


def test_due_next_in_the_catalog_is_a_module_of_the_learners_track(learner_client, learner):
    cohort = factories.cohort(factories.organisation("Riverside District"))
    factories.member(cohort, learner, staff_role="Custodian")
    assignment = factories.assignment(cohort, SLUG)
    soon = utcnow().date() + timedelta(days=7)
    for module in ("classroom", "support"):
        db.session.add(ModuleDate(assignment_id=assignment.id, module=module, due_on=soon))
    db.session.commit()
    choose(learner_client, "support")
    catalog_page = text(learner_client.get("/"))
    assert "Module 2, “Around the school”" in catalog_page and "In the classroom" not in catalog_page
    home = text(learner_client.get(COURSE))
    assert "Module 2, “Around the school”" in home


def test_a_new_round_offers_the_track_of_the_last_one(learner_client, learner):
    earlier = utcnow() - timedelta(days=800)
    db.session.add(Enrolment(user_id=learner.id, course_slug=SLUG, cycle=1, track="support", completed_at=earlier))
    db.session.add(Enrolment(user_id=learner.id, course_slug=SLUG, cycle=2))
    db.session.commit()
    assert learner_client.get(CORE).location == CHOICE  # each round is taken on a track chosen for it
    page = parse(learner_client.get(CHOICE))
    assert [r["value"] for r in page.select("input[name=track][checked]")] == ["support"]
