"""Case studies: the format, the learner's flow (respond, compare, score, revise), privacy, completion and
what leaders see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware import progress
from courseware.courses import catalog, compile_course
from courseware.courses.case_study import RESPONSE_MAX, score_of
from courseware.courses.time_model import module_time
from courseware.extensions import db
from courseware.models import CaseStudyResponse, Enrolment
from tests.conftest import PASSWORD
from tests.helpers import factories
from tests.helpers.html import form_fields, one, text_of, texts_of
from tests.test_certificates import add_setting
from tests.test_cohorts import add_member, build_world, dashboard_url, member_rows, read_csv, signed_in
from tests.test_compiler import GOOD_YML, MODULE, make_course

PAGE = "/courses/example-course/practice/check"
RESPOND = "/courses/example-course/case-studies/noisy-morning"
SCORE = RESPOND + "/score"
BLOCK = "#case-study-noisy-morning"
ALL_MET = {"score-by-name": "met", "score-stays-calm": "met", "score-why": "met"}
PRIVATE = "Jordan's private response about Malik"


def rows() -> list[CaseStudyResponse]:
    return list(db.session.scalars(select(CaseStudyResponse).order_by(CaseStudyResponse.id)))


def respond(client, text: str = "I would greet him by name and give him a moment."):
    return client.submit(RESPOND, {"response": text}, page=PAGE)


def score(client, levels: dict[str, str] | None = None):
    return client.submit(SCORE, ALL_MET if levels is None else levels, page=PAGE)


def block_of(client):
    return one(client.get(PAGE).get_data(as_text=True), BLOCK)


# --- the format ------------------------------------------------------------------------------------

CASE = """\
/// case-study | The late bus
    id: late-bus
{options}
### The situation
The bus is late and a student gets off it shouting.

### Your response
What would you do first?

### A model response
I would greet her calmly and walk beside her.

