"""Practice in school between sessions: logging it, checking every value, what counts, privacy, and completion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from courseware import progress
from courseware.courses import catalog
from courseware.courses.practice import Practice
from courseware.extensions import db
from courseware.models import Certificate, Enrolment, PracticeEntry
from courseware.models.base import utcnow
from courseware.practice.values import TEXT_MAX, read_entry
from tests.conftest import PASSWORD
from tests.helpers import factories
from tests.helpers.evaluation import finish_course
from tests.helpers.html import csrf_token, form_fields, links, one, text_of, texts_of
from tests.test_architecture import recorded_statements, writes

PAGE = "/courses/example-course/practice/trying-things-out"
LOG = "/courses/example-course/practice/greet-at-the-door"
BLOCK = "#practice-greet-at-the-door"


def entry(**changes) -> dict:
    """A complete, valid entry as the form sends it; ``changes`` replace fields (None leaves one out)."""
    data = {
        "done_on": utcnow().date().isoformat(),
        "minutes": "15",
        "tried": "Greeted every student by name at the door.",
        "noticed": "Two quiet students said good morning back.",
        "attested": "yes",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def log(client, **changes):
    return client.submit(LOG, entry(**changes), page=PAGE)


def entries() -> list[PracticeEntry]:
    return list(db.session.scalars(select(PracticeEntry).order_by(PracticeEntry.id)))


def practice_module_minutes(user) -> int:
    course = catalog().get("example-course")
    return progress.progress_for(user, course).module_practice_minutes(course.module("practice"))


# --- logging, and what counts ----------------------------------------------------------------------


def test_the_block_shows_the_activity_and_an_empty_log(learner_client):
    block = one(learner_client.get(PAGE).get_data(as_text=True), BLOCK)
    assert text_of(block, "h2") == "Practice in your school Greet students at the door"
    assert "stand at your door and greet each student by name" in text_of(block, "p:not([class])")
    assert text_of(block, ".practice__status") == "0 of 20 minutes counted toward this module's time."
    assert block.select(".practice-log") == []
    fields = form_fields(block, "form.practice__form")
    assert set(fields) == {
        "csrf_token",
        "keep_token",
        "form_key",
        "done_on",
        "minutes",
        "tried",
        "noticed",
    }  # nothing ticked
    assert text_of(block, f"label[for='{BLOCK[1:]}-attested']") == (
        "I did this activity myself, and the minutes are my own."
    )


def test_logging_counts_toward_the_module_time_up_to_the_cap(learner_client, learner):
    learner_client.get(PAGE)
    response = log(learner_client)
    assert response.status_code == 302 and response.location.endswith(PAGE + "#practice-greet-at-the-door")
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "Logged 15 minutes of “Greet students at the door”." in text_of(page, ".flashes")
    assert text_of(page, f"{BLOCK} .practice__status") == "15 of 20 minutes counted toward this module's time."
    assert practice_module_minutes(learner) == 15

    response = log(learner_client, minutes="12", tried="Tried it on a rainy Monday.")
    assert response.status_code == 302
    assert [e.minutes for e in entries()] == [15, 12]  # stored, though only part of it counts
    assert practice_module_minutes(learner) == 20
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert text_of(page, ".flashes") == (
        "Logged 12 minutes of “Greet students at the door”. Your log for this activity is now 27 minutes, "
        "and only 20 of them count toward the module's time."
    )
    assert text_of(page, f"{BLOCK} .practice__status") == (
        "20 of 20 minutes counted toward this module's time. You have logged 27 minutes. Only 20 of them count: "
        "this activity counts for at most 20 minutes, however much more you log."
    )
    assert texts_of(page, f"{BLOCK} .practice-log__when") == [
        f"{utcnow().date():%-d %B %Y} · 12 minutes",
        f"{utcnow().date():%-d %B %Y} · 15 minutes",
    ]
    assert "Tried it on a rainy Monday." in texts_of(page, f"{BLOCK} .practice-log__notes dd")


def test_an_entry_is_stored_with_its_cycle_and_attestation(learner_client, learner):
    learner_client.get(PAGE)
    before = utcnow()
    log(learner_client, done_on=(utcnow().date() - timedelta(days=1)).isoformat(), tried="  Spaced out  ")
    (stored,) = entries()
    assert (stored.user_id, stored.course_slug, stored.cycle, stored.practice_id) == (
        learner.id,
        "example-course",
        1,
        "greet-at-the-door",
    )
    assert stored.done_on == utcnow().date() - timedelta(days=1) and stored.minutes == 15
    assert stored.tried == "Spaced out" and stored.noticed == "Two quiet students said good morning back."
    assert stored.attested_at >= before and stored.created_at >= before


def test_logging_is_one_transaction_and_a_refused_entry_writes_nothing(learner_client):
    learner_client.get(PAGE)
    token = learner_client.csrf_token(PAGE)
    with recorded_statements() as seen:
        assert learner_client.post(LOG, data={**entry(minutes="0"), "csrf_token": token}).status_code == 422
    assert writes(seen) == [] and seen["commits"] == []
    with recorded_statements() as seen:
        assert learner_client.post(LOG, data={**entry(), "csrf_token": token}).status_code == 302
    assert len(seen["commits"]) == 1 and len(entries()) == 1


def test_a_learner_who_has_not_opened_the_course_is_enrolled_as_they_log(learner_client, learner):
    response = learner_client.submit(LOG, entry(), page="/")
    assert response.status_code == 302
    (enrolment,) = db.session.scalars(select(Enrolment))
    assert (enrolment.user_id, enrolment.cycle) == (learner.id, 1)
    assert [(e.cycle, e.minutes) for e in entries()] == [(1, 15)]


def test_the_same_form_sent_twice_is_logged_once(learner_client):
    html = learner_client.get(PAGE).get_data(as_text=True)
    key = form_fields(one(html, BLOCK), "form.practice__form")["form_key"]
    data = {**entry(), "form_key": key, "csrf_token": csrf_token(html)}
    assert learner_client.post(LOG, data=data).status_code == 302
    assert learner_client.post(LOG, data=data).status_code == 302
    assert len(entries()) == 1
    assert "This entry was already in your log" in text_of(learner_client.get(PAGE), ".flashes")


# --- bad input: a message next to the field, what was typed kept, nothing stored --------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"minutes": "-5"}, "minutes", "Enter the minutes as a whole number from 1 to 15"),
        ({"minutes": "0"}, "minutes", "Enter at least 1 minute: a whole number from 1 to 15."),
        ({"minutes": "10000"}, "minutes", "One entry can claim at most 15 minutes: enter a whole number from 1 to 15."),
        ({"minutes": "16"}, "minutes", "One entry can claim at most 15 minutes"),
        ({"minutes": "twenty"}, "minutes", "Enter the minutes as a whole number from 1 to 15"),
        ({"minutes": "1.5"}, "minutes", "Enter the minutes as a whole number from 1 to 15"),
        ({"minutes": "٣"}, "minutes", "Enter the minutes as a whole number from 1 to 15"),
        ({"minutes": ""}, "minutes", "Enter the minutes you spent: a whole number from 1 to 15."),
        ({"done_on": "in three days"}, "done_on", "The date cannot be in the future"),
        ({"done_on": "before"}, "done_on", "The date cannot be before you started this course, on "),
        ({"done_on": "2026-02-30"}, "done_on", "Enter a real date, as year-month-day"),
        ({"done_on": "last Tuesday"}, "done_on", "Enter a real date, as year-month-day"),
        ({"done_on": ""}, "done_on", "Enter the date you did the activity."),
        ({"attested": None}, "attested", "Tick this box to confirm that you did this activity yourself"),
        ({"attested": "on"}, "attested", "Tick this box to confirm that you did this activity yourself"),
        ({"tried": ""}, "tried", "Write what you tried, in a sentence or two."),
        ({"tried": "   \n  "}, "tried", "Write what you tried, in a sentence or two."),
        ({"noticed": None}, "noticed", "Write what you noticed, in a sentence or two."),
        ({"noticed": "x" * (TEXT_MAX + 1)}, "noticed", "Keep what you noticed to 2,000 characters (this has 2,001)."),
    ],
)
def test_bad_input_is_refused_next_to_its_field(learner_client, changes, field, message):
    learner_client.get(PAGE)
    today = utcnow().date()
    dates = {
        "in three days": (today + timedelta(days=3)).isoformat(),
        "before": (today - timedelta(days=5)).isoformat(),
    }
    changes = {name: dates.get(value, value) for name, value in changes.items()}
    response = log(learner_client, **changes)
    assert response.status_code == 422
    block = one(response.get_data(as_text=True), BLOCK)
    assert message in text_of(block, f"#practice-greet-at-the-door-{field}-error")
    (summary,) = texts_of(block, ".error-summary li")  # one mistake, listed above the form too
    assert message in summary
    control = one(block, f"#practice-greet-at-the-door-{field}")
    assert control["aria-invalid"] == "true"
    assert f"practice-greet-at-the-door-{field}-error" in control["aria-describedby"]
    kept = form_fields(block, "form.practice__form")
    for name, value in entry(**changes).items():  # every value typed is shown again, the wrong one too
        if name != "attested":
            assert kept[name] == value.replace("\r\n", "\n"), name
    assert ("attested" in kept) == (changes.get("attested", "yes") == "yes")
    assert entries() == []


def test_every_mistake_is_shown_at_once_and_the_form_can_then_be_sent(learner_client):
    learner_client.get(PAGE)
    response = log(learner_client, minutes="0", tried="", attested=None)
    block = one(response.get_data(as_text=True), BLOCK)
    assert text_of(block, ".error-summary__title") == "Nothing was logged: please fix 3 things"
    key = form_fields(block, "form.practice__form")["form_key"]
    response = learner_client.submit(LOG, {**entry(), "form_key": key}, page=PAGE)
    assert response.status_code == 302
    assert [e.form_key for e in entries()] == [key]


def test_the_date_allows_a_day_of_slack_for_time_zones():
    practice = Practice(id="greet", title="Greet", instructions_html="<p>Greet.</p>", minutes=20, entry_max=15)
    started, today = date(2026, 3, 10), date(2026, 3, 20)

    def check(day: date) -> dict:
        return read_entry({**entry(done_on=day.isoformat())}, practice, started, today).errors

    assert check(today + timedelta(days=1)) == {}  # already tomorrow where the learner is
    assert "future" in check(today + timedelta(days=2))["done_on"]
    assert check(started - timedelta(days=1)) == {}  # still the day before, where the learner is
    assert check(started - timedelta(days=2))["done_on"] == (
        "The date cannot be before you started this course, on 10 March 2026."
    )
    renewal = read_entry(entry(done_on="2026-03-01"), practice, started, today, renewal=True).errors
    assert renewal["done_on"] == "The date cannot be before you started this round of the course, on 10 March 2026."


def test_an_entry_sent_after_the_session_ended_is_kept(app, learner):
    client = app.test_client()
    client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    shown = form_fields(one(client.get(PAGE).get_data(as_text=True), BLOCK), "form.practice__form")
    client.delete_cookie("session")
    data = {**entry(tried="Written before the session ended"), "csrf_token": shown["csrf_token"]}
    response = client.post(LOG, data={**data, "keep_token": shown["keep_token"]})
    assert response.status_code == 302 and "/sign-in" in response.location
    assert entries() == []
    client.submit("/sign-in?next=" + PAGE, {"email": learner.email, "password": PASSWORD})
    block = one(client.get(PAGE).get_data(as_text=True), BLOCK)
    assert "Your entry was kept" in text_of(block, ".notice")
    fields = form_fields(block, "form.practice__form")
    assert fields["tried"] == "Written before the session ended" and fields["minutes"] == "15"
    assert "attested" not in fields  # the statement is made again, by ticking it
    assert "Your entry was kept" not in client.get(PAGE).get_data(as_text=True)  # handed back once


def test_an_expired_form_while_signed_in_is_kept(learner_client):
    learner_client.get(PAGE)
    response = learner_client.post(LOG, data={**entry(noticed="Kept after expiry"), "csrf_token": "stale"})
    assert response.status_code == 302 and response.location.startswith(PAGE)
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "This form had expired" in text_of(page, ".flashes")
    assert form_fields(one(page, BLOCK), "form.practice__form")["noticed"] == "Kept after expiry"
    assert entries() == []


def test_a_practice_block_that_does_not_exist_is_not_found(learner_client):
    response = learner_client.submit("/courses/example-course/practice/no-such-practice", entry(), page=PAGE)
    assert response.status_code == 404
    assert entries() == []


# --- privacy: the learner's own, never anyone else's -----------------------------------------------


def test_another_learner_can_neither_see_nor_delete_an_entry(app, learner_client, make_user, sign_in):
    learner_client.get(PAGE)
    log(learner_client, tried="Jordan's private words")
    (mine,) = entries()
    other = app.test_client()
    sign_in(other, make_user(name="Sam Other", email="sam@example.org"))
    page = other.get(PAGE).get_data(as_text=True)
    assert "Jordan's private words" not in page and "Jordan&#39;s private words" not in page
    assert text_of(page, f"{BLOCK} .practice__status").startswith("0 of 20 minutes counted")
    response = other.submit(f"{LOG}/entries/{mine.id}/delete", page=PAGE)
    assert response.status_code == 404
    assert [e.id for e in entries()] == [mine.id]
    assert other.post(f"{LOG}/entries/{mine.id}/delete").status_code == 400  # without the form's token


def test_a_learner_deletes_their_own_entry(learner_client, learner):
    learner_client.get(PAGE)
    log(learner_client, minutes="9")
    log(learner_client, minutes="4")
    first, second = entries()
    response = learner_client.submit(f"{LOG}/entries/{first.id}/delete", page=PAGE)
    assert response.status_code == 302 and response.location.endswith("#practice-greet-at-the-door")
    assert [e.id for e in entries()] == [second.id]
    page = learner_client.get(PAGE).get_data(as_text=True)
    deleted = f"The entry of {utcnow().date():%-d %B %Y} (9 minutes) is deleted from your log."
    assert deleted in text_of(page, ".flashes")
    assert practice_module_minutes(learner) == 4
    assert learner_client.submit(f"{LOG}/entries/{first.id}/delete", page=PAGE).status_code == 404


def test_the_log_stays_as_it_counted_once_the_course_is_completed(learner_client, learner):
    factories.completed(learner)
    kept = factories.practice_entry(learner, minutes=10)
    block = one(learner_client.get(PAGE).get_data(as_text=True), BLOCK)
    assert block.select(".practice-log__delete") == []
    assert "your log stays as it was when it counted" in text_of(block, ".muted")
    response = learner_client.submit(f"{LOG}/entries/{kept.id}/delete", page=PAGE)
    assert response.status_code == 302
    assert [e.id for e in entries()] == [kept.id]
    assert "You have completed this course" in text_of(learner_client.get(PAGE), ".flashes")


def test_a_new_cycle_starts_with_an_empty_log(learner, learner_client):
    factories.enrolment(learner, pages=["welcome/getting-started"], cycle=1)
    factories.practice_entry(learner, minutes=15, cycle=1, tried="From the first round")
    factories.enrolment(learner, pages=["welcome/getting-started"], cycle=2)
    assert practice_module_minutes(learner) == 0
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "From the first round" not in page
    assert text_of(page, f"{BLOCK} .practice__status").startswith("0 of 20 minutes counted")


# --- completion --------------------------------------------------------------------------------------


def almost_done(learner, course) -> None:
    """Every page read and the quiz passed; the practice module has 17 of its 32 required minutes."""
    seconds = {p.key: 0 for p in course.pages} | {
        "welcome/getting-started": 8 * 60,
        "welcome/progress": 8 * 60,
        "practice/trying-things-out": 17 * 60,
    }
    factories.enrolment(learner, course, pages=None, seconds=seconds)
    factories.quiz_attempt(learner, course=course, score=100)
    state = progress.progress_for(learner, course)
    assert not state.complete and state.missing() == ["Practice: 15 more minutes of active time (17 of 32 recorded)"]


def test_logging_practice_can_complete_the_course(editable, make_user, sign_in):
    """In a course without an evaluation (no credit, and active time asked for all the same): in a course
    with one, finishing it is the learner's last action."""
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 0") + "  active_time: 80\n")
    learner = make_user()
    client = app.test_client()
    sign_in(client, learner)
    almost_done(learner, catalog().get("example-course"))
    log(client, minutes="5")
    assert db.session.scalar(select(Enrolment.completed_at)) is None
    response = log(client, minutes="10")
    assert response.status_code == 302
    assert db.session.scalar(select(Enrolment.completed_at)) is not None
    flashes = text_of(client.get(PAGE), ".flashes")
    assert flashes.startswith("Congratulations: you completed “Example course”.")
    assert "Logged 10 minutes of “Greet students at the door”." in flashes


