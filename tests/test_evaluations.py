"""The end-of-course evaluation and attestation: finishing a course, and anonymity. The course format
is tested in test_evaluation_format.py."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from courseware import progress
from courseware.courses import catalog
from courseware.courses.evaluation import DEFAULT_ATTESTATION, DEFAULT_ITEMS
from courseware.evaluations import services
from courseware.evaluations.answers import Answers
from courseware.extensions import db
from courseware.models import (
    Attestation,
    Certificate,
    Enrolment,
    EvaluationComment,
    EvaluationRating,
    EvaluationResponse,
    EvaluationResponseCohort,
    EvaluationResponseOrganisation,
    User,
)
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.evaluation import finish_course, finish_url
from tests.helpers.html import one, parse, texts_of
from tests.test_cohorts import signed_in

COURSE = "/courses/example-course"
FINISH = finish_url()
ITEMS = [item.id for item in DEFAULT_ITEMS]


def ready(person: User, course: str = "example-course"):
    """Every rule of the course met but the last step: pages read, time spent, quiz passed."""
    compiled = factories.course_of(course)
    enrolment = factories.enrolment(person, compiled, pages=None, seconds=factories.time_spent(compiled))
    for page in compiled.pages:
        for segment in page.blocks("quiz"):
            factories.quiz_attempt(person, segment.quiz.id, 100, compiled)
    return enrolment


def answers(rating: int = 4, **comments: str) -> dict[str, str]:
    """The finish form's fields: every default statement rated ``rating``, attested."""
    ratings = {f"rating-{i}": str(rating) for i in ITEMS}
    return {**ratings, **{f"comment-{k}": v for k, v in comments.items()}, "attest": "yes"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- finishing: the last step before completion --------------------------------------------------


def test_a_learner_who_meets_every_other_rule_has_no_certificate_until_they_finish(learner_client, learner):
    ready(learner)
    course = catalog().get("example-course")
    state = progress.progress_for(learner, course)
    assert state.ready_to_finish and state.finished is False and not state.complete
    assert progress.settle(learner, course).completed is False
    db.session.commit()
    assert count(Certificate) == 0 and db.session.scalar(select(Enrolment.completed_at)) is None

    response = finish_course(learner_client, rating=5, comments={"improve": "More examples from rural schools."})
    assert response.status_code == 302 and response.location == COURSE
    (certificate,) = db.session.scalars(select(Certificate))
    assert certificate.user_id == learner.id
    (attestation,) = db.session.scalars(select(Attestation))
    assert (attestation.user_id, attestation.course_slug, attestation.cycle) == (learner.id, "example-course", 1)
    assert attestation.statement == DEFAULT_ATTESTATION
    (response_row,) = db.session.scalars(select(EvaluationResponse))
    assert (response_row.course_slug, response_row.course_version) == ("example-course", "1.0")
    assert response_row.submitted_on == utcnow().date()
    ratings = dict(db.session.execute(select(EvaluationRating.item_id, EvaluationRating.rating)).all())
    assert ratings == dict.fromkeys(ITEMS, 5)
    assert db.session.scalar(select(EvaluationComment.text)) == "More examples from rural schools."
    home = learner_client.get(COURSE).get_data(as_text=True)
    assert "Congratulations" in home and "Download my certificate" in home and "Finish the course" not in home
    assert progress.progress_for(learner, course).complete


def test_the_course_home_and_the_last_page_call_the_learner_to_finish(learner_client, learner):
    learner_client.get(f"{COURSE}/welcome/getting-started")
    last = learner_client.get(f"{COURSE}/practice/check").get_data(as_text=True)
    assert "See what is left before you can finish" in last
    db.session.execute(db.delete(Enrolment))
    db.session.commit()
    ready(learner)
    home = parse(learner_client.get(COURSE))
    assert one(home, ".finish-box a.button")["href"] == FINISH
    last = parse(learner_client.get(f"{COURSE}/practice/check"))
    assert one(last, ".finish-box a.button")["href"] == FINISH
    assert "Finish the course" in one(last, ".finish-box").get_text()


def test_before_the_learner_is_ready_the_page_says_exactly_what_is_missing(learner_client, learner):
    factories.enrolment(learner, pages=["welcome/getting-started"])
    page = parse(learner_client.get(FINISH))
    assert page.select_one("form.finish-form") is None
    missing = progress.progress_for(learner, catalog().get("example-course")).missing()
    assert texts_of(page, ".missing-list li") == missing
    assert "Welcome: 1 page to read" in missing and "Practice: pass the quiz \u201cPractice check\u201d" in missing
    response = learner_client.post(FINISH, data={**answers(), "csrf_token": learner_client.csrf_token(FINISH)})
    assert response.status_code == 409
    assert texts_of(response.get_data(as_text=True), ".missing-list li") == missing
    assert count(Attestation) == count(EvaluationResponse) == 0


def test_someone_not_yet_enrolled_is_told_to_start(learner_client):
    page = parse(learner_client.get(FINISH))
    assert page.select_one("form.finish-form") is None
    assert one(page, "#missing a.button").get_text().strip() == "Start the course"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {**{f"rating-{i}": "Choose how far you agree" for i in ITEMS}, "attest": "Tick the box"}),
        ({**answers(), "rating-time": "6"}, {"rating-time": "Choose how far you agree"}),
        ({**answers(), "attest": ""}, {"attest": "Tick the box to attest that this is true"}),
        ({**answers(), "comment-improve": "x" * 2001}, {"comment-improve": "Keep your answer to 2,000 characters"}),
    ],
    ids=["empty", "off-the-scale", "not-attested", "comment-too-long"],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_recorded(learner_client, learner, data, errors):
    ready(learner)
    response = learner_client.post(FINISH, data={**data, "csrf_token": learner_client.csrf_token(FINISH)})
    assert response.status_code == 422
    page = parse(response)
    for name, message in errors.items():
        assert one(page, f"#{name}-error").get_text().strip().startswith(f"Error: {message}"), name
    assert len(page.select(".error-summary li")) == len(errors)
    assert count(Attestation) == count(EvaluationResponse) == count(Certificate) == 0