### Rubric
- Puts calm before consequences {{#calm}}
- Names what the behavior may mean
- Says who else to involve
///
"""


def case(body: str = CASE, options: str = "") -> str:
    return body.format(options=options)


def compiled(tmp_path, body: str):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    return compile_course(folder, tmp_path)


def problems(tmp_path, body: str) -> list[str]:
    return [str(p) for p in compiled(tmp_path, body).problems]


def test_a_case_study_compiles_with_its_four_sections_and_rubric(tmp_path):
    course = compiled(tmp_path, case(options="    minutes: 20\n"))
    assert course.problems == []
    ((_, segment),) = [(p, s) for p in course.pages for s in p.blocks("case_study")]
    study = segment.case_study
    assert (study.id, study.title, study.minutes) == ("late-bus", "The late bus", 20)
    assert "gets off it shouting" in study.situation_html and "What would you do first?" in study.prompt_html
    assert "walk beside her" in study.model_html
    assert [c.id for c in study.criteria] == ["calm", "names-what-the-behavior-may-mean", "says-who-else-to-involve"]
    assert study.most_points == 6


def test_a_case_study_takes_12_minutes_unless_it_says_and_is_an_activity_not_reading(tmp_path):
    course = compiled(tmp_path, case())
    time = module_time(course.modules[0])
    ((activity),) = time.activities
    assert (activity.kind, activity.minutes, activity.declared) == ("case study", 12, False)
    assert time.words == 2  # the page title ("First page"); none of the case study's words are reading


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (case().replace("### A model response\nI would greet her calmly and walk beside her.\n\n", ""),
         "demo/01-one.md:8: a case study needs the section ### A model response"),
        (case().replace("### Rubric", "### Scoring"),
         "demo/01-one.md:20: unknown section '### Scoring' in a case study (sections: The situation, Your response, "
         "A model response, Rubric)"),
        (case().replace("### Your response\n", "### The situation\n"),
         "demo/01-one.md:14: the section '### The situation' is given twice in this case study"),
        (case().replace("The bus is late and a student gets off it shouting.", ""),
         "demo/01-one.md:11: the section '### The situation' of this case study is empty"),
        (case().replace("- Says who else to involve\n", ""),
         "demo/01-one.md:20: a rubric lists 3 to 6 criteria, one '- ' line each (this one has 2)"),
        (case().replace("- Says who else to involve\n", "".join(f"- Criterion {n}\n" for n in range(5))),
         "demo/01-one.md:20: a rubric lists 3 to 6 criteria, one '- ' line each (this one has 7)"),
        (case().replace("- Says who else to involve\n", "- Says who else to involve\n  and how\n"),
         "demo/01-one.md:24: each criterion of a rubric is one line starting with '- '"),
        (case().replace("- Names what the behavior may mean", "- Names what it means {#calm}"),
         "demo/01-one.md:22: two criteria of this rubric have the id 'calm'"),
        (case().replace("- Names what the behavior may mean", "- " + "x" * 301),
         "demo/01-one.md:22: keep a criterion to 300 characters (this has 301)"),
        ("Intro text.\n" + case().replace("### The situation\n", "Before any section.\n### The situation\n"),
         "demo/01-one.md:12: a case study starts with its first section, '### The situation'"),
        (case().replace("    id: late-bus\n", ""), "demo/01-one.md:8: a case-study block needs the option 'id'"),
        (case(options="    minutes: 0\n"), "demo/01-one.md:10: option 'minutes' of a case-study block"),
        (case(options="    shared: true\n"), "demo/01-one.md:10: unknown option 'shared' for a case-study block"),
        (case() + "\n" + case(), "demo/01-one.md:26: duplicate case study id 'late-bus' (already used at 01-one.md:8)"),
    ],
)  # fmt: skip
def test_every_mistake_is_reported_at_its_file_and_line(tmp_path, body, expected):
    found = problems(tmp_path, body)
    assert any(expected in p for p in found), found


def test_a_case_study_may_be_marked_for_tracks(tmp_path):
    yml = GOOD_YML + "tracks:\n  - id: classroom\n    title: Classroom\n  - id: support\n    title: Support\n"
    folder = make_course(tmp_path, yml, {"01-one.md": MODULE.format(body=case(options="    tracks: support\n"))})
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    assert course.for_track("support").has_blocks("case_study")
    assert not course.for_track("classroom").has_blocks("case_study")


def test_scores_count_only_the_rubric_as_it_stands(tmp_path):
    study = compiled(tmp_path, case()).pages[0].blocks("case_study")[0].case_study
    given = score_of(study, {"calm": "met", "names-what-the-behavior-may-mean": "partly", "gone": "met"})
    assert (given.points, given.most, given.met, given.complete) == (3, 6, 1, False)
    full = score_of(study, {c.id: "met" for c in study.criteria})
    assert (full.points, full.percent, full.complete) == (6, 100, True)
    assert not score_of(study, "not a dict").complete


# --- the learner's flow ----------------------------------------------------------------------------


def test_the_block_shows_the_situation_the_prompt_and_a_box_and_nothing_more_yet(learner_client):
    block = block_of(learner_client)
    assert text_of(block, "h2") == "Case study A noisy morning"
    assert "drops his bag loudly" in text_of(block, ".case-study__situation")
    assert text_of(block, ".case-study__prompt") == "What would you say to him first, and why?"
    assert form_fields(block, "form.case-study__form")["response"] == ""
    assert block.select(".case-study__model") == [] and "offer him a moment" not in str(block)
    assert block.select("form.case-study__scoring") == []


def test_sending_a_response_shows_the_model_response_and_the_rubric_beside_it(learner_client, learner):
    learner_client.get(PAGE)
    response = respond(learner_client, "I would say good morning\r\nand wait.")
    assert response.status_code == 302 and response.location.endswith(f"{PAGE}{BLOCK}")
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "Compare it with the model response" in text_of(page, ".flashes")
    block = one(page, BLOCK)
    assert one(block, ".case-study__mine .case-study__text").get_text() == "I would say good morning\nand wait."
    assert "offer him a moment before he sits" in text_of(block, ".case-study__model")
    assert texts_of(block, ".case-study__criterion legend") == [
        "1. Greets the student by name",
        "2. Stays calm",
        "3. Explains why it helps",
    ]
    assert block.select(".case-study__score") == []  # not scored yet
    (row,) = rows()
    assert (row.user_id, row.cycle, row.response, row.revision, row.scores) == (
        learner.id,
        1,
        "I would say good morning\nand wait.",
        1,
        {},
    )


def test_scoring_gives_points_and_criteria_met_and_can_be_changed(learner_client):
    learner_client.get(PAGE)
    respond(learner_client)
    response = score(learner_client, {"score-by-name": "met", "score-stays-calm": "partly", "score-why": "not-yet"})
    assert response.status_code == 302
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "Your score is saved: 3 of 6 points, 1 of 3 criteria met." in text_of(page, ".flashes")
    block = one(page, BLOCK)
    assert text_of(block, ".case-study__score") == "3 of 6 points · 1 of 3 criteria met"
    assert form_fields(block, "form.case-study__scoring") | {} == {
        "csrf_token": form_fields(block, "form.case-study__scoring")["csrf_token"],
        "keep_token": form_fields(block, "form.case-study__scoring")["keep_token"],
        "score-by-name": "met", "score-stays-calm": "partly", "score-why": "not-yet",
    }  # fmt: skip
    score(learner_client)
    assert text_of(block_of(learner_client), ".case-study__score") == "6 of 6 points · 3 of 3 criteria met"
    assert rows()[0].scores == {"by-name": "met", "stays-calm": "met", "why": "met"}


def test_revising_keeps_the_score_and_says_it_may_be_out_of_date(learner_client):
    learner_client.get(PAGE)
    respond(learner_client, "First try.")
    score(learner_client)
    response = respond(learner_client, "A better second try.")
    assert response.status_code == 302
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "Your revised response is saved" in text_of(page, ".flashes")
    block = one(page, BLOCK)
    assert text_of(block, ".case-study__mine .case-study__text") == "A better second try."
    assert "score it again if your score has changed" in text_of(block, ".case-study__score")
    (row,) = rows()
    assert (row.revision, row.scored_revision) == (2, 1)
    score(learner_client)
    assert "score it again" not in text_of(block_of(learner_client), ".case-study__score")


def test_sending_the_same_form_twice_stores_it_once(learner_client):
    learner_client.get(PAGE)
    assert respond(learner_client, "Once.").status_code == 302
    assert respond(learner_client, "Once.").status_code == 302
    assert "it had not changed" in text_of(learner_client.get(PAGE).get_data(as_text=True), ".flashes")
    score(learner_client)
    score(learner_client)
    (row,) = rows()
    assert (row.response, row.revision, row.scored_revision) == ("Once.", 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "Write your response before you send it"),
        ("x" * (RESPONSE_MAX + 1), f"Keep your response to 4,000 characters (this has {RESPONSE_MAX + 1:,})."),
    ],
)
def test_a_response_that_cannot_be_saved_is_shown_again_with_a_message(learner_client, text, message):
    learner_client.get(PAGE)
    response = respond(learner_client, text)
    assert response.status_code == 422
    block = one(response.get_data(as_text=True), BLOCK)
    assert message in text_of(block, f"{BLOCK}-response-error")
    control = one(block, f"{BLOCK}-response")
    assert control["aria-invalid"] == "true" and control.get_text() == text.replace("\r\n", "\n")
    assert rows() == []


def test_a_revision_that_cannot_be_saved_keeps_the_stored_response_and_the_typed_text(learner_client):
    learner_client.get(PAGE)
    respond(learner_client, "Stored.")
    response = respond(learner_client, "y" * (RESPONSE_MAX + 5))
    assert response.status_code == 422
    block = one(response.get_data(as_text=True), BLOCK)
    assert text_of(block, ".case-study__mine .case-study__text") == "Stored."
    assert one(block, "details.case-study__revise").has_attr("open")
    assert one(block, f"{BLOCK}-response").get_text() == "y" * (RESPONSE_MAX + 5)
    assert rows()[0].response == "Stored."


def test_a_response_from_an_older_window_does_not_replace_a_newer_one(learner_client):
    """Two windows opened on the same case study: the second one sent is shown both texts, and keeps its own."""
    first = form_fields(block_of(learner_client), "form.case-study__form")
    second = dict(first)  # the same form, open in another window
    assert first["revision"] == "0"
    sent = {**first, "response": "Sent from the first window."}
    assert learner_client.post(RESPOND, data=sent).status_code == 302
    response = learner_client.post(RESPOND, data={**second, "response": "Typed in the second window."})
    assert response.status_code == 422
    block = one(response.get_data(as_text=True), BLOCK)
    assert "changed in another window" in text_of(block, ".field__error")
    assert text_of(block, ".case-study__mine .case-study__text") == "Sent from the first window."
    assert one(block, f"{BLOCK}-response").get_text() == "Typed in the second window."
    assert [row.response for row in rows()] == ["Sent from the first window."]
    # Sent again from the page as it is now, the text is saved as a revision.
    current = form_fields(block_of(learner_client), "form.case-study__form")
    assert current["revision"] == "1"
    again = {**current, "response": "Both windows, combined."}
    assert learner_client.post(RESPOND, data=again).status_code == 302
    assert [(row.response, row.revision) for row in rows()] == [("Both windows, combined.", 2)]


def test_a_revision_that_cannot_be_saved_leaves_the_score_shown_as_it_was(learner_client):
    learner_client.get(PAGE)
    respond(learner_client, "Stored.")
    score(learner_client, {"score-by-name": "met", "score-stays-calm": "partly", "score-why": "not-yet"})
    block = one(respond(learner_client, "   ").get_data(as_text=True), BLOCK)
    levels = {k: v for k, v in form_fields(block, "form.case-study__scoring").items() if k.startswith("score-")}
    assert levels == {"score-by-name": "met", "score-stays-calm": "partly", "score-why": "not-yet"}
    assert text_of(block, ".case-study__score") == "3 of 6 points · 1 of 3 criteria met"


def test_every_criterion_must_be_scored(learner_client):
    learner_client.get(PAGE)
    respond(learner_client)
    response = score(learner_client, {"score-by-name": "met", "score-why": "brilliant"})
    assert response.status_code == 422
    block = one(response.get_data(as_text=True), BLOCK)
    assert texts_of(block, ".error-summary li") == [
        "Choose Met, Partly or Not yet for criterion 2.",
        "Choose Met, Partly or Not yet for criterion 3.",
    ]
    assert form_fields(block, "form.case-study__scoring")["score-by-name"] == "met"  # the choice made is kept
    assert rows()[0].scores == {} and rows()[0].scored_revision == 0


def test_scoring_before_responding_says_to_respond_first(learner_client):
    learner_client.get(PAGE)
    response = score(learner_client)
    assert response.status_code == 302
    assert "Write and send your response first" in text_of(learner_client.get(PAGE).get_data(as_text=True), ".flashes")
    assert rows() == []


def test_a_response_sent_after_the_session_ended_is_kept(app, learner):
    client = app.test_client()
    client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    shown = form_fields(block_of(client), "form.case-study__form")
    client.delete_cookie("session")
    data = {"response": "Typed before the session ended", "csrf_token": shown["csrf_token"]}
    response = client.post(RESPOND, data={**data, "keep_token": shown["keep_token"]})
    assert response.status_code == 302 and "/sign-in" in response.location and "kept=text" in response.location
    assert rows() == []
    client.submit("/sign-in?next=" + PAGE, {"email": learner.email, "password": PASSWORD})
    block = block_of(client)
    assert "was kept while you signed in again" in text_of(block, ".notice")
    assert form_fields(block, "form.case-study__form")["response"] == "Typed before the session ended"
    assert "was kept" not in str(block_of(client))  # handed back once


def test_an_expired_score_form_while_signed_in_is_kept(learner_client):
    learner_client.get(PAGE)
    respond(learner_client)
    levels = {"score-by-name": "partly", "score-stays-calm": "met", "score-why": "not-yet"}
    response = learner_client.post(SCORE, data={**levels, "csrf_token": "stale"})
    assert response.status_code == 302 and response.location.endswith(BLOCK)
    page = learner_client.get(PAGE).get_data(as_text=True)
    assert "This form had expired" in text_of(page, ".flashes")
    kept = form_fields(one(page, BLOCK), "form.case-study__scoring")
    assert {k: v for k, v in kept.items() if k.startswith("score-")} == levels
    assert rows()[0].scores == {}


def test_a_case_study_that_does_not_exist_is_not_found(learner_client):
    learner_client.get(PAGE)
    assert (
        learner_client.submit("/courses/example-course/case-studies/nope", {"response": "x"}, page=PAGE).status_code
        == 404
    )
    assert (
        learner_client.submit("/courses/example-course/case-studies/nope/score", ALL_MET, page=PAGE).status_code == 404
    )


def test_the_case_study_stays_as_it_counted_once_the_course_is_completed(learner_client, learner):
    factories.completed(learner)
    factories.case_study_response(learner, scores="met", response="As it counted.")
    block = block_of(learner_client)
    assert block.select("form") == []
    assert "stays as it was when it counted" in text_of(block, ".muted")
    assert texts_of(block, ".case-study__rubric li") == [
        "Greets the student by name: Met",
        "Stays calm: Met",
        "Explains why it helps: Met",
    ]
    assert respond(learner_client, "Changed later.").status_code == 302
    assert score(learner_client, {"score-by-name": "not-yet", "score-stays-calm": "met", "score-why": "met"})
    assert "You have completed this course" in text_of(learner_client.get(PAGE).get_data(as_text=True), ".flashes")
    (row,) = rows()
    assert row.response == "As it counted." and row.scores["by-name"] == "met"


def test_a_new_round_starts_with_no_response(learner, learner_client):
    factories.enrolment(learner, pages=["welcome/getting-started"], cycle=1)
    factories.case_study_response(learner, scores="met", response="From the first round", cycle=1)
    factories.enrolment(learner, pages=["welcome/getting-started"], cycle=2)
    block = block_of(learner_client)
    assert "From the first round" not in str(block) and block.select(".case-study__model") == []
    respond(learner_client, "Second round.")
    assert [(r.cycle, r.response) for r in rows()] == [(1, "From the first round"), (2, "Second round.")]


# --- completion ------------------------------------------------------------------------------------


def test_without_the_setting_a_case_study_is_not_required(learner):
    course = catalog().get("example-course")
    factories.enrolment(learner, course, pages=None, seconds=factories.time_spent(course))
    state = progress.progress_for(learner, course)
    assert state.done_case_studies is None
    assert not any("case study" in line for line in state.missing())


def test_a_required_case_study_is_done_once_responded_to_and_scored(editable, make_user, sign_in):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 0"))
    add_setting(folder, "  case_studies_required: true\n")
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    course = catalog().get("example-course")
    for page in course.pages:
        client.get(f"/courses/example-course/{page.module.slug}/{page.slug}")
    factories.seat_time(user, course)
    from tests.test_quizzes import RIGHT, answer

    answer(client, RIGHT)
    state = progress.progress_for(user, course)
    assert state.missing() == [
        "Practice: respond to the case study \u201cA noisy morning\u201d and score your response"
    ]
    home = client.get("/courses/example-course").get_data(as_text=True)
    assert "respond to the case study" in home
    respond(client)
    assert not progress.progress_for(user, course).module_done(course.module("practice"))  # not scored yet
    assert db.session.scalar(select(Enrolment.completed_at)) is None
    score(client, {"score-by-name": "met", "score-stays-calm": "partly", "score-why": "not-yet"})
    assert db.session.scalar(select(Enrolment.completed_at)) is not None  # any honest score counts
    assert "Congratulations" in text_of(client.get(PAGE).get_data(as_text=True), ".flashes")


def test_a_criterion_added_later_must_be_scored_again(editable, make_user, sign_in):
    _, folder = editable
    add_setting(folder, "  case_studies_required: true\n")
    user = make_user()
    factories.enrolment(user, pages=["practice/check"])
    factories.case_study_response(user, scores="met")
    assert progress.progress_for(user, catalog().get("example-course")).done_case_studies == {"noisy-morning"}
    module = folder / "02-practice.md"
    module.write_text(module.read_text().replace("- Stays calm\n", "- Stays calm\n- Checks in later {#later}\n"))
    assert progress.progress_for(user, catalog().get("example-course")).done_case_studies == set()


# --- privacy: only the author reads a response -----------------------------------------------------


@pytest.fixture
def people(app, make_user, sign_in):
    """The author (in a cohort with the course assigned), another learner, the cohort's leader, a leader of
    another cohort and an admin; the author has responded and scored."""
    world = build_world(make_user)
    author = make_user(name="Jordan Author", email="jordan@district.org")
    add_member(world.cohort, author, "Teacher", world.school)
    assignment = factories.assignment(world.cohort, "example-course")
    other_cohort = factories.cohort(world.district, "Another cohort")
    other_leader = make_user(name="Olu Otherleader", email="olu@district.org")
    factories.leader(other_leader, cohort=other_cohort)
    author_client = signed_in(app, sign_in, author)
    author_client.get(PAGE)
    respond(author_client, PRIVATE)
    score(author_client)
    return {
        "author": author_client,
        "another learner": signed_in(app, sign_in, make_user(name="Sam Other", email="sam@district.org")),
        "leader": signed_in(app, sign_in, world.leader),
        "leader of another cohort": signed_in(app, sign_in, other_leader),
        "admin": signed_in(app, sign_in, make_user(name="Ada Admin", email="ada@district.org", role="admin")),
        "anonymous": app.test_client(),
        "dashboard": dashboard_url(world.cohort.id, assignment.id),
    }


def shows_private(response) -> bool:
    page = response.get_data(as_text=True)
    return "private response about Malik" in page


ROLES = ["another learner", "leader", "leader of another cohort", "admin", "anonymous"]


@pytest.mark.parametrize("role", ROLES)
def test_no_one_but_the_author_reads_the_response_on_the_page(people, role):
    assert shows_private(people["author"].get(PAGE))
    response = people[role].get(PAGE)
    assert response.status_code in (200, 302) and not shows_private(response)


@pytest.mark.parametrize("role", ROLES)
def test_no_one_but_the_author_can_change_the_response_or_its_score(people, role):
    client = people[role]
    token = client.csrf_token("/") if role != "anonymous" else "none"
    sent = client.post(RESPOND, data={"response": "Overwritten", "csrf_token": token})
    scored = client.post(SCORE, data={"score-by-name": "not-yet", "score-stays-calm": "not-yet",
                                      "score-why": "not-yet", "csrf_token": token})  # fmt: skip
    assert sent.status_code == 302 and scored.status_code == 302
    if role == "anonymous":
        assert "/sign-in" in sent.location and "/sign-in" in scored.location
    author_row = next(r for r in rows() if r.response == PRIVATE)
    assert author_row.scores == {"by-name": "met", "stays-calm": "met", "why": "met"}
    assert not shows_private(client.get(PAGE))
    assert all(r.response != PRIVATE or r.user_id == author_row.user_id for r in rows())


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_leaders_see_done_and_the_score_never_the_text(people, role):
    response = people[role].get(people["dashboard"])  # an admin leads every cohort
    assert response.status_code == 200 and not shows_private(response)
    (row,) = [r for r in member_rows(response.get_data(as_text=True)) if r["name"] == "Jordan Author"]
    assert row["case_studies"] == "1 of 1 case studies done · average self-score 100%"
    exported = people[role].get(people["dashboard"] + ".csv")
    header, *lines = read_csv(exported.data)
    (line,) = [line for line in lines if line[0] == "Jordan Author"]
    assert line[header.index("Case studies done")] == "1" and line[header.index("Average self-score %")] == "100"
    assert b"private response about Malik" not in exported.data


def test_a_leader_of_another_cohort_cannot_open_the_dashboard(people):
    assert people["leader of another cohort"].get(people["dashboard"]).status_code in (403, 404)


def test_a_member_not_scored_yet_has_no_average(app, people, make_user):
    # a response without a score is not done, and gives no average
    cohort_member = make_user(name="Una Unscored", email="una@district.org")
    from courseware.models import Cohort

    add_member(db.session.scalars(select(Cohort)).first(), cohort_member)
    factories.enrolment(cohort_member, pages=["welcome/getting-started"])
    factories.case_study_response(cohort_member, scores=None)
    response = people["leader"].get(people["dashboard"])
    (row,) = [r for r in member_rows(response.get_data(as_text=True)) if r["name"] == "Una Unscored"]
    assert row["case_studies"] == "0 of 1 case studies done"