def test_logging_the_last_practice_leaves_the_evaluation_then_the_certificate(learner_client, learner):
    course = catalog().get("example-course")
    almost_done(learner, course)
    log(learner_client, minutes="15")
    assert db.session.scalar(select(Enrolment.completed_at)) is None
    assert progress.progress_for(learner, course).missing() == ["the course evaluation and your attestation"]
    assert finish_course(learner_client).status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None and certificate.user_id == learner.id
    assert text_of(learner_client.get(PAGE), ".flashes").startswith("Congratulations: you completed “Example course”.")


# --- leaders see minutes, never words ----------------------------------------------------------------


def test_a_leader_sees_the_minutes_that_count_but_never_the_text(app, learner, learner_client, make_user, sign_in):
    district = factories.organisation("Riverside District")
    cohort = factories.cohort(district)
    lee = make_user(name="Lee Leader", email="lee@district.org")
    factories.leader(lee, cohort=cohort)
    factories.member(cohort, learner, staff_role="Teacher")
    assignment = factories.assignment(cohort)
    learner_client.get(PAGE)
    log(learner_client, minutes="15", tried="Words only I read, tried", noticed="Words only I read, noticed")
    log(learner_client, minutes="14", tried="More private words", noticed="Still private")

    leader = app.test_client()
    sign_in(leader, lee)
    url = f"/cohorts/{cohort.id}/assignments/{assignment.id}"
    html = leader.get(url).get_data(as_text=True)
    table = one(html, "table.member-table")
    assert text_of(table, "tbody .member-table__practice") == "20 min practice counted"  # 29 logged, 20 count
    csv = leader.get(url + ".csv").get_data(as_text=True)
    header, row = (line.split(",") for line in csv.lstrip("\ufeff").splitlines())
    assert row[header.index("Practice minutes")] == "20"
    (ledger_url,) = links(table, "tbody th a")
    ledger = leader.get(ledger_url).get_data(as_text=True)
    practice_row = one(ledger, ".ledger__table tbody tr:nth-of-type(2)")
    assert texts_of(practice_row, "td")[4] == "20 min"  # the Practice module's logged practice that counts
    for text in ("Words only I read", "More private words", "Still private"):
        assert text not in html and text not in csv and text not in ledger
    assert db.session.scalar(select(func.count(PracticeEntry.id))) == 2