def test_what_was_typed_is_kept_when_the_form_comes_back(learner_client, learner):
    ready(learner)
    sent = {**answers(), "rating-time": "", "rating-apply": "2", "comment-improve": "Shorter videos,\nplease."}
    response = learner_client.post(FINISH, data={**sent, "csrf_token": learner_client.csrf_token(FINISH)})
    page = parse(response)
    assert response.status_code == 422
    assert one(page, "#rating-apply-2").has_attr("checked") and not one(page, "#rating-apply-4").has_attr("checked")
    assert not any(one(page, f"#rating-time-{n}").has_attr("checked") for n in range(1, 6))
    assert one(page, "#comment-improve").get_text() == "Shorter videos,\nplease."
    assert one(page, "#attest").has_attr("checked")


def test_a_double_submit_records_once(learner_client, learner):
    ready(learner)
    token = learner_client.csrf_token(FINISH)
    first = learner_client.post(FINISH, data={**answers(5), "csrf_token": token})
    second = learner_client.post(FINISH, data={**answers(1), "csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert count(Attestation) == count(EvaluationResponse) == count(Certificate) == 1
    assert set(db.session.scalars(select(EvaluationRating.rating))) == {5}  # the first submission stands
    assert "already finished this course" in learner_client.get(COURSE).get_data(as_text=True)
    page = learner_client.get(FINISH).get_data(as_text=True)
    assert "You finished" in page and DEFAULT_ATTESTATION in page


def test_the_service_records_once_when_called_twice(app, learner):
    ready(learner)
    course = catalog().get("example-course")
    given = Answers(dict.fromkeys(ITEMS, 3), {}, attested=True)
    first = services.finish(learner, course, given)
    again = services.finish(learner, course, given)
    assert first.outcome.completed and first.outcome.certificate is not None and not first.duplicate
    assert again.duplicate and not again.outcome.completed
    assert count(Attestation) == count(EvaluationResponse) == count(Certificate) == 1


def test_the_service_refuses_a_learner_who_is_not_ready(app, learner):
    factories.enrolment(learner, pages=None)
    with pytest.raises(services.NotReady) as refused:
        services.finish(learner, catalog().get("example-course"), Answers(dict.fromkeys(ITEMS, 3), {}, True))
    assert "Practice: pass the quiz \u201cPractice check\u201d" in refused.value.missing
    assert count(Attestation) == count(EvaluationResponse) == 0


@pytest.mark.postgres_only
def test_concurrent_submissions_record_one_attestation_one_evaluation_and_one_certificate(app, learner):
    ready(learner)
    barrier = threading.Barrier(6)
    outcomes = []

    def submit():
        with app.app_context():
            user = db.session.get(User, learner.id)
            barrier.wait()
            given = Answers(dict.fromkeys(ITEMS, 4), {}, attested=True)
            outcomes.append(services.finish(user, catalog().get("example-course"), given))
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(not o.duplicate for o in outcomes) == 1 and len(outcomes) == 6
    assert count(Attestation) == count(EvaluationResponse) == count(Certificate) == 1


def test_an_expired_session_keeps_the_answers_for_after_sign_in(client, learner, sign_in):
    ready(learner)
    response = client.post(FINISH, data=answers(2, improve="Kept across sign-in"))
    assert response.status_code == 302 and "/sign-in" in response.location
    sign_in(client, learner)
    page = parse(client.get(FINISH))
    assert one(page, "#rating-objectives-2").has_attr("checked")
    assert one(page, "#comment-improve").get_text() == "Kept across sign-in"
    assert count(Attestation) == 0


def test_each_cycle_is_attested_again(editable, make_user, sign_in):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text() + "certificate:\n  validity_months: 12\n")
    learner = make_user()
    factories.completed(learner, at=utcnow() - timedelta(days=400))
    client = signed_in(app, sign_in, learner)
    assert client.submit(f"{COURSE}/renew", page=COURSE).status_code == 302
    assert db.session.scalar(select(func.max(Enrolment.cycle))) == 2
    course = catalog().get("example-course")
    assert progress.progress_for(learner, course).finished is False  # cycle 1's attestation does not count
    db.session.execute(db.delete(Enrolment).where(Enrolment.cycle == 2))  # made again below, with its facts
    db.session.commit()
    factories.enrolment(learner, course, pages=None, seconds=factories.time_spent(course), cycle=2)
    factories.quiz_attempt(learner, cycle=2)
    assert finish_course(client).status_code == 302
    assert sorted(db.session.scalars(select(Attestation.cycle))) == [1, 2]
    assert sorted(db.session.scalars(select(Certificate.cycle))) == [1, 2]


# --- courses without an evaluation ---------------------------------------------------------------


@pytest.fixture
def without_credit(editable):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 0"))
    return app, folder


def test_a_course_without_credit_or_evaluation_completes_as_before(without_credit, make_user, sign_in):
    app, _ = without_credit
    learner = make_user()
    client = signed_in(app, sign_in, learner)
    course = catalog().get("example-course")
    assert course.evaluation is None
    assert client.get(FINISH).status_code == 404
    ready(learner)
    assert progress.progress_for(learner, course).finished is None
    client.get(f"{COURSE}/welcome/getting-started")  # any learner action settles the course
    assert db.session.scalar(select(Enrolment.completed_at)) is not None
    assert count(Certificate) == count(Attestation) == count(EvaluationResponse) == 0
    assert "Finish the course" not in client.get(COURSE).get_data(as_text=True)


def test_a_course_without_credit_that_asks_for_an_evaluation_waits_for_it(without_credit, make_user, sign_in):
    app, folder = without_credit
    yml = folder / "course.yml"
    yml.write_text(yml.read_text() + "evaluation:\n  items:\n    - id: useful\n      text: It was useful.\n")
    learner = make_user()
    client = signed_in(app, sign_in, learner)
    ready(learner)
    client.get(f"{COURSE}/welcome/getting-started")
    assert db.session.scalar(select(Enrolment.completed_at)) is None
    sent = {"rating-useful": "5", "attest": "yes", "csrf_token": client.csrf_token(FINISH)}
    response = client.post(FINISH, data=sent)
    assert response.status_code == 302
    assert db.session.scalar(select(Enrolment.completed_at)) is not None and count(Certificate) == 0
    assert "Congratulations" in client.get(COURSE).get_data(as_text=True)


# --- anonymity -----------------------------------------------------------------------------------

EVALUATION_TABLES = [
    EvaluationResponse,
    EvaluationRating,
    EvaluationComment,
    EvaluationResponseCohort,
    EvaluationResponseOrganisation,
]


def test_nothing_stored_with_an_evaluation_names_or_points_to_a_person(app):
    for model in EVALUATION_TABLES:
        table = model.__table__
        assert not any("user" in column.name for column in table.columns), table.name
        assert {fk.column.table.name for fk in table.foreign_keys} <= {
            "evaluation_responses",
            "cohorts",
            "organisations",
        }, table.name
    columns = {column.name: column for column in EvaluationResponse.__table__.columns}
    assert set(columns) == {"id", "course_slug", "course_version", "submitted_on"}
    assert type(columns["submitted_on"].type).__name__ == "Date"
    on_disk = {c["name"] for c in inspect(db.engine).get_columns("evaluation_responses")}
    assert on_disk == set(columns)


def test_an_evaluation_is_kept_by_day_with_a_random_id_and_the_learners_cohorts(app, learner, make_user):
    district = factories.organisation("Riverside District")
    school = factories.organisation("Lincoln Elementary", district)
    staff = factories.cohort(school, "Lincoln staff")
    mentors = factories.cohort(district, "Mentors")
    left = factories.cohort(district, "Last year's cohort")
    for group in (staff, mentors):
        factories.member(group, learner)
    factories.member(left, learner, active=False)
    others = [make_user() for _ in range(3)]
    for other in others:
        factories.completed(other)  # earlier responses, from people in no cohort
    ready(learner)
    services.finish(learner, catalog().get("example-course"), Answers(dict.fromkeys(ITEMS, 2), {}, attested=True))
    (mine,) = db.session.scalars(
        select(EvaluationResponse).where(EvaluationResponse.id.in_(select(EvaluationResponseCohort.response_id)))
    )
    assert set(db.session.scalars(select(EvaluationResponseCohort.cohort_id))) == {staff.id, mentors.id}
    assert set(db.session.scalars(select(EvaluationResponseOrganisation.organisation_id))) == {school.id, district.id}
    ids = list(db.session.scalars(select(EvaluationResponse.id)))
    assert len(set(ids)) == 4 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert mine.submitted_on == utcnow().date()
