"""The end-of-course evaluation and attestation: finishing a course, anonymity, and the results admins
and leaders see. The course format is tested in test_evaluation_format.py."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select

from courseware import progress
from courseware.courses import catalog
from courseware.courses.evaluation import DEFAULT_ATTESTATION, DEFAULT_ITEMS
from courseware.evaluations import services
from courseware.evaluations.answers import Answers
from courseware.evaluations.results import Scope, results, summarise
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
from tests.test_cohorts import read_csv, signed_in

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
    sign_in(client, learner)
    keep_token = one(parse(client.get(FINISH)), "input[name=keep_token]")["value"]
    client.delete_cookie("session")  # the session expired while the learner was answering
    response = client.post(FINISH, data={**answers(2, improve="Kept across sign-in"), "keep_token": keep_token})
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


# --- results in aggregate ------------------------------------------------------------------------


def test_the_results_add_up():
    items = summarise(
        [("time", 5, 2), ("time", 4, 1), ("time", 1, 1), ("objectives", 3, 3), ("gone", 2, 1)],
        {"time": "The estimate was accurate.", "objectives": "The objectives were met."},
        ["objectives", "time"],
    )
    assert [(i.id, i.counts, i.responses, i.mean, i.percents) for i in items] == [
        ("objectives", (0, 0, 3, 0, 0), 3, 3.0, (0, 0, 100, 0, 0)),
        ("time", (1, 0, 0, 1, 2), 4, 3.75, (25, 0, 0, 25, 50)),
        ("gone", (0, 1, 0, 0, 0), 1, 2.0, (0, 100, 0, 0, 0)),
    ]
    assert items[2].statement == "gone"  # an item no longer asked, whose words are unknown, shows its id


def test_results_by_version_with_comments_newest_first_and_by_month(app):
    factories.evaluation_response(ratings=5, comments={"improve": "Older comment"}, on=date(2026, 3, 14), version="0.9")
    factories.evaluation_response(ratings=3, comments={"improve": "Newer comment"}, on=date(2026, 11, 2))
    factories.evaluation_response(ratings={**dict.fromkeys(ITEMS, 4), "time": 1})
    course = catalog().get("example-course")
    every = results(course, Scope.everyone())
    assert every.responses == 3 and every.shown
    by_id = {item.id: item for item in every.items}
    assert [item.id for item in every.items] == ITEMS
    assert by_id["time"].counts == (1, 0, 1, 0, 1) and by_id["time"].mean == 3.0
    assert by_id["objectives"].counts == (0, 0, 1, 1, 1) and by_id["objectives"].mean == 4.0
    assert [(c.text, c.month) for c in every.comments] == [
        ("Newer comment", date(2026, 11, 1)),
        ("Older comment", date(2026, 3, 1)),
    ]
    old = results(course, Scope.everyone(), version="0.9")
    assert old.responses == 1 and {item.mean for item in old.items} == {5.0}


def test_the_admin_page_shows_counts_means_and_comments_without_days(app, make_user, sign_in):
    admin = signed_in(app, sign_in, make_user(role="admin"))
    empty = parse(admin.get("/admin/evaluations/example-course"))
    assert "Nobody has evaluated" in one(empty, "main").get_text()
    factories.evaluation_response(ratings=5, comments={"improve": "Loved the examples"}, on=date(2026, 11, 17))
    factories.evaluation_response(ratings=4)
    page = parse(admin.get("/admin/evaluations/example-course"))
    assert "2 responses" in one(page, ".lede").get_text()
    rows = page.select(".evaluation-table tbody tr")
    assert len(rows) == 6
    cells = [c.get_text(" ", strip=True) for c in rows[0].select("td")]
    assert cells == ["0 (0%)", "0 (0%)", "0 (0%)", "1 (50%)", "1 (50%)", "4.50"]
    comments = one(page, ".comment-list").get_text(" ", strip=True)
    assert "Loved the examples" in comments and "November 2026" in comments and "17" not in comments
    courses = parse(admin.get("/admin/courses"))
    assert one(courses, 'a[href="/admin/evaluations/example-course"]')


def test_the_admin_csv_is_formula_safe_and_carries_the_comments(app, make_user, sign_in):
    admin = signed_in(app, sign_in, make_user(role="admin"))
    factories.evaluation_response(ratings=5, comments={"improve": '=HYPERLINK("http://evil")'}, on=date(2026, 11, 3))
    response = admin.get("/admin/evaluations/example-course.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = read_csv(response.data)
    assert header[:6] == ["Course", "Version", "Row", "Id", "Statement or question", "Responses"]
    ratings = [r for r in rows if r[2] == "rating"]
    assert len(ratings) == 6 and ratings[0][3:6] == ["objectives", DEFAULT_ITEMS[0].text, "1"]
    assert ratings[0][6:12] == ["0", "0", "0", "0", "1", "5.00"]
    (comment,) = [r for r in rows if r[2] == "comment"]
    assert comment[-2:] == ["2026-11", '\'=HYPERLINK("http://evil")']


# --- leaders: their cohorts only, from three responses -------------------------------------------


@pytest.fixture
def two_cohorts(app, make_user, sign_in):
    district = factories.organisation("Riverside District")
    ours = factories.cohort(district, "Lincoln staff")
    theirs = factories.cohort(district, "District office")
    lee = make_user(name="Lee Leader")
    factories.leader(lee, cohort=ours)
    return ours, theirs, signed_in(app, sign_in, lee)


def results_url(cohort, suffix: str = "") -> str:
    return f"/cohorts/{cohort.id}/evaluations/example-course{suffix}"


def test_a_leader_sees_nothing_until_three_of_their_cohort_have_answered(two_cohorts):
    ours, theirs, lee = two_cohorts
    for _ in range(3):
        factories.evaluation_response(ratings=1, cohorts=[theirs], comments={"improve": "Not ours"})
    factories.evaluation_response(ratings=5, cohorts=[ours], comments={"improve": "Ours, first"})
    factories.evaluation_response(ratings=5, cohorts=[ours, theirs])
    page = parse(lee.get(results_url(ours)))
    text = one(page, "main").get_text(" ", strip=True)
    assert "appear once at least 3 people here have evaluated the course" in text and "So far 2 have" in text
    assert page.select(".evaluation-table") == [] and "Ours, first" not in text
    assert lee.get(results_url(ours, ".csv")).status_code == 404
    index = parse(lee.get(f"/cohorts/{ours.id}/evaluations"))
    assert "Shown from 3 evaluations" in one(index, "tbody").get_text()

    factories.evaluation_response(ratings=4, cohorts=[ours], comments={"improve": "Ours, second"})
    page = parse(lee.get(results_url(ours)))
    text = one(page, "main").get_text(" ", strip=True)
    assert "3 responses" in text and "Ours, first" in text and "Ours, second" in text and "Not ours" not in text
    first_row = [c.get_text(" ", strip=True) for c in page.select(".evaluation-table tbody tr")[0].select("td")]
    assert first_row == ["0 (0%)", "0 (0%)", "0 (0%)", "1 (33%)", "2 (67%)", "4.67"]
    _, *rows = read_csv(lee.get(results_url(ours, ".csv")).data)
    assert all(r[2] == "rating" for r in rows) and len(rows) == 6  # no comments in a leader's download
    assert rows[0][5:12] == ["3", "0", "0", "0", "1", "2", "4.67"]
    index = parse(lee.get(f"/cohorts/{ours.id}/evaluations"))
    assert one(index, f'a[href="{results_url(ours)}"]')


def test_another_leaders_cohort_is_not_found(two_cohorts):
    _, theirs, lee = two_cohorts
    for _ in range(3):
        factories.evaluation_response(cohorts=[theirs])
    for url in (f"/cohorts/{theirs.id}/evaluations", results_url(theirs), results_url(theirs, ".csv")):
        response = lee.get(url)
        assert response.status_code == 404 and "We could not find that page" in response.get_data(as_text=True), url


def test_the_cohort_page_links_to_its_evaluations(two_cohorts):
    ours, _, lee = two_cohorts
    page = parse(lee.get(f"/cohorts/{ours.id}"))
    assert one(page, f'a[href="/cohorts/{ours.id}/evaluations"]')


def test_a_learner_gets_a_403_and_a_leader_an_admin_page_403(two_cohorts, learner_client):
    ours, _, lee = two_cohorts
    assert learner_client.get(results_url(ours)).status_code == 403
    assert lee.get("/admin/evaluations/example-course").status_code == 403
    assert lee.get("/admin/evaluations/example-course.csv").status_code == 403


def test_an_unknown_course_is_not_found(two_cohorts, make_user, sign_in, app):
    ours, _, lee = two_cohorts
    assert lee.get(f"/cohorts/{ours.id}/evaluations/no-such-course").status_code == 404
    admin = signed_in(app, sign_in, make_user(role="admin"))
    assert admin.get("/admin/evaluations/no-such-course").status_code == 404


# --- leaders of an organisation: its cohorts' and its schools' -----------------------------------


@pytest.fixture
def district(app, make_user, sign_in):
    """A district with a school; a cohort in each; a leader of the district and one of the school."""
    district = factories.organisation("Riverside District")
    school = factories.organisation("Lincoln Elementary", district)
    office = factories.cohort(district, "District office")
    staff = factories.cohort(school, "Lincoln staff")
    dana, sam = make_user(name="Dana District"), make_user(name="Sam School")
    factories.leader(dana, organisation=district)
    factories.leader(sam, organisation=school)
    return district, school, office, staff, signed_in(app, sign_in, dana), signed_in(app, sign_in, sam)


def test_an_organisation_counts_each_response_of_its_cohorts_and_schools_once(district):
    district, school, office, staff, dana, sam = district
    factories.evaluation_response(ratings=5, cohorts=[office, staff])  # in both: counted once
    factories.evaluation_response(ratings=3, cohorts=[staff])
    factories.evaluation_response(ratings=1, cohorts=[factories.cohort(factories.organisation("Elsewhere"))])
    url = f"/organisations/{district.id}/evaluations/example-course"
    assert "So far 2 have" in parse(dana.get(url)).get_text()
    factories.evaluation_response(ratings=4, cohorts=[office])
    page = parse(dana.get(url))
    assert "3 responses" in one(page, ".lede").get_text()
    first_row = [c.get_text(" ", strip=True) for c in page.select(".evaluation-table tbody tr")[0].select("td")]
    assert first_row == ["0 (0%)", "0 (0%)", "1 (33%)", "1 (33%)", "1 (33%)", "4.00"]
    _, *rows = read_csv(dana.get(url + ".csv").data)
    assert rows[0][5] == "3" and all(r[2] == "rating" for r in rows)
    index = parse(dana.get("/cohorts"))
    assert one(index, f'a[href="/organisations/{district.id}/evaluations"]')
    assert one(index, f'a[href="/organisations/{school.id}/evaluations"]')  # a district's leader leads its schools
    # The school's leader sees the school's two responses (not yet enough), and nothing of the district.
    assert "So far 2 have" in parse(sam.get(f"/organisations/{school.id}/evaluations/example-course")).get_text()
    assert sam.get(url).status_code == 404 and sam.get(url + ".csv").status_code == 404
    assert sam.get(f"/organisations/{district.id}/evaluations").status_code == 404


def test_a_leader_of_a_cohort_only_has_no_organisation_pages(two_cohorts):
    ours, _, lee = two_cohorts
    assert lee.get(f"/organisations/{ours.organisation_id}/evaluations").status_code == 404
    assert "Course evaluations by organisation" not in lee.get("/cohorts").get_data(as_text=True)
