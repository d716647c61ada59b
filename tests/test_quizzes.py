"""Quizzes: the block syntax and its checks, grading on the server, attempts and their integrity."""

from __future__ import annotations

import textwrap
import threading

import pytest
from sqlalchemy import func, select

from courseware import progress
from courseware.courses import catalog, compile_course
from courseware.extensions import db
from courseware.models import QuizAttempt, QuizVersion
from courseware.quizzes.grading import normalise
from tests.conftest import EXAMPLE_COURSES, PASSWORD
from tests.helpers import factories
from tests.helpers.html import csrf_token, form_fields, texts_of

QUIZ_PAGE = "/courses/example-course/practice/check"
SUBMIT = "/courses/example-course/quizzes/practice-check"
RIGHT = {"q-sky": "blue", "q-fruits": ["apple", "pear"], "q-boiling": "true", "q-calm-state": " Self Regulation! "}


def hidden(html: str, name: str) -> str:
    """A hidden field of the quiz's form (the version shown, the attempt's number)."""
    return form_fields(html, "form.quiz__form")[name]


def answer(client, answers: dict, page: str = QUIZ_PAGE, **overrides):
    html = client.get(page).get_data(as_text=True)
    data = {"version": hidden(html, "version"), "number": hidden(html, "number"), **answers, **overrides}
    data["csrf_token"] = csrf_token(html)
    return client.post(SUBMIT, data=data)


def attempts() -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.number)))


# --- the block and its checks -------------------------------------------------------------


def test_the_example_quiz_has_each_question_type():
    course = compile_course(EXAMPLE_COURSES / "example-course")
    quiz = course.find_block("quiz", "practice-check")[1].quiz
    assert [(q.id, q.type) for q in quiz.questions] == [
        ("sky", "single"),
        ("fruits", "multiple"),
        ("boiling", "true-false"),
        ("calm-state", "short-answer"),
    ]
    assert quiz.attempts == 3 and quiz.pass_mark == 80
    assert quiz.questions[0].choices[0].feedback_html == "<p>Green is the colour of grass.</p>"
    assert "scatters blue light" in quiz.questions[0].explanation_html


QUIZ = """\
---
title: One
minutes: 30
---

## Quiz page

/// quiz | Check
{options}

### First question {{#first}}

{body}
///
"""


def quiz_problems(tmp_path, body: str, options: str = "    id: check") -> list[str]:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 0.5\n")
    (folder / "01-one.md").write_text(QUIZ.format(options=options, body=textwrap.dedent(body)))
    return [str(p) for p in compile_course(folder, tmp_path).problems]


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        (
            "- [ ] a\n- [ ] b",
            "    id: check",
            "demo/01-one.md:11: no correct choice: mark at least one choice with [x]",
        ),
        (
            "Type: single\n- [x] a\n- [x] b",
            "    id: check",
            "demo/01-one.md:11: a single-choice question has exactly one",
        ),
        ("- [x] a\n- [ ] a", "    id: check", "demo/01-one.md:14: two choices of this question have the id 'a'"),
        (
            "- [x] a\n- [ ] b\n\n### Again {#first}\n\n- [x] c\n- [ ] d",
            "    id: check",
            "two questions in this quiz have the id 'first'",
        ),
        (
            "- [x] a\n- [ ] b",
            "    id: check\n    colour: red",
            "demo/01-one.md:10: unknown option 'colour' for a quiz block",
        ),
        (
            "- [x] a\n- [ ] b",
            "    id: check\n    pass_mark: 120",
            "demo/01-one.md:10: option 'pass_mark' of a quiz block: use a whole number from 0 to 100",
        ),
        ("- [x] a\n- [ ] b", "    id: check\n    attempts: 0", "option 'attempts' of a quiz block"),
        ("- [x] a\n- [ ] b", "    pass_mark: 50", "demo/01-one.md:8: a quiz block needs the option 'id'"),
        ("- [x] only one", "    id: check", "a question needs at least two choices"),
        ("Type: short answer", "    id: check", "a short-answer question needs at least one 'Answer: ...' line"),
        ("Type: essay\n- [x] a\n- [ ] b", "    id: check", "demo/01-one.md:13: unknown question type 'essay'"),
        (
            "- [x] a\n- [ ] b\nstray words",
            "    id: check",
            "demo/01-one.md:15: text after the choices belongs in 'Explanation: ...'",
        ),
    ],
)
def test_check_reports_quiz_mistakes_with_file_and_line(tmp_path, body, options, expected):
    found = quiz_problems(tmp_path, body, options)
    assert any(expected in p for p in found), found


def test_duplicate_quiz_ids_across_a_course(tmp_path):
    body = "- [x] a\n- [ ] b"
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 1\n")
    (folder / "01-one.md").write_text(QUIZ.format(options="    id: check", body=body))
    (folder / "02-two.md").write_text(
        QUIZ.format(options="    id: check", body=body).replace("title: One", "title: Two")
    )
    found = [str(p) for p in compile_course(folder, tmp_path).problems]
    assert any("demo/02-two.md:8: duplicate quiz id 'check' (already used at 01-one.md:8)" in p for p in found), found


def test_a_quiz_without_mistakes_passes_the_check(tmp_path):
    assert quiz_problems(tmp_path, "- [x] a\n    Feedback.\n- [ ] b\n\nExplanation: Because.") == []


# --- what the browser receives ------------------------------------------------------------


def test_an_unanswered_quiz_leaks_no_answers_or_feedback(learner_client):
    html = learner_client.get(QUIZ_PAGE).get_data(as_text=True)
    quiz_html = html[html.index('<section class="quiz"') : html.index("</section>")]
    assert 'name="q-sky"' in quiz_html and "Blue" in quiz_html
    for secret in ["Green is the colour of grass", "sunlight scatters", "root vegetable", "scatters blue light",
                   "regulation", "correct", "[x]", "data-correct", "Explanation"]:  # fmt: skip
        assert secret not in quiz_html.lower() if secret.islower() else secret not in quiz_html, secret
    for secret in ["Green is the colour of grass", "root vegetable", "Air scatters", "self-regulation"]:
        assert secret not in html


def test_quiz_form_is_accessible_markup(learner_client):
    html = learner_client.get(QUIZ_PAGE).get_data(as_text=True)
    assert html.count('<fieldset class="question"') == 4
    assert html.count("<legend") == 4
    assert 'type="checkbox" name="q-fruits"' in html and 'type="radio" name="q-sky"' in html
    assert '<label for="quiz-practice-check-sky-blue">Blue</label>' in html


# --- grading --------------------------------------------------------------------------------


def test_short_answers_ignore_case_spaces_and_punctuation():
    assert normalise("  Self-Regulation! ") == normalise("self regulation") == "self regulation"
    assert normalise("Café") == "café"


def test_a_correct_attempt_is_recorded_and_passes(learner_client, learner):
    response = answer(learner_client, RIGHT)
    assert response.status_code == 302 and response.location.endswith("/quizzes/practice-check/attempts/1")
    (attempt,) = attempts()
    assert (attempt.user_id, attempt.score, attempt.passed, attempt.number) == (learner.id, 100, True, 1)
    assert attempt.answers["fruits"] == ["apple", "pear"] and attempt.answers["calm-state"] == "Self Regulation!"
    assert (
        attempt.quiz_version.version
        == catalog().get("example-course").find_block("quiz", "practice-check")[1].quiz.version
    )
    html = learner_client.get(response.location).get_data(as_text=True)
    assert "You passed" in html and "100%" in html and 'role="status"' in html
    assert "Yes: sunlight scatters most at the blue end." in html  # feedback for the chosen choice
    assert "Air scatters blue light more than red light." in html  # explanation


@pytest.mark.parametrize(
    ("changes", "score"),
    [
        ({"q-sky": "green"}, 75),
        ({"q-fruits": ["apple"]}, 75),  # a multiple-choice question needs every right choice
        ({"q-fruits": ["apple", "pear", "carrot"]}, 75),  # and no wrong one
        ({"q-boiling": "false"}, 75),
        ({"q-calm-state": "calm"}, 75),
        ({"q-sky": "red", "q-boiling": "false"}, 50),
    ],
)
def test_each_question_type_is_graded(learner_client, changes, score):
    answer(learner_client, {**RIGHT, **changes})
    (attempt,) = attempts()
    assert attempt.score == score and attempt.passed is False


def test_result_shows_feedback_of_wrong_choices_once_the_last_attempt_is_used(learner_client):
    """The example course offers credit: its quiz shows the answers after a pass or the last attempt."""
    response = answer(learner_client, {**RIGHT, "q-fruits": ["apple", "carrot"]})
    html = learner_client.get(response.location).get_data(as_text=True)
    assert "Not passed yet" in html and "Try again" in html and "3 of 4 correct" in html
    assert "A carrot is a root vegetable." not in html and "Not quite" not in html
    answer(learner_client, {**RIGHT, "q-fruits": ["apple", "carrot"]})
    response = answer(learner_client, {**RIGHT, "q-fruits": ["apple", "carrot"]})
    html = learner_client.get(response.location).get_data(as_text=True)
    assert "Not passed yet" in html and "A carrot is a root vegetable." in html and "Not quite" in html
    assert "Try again" not in html and "used all 3 attempts" in html


def test_best_score_counts_and_attempts_are_limited(learner_client):
    answer(learner_client, {**RIGHT, "q-sky": "green"})
    answer(learner_client, RIGHT)
    answer(learner_client, {**RIGHT, "q-boiling": "false"})
    assert [a.number for a in attempts()] == [1, 2, 3]
    html = learner_client.get(QUIZ_PAGE).get_data(as_text=True)
    assert "Your best score is 100%" in html and "used every attempt" in html and "Submit answers" not in html
    response = learner_client.post(
        SUBMIT, data={"version": "x", "number": "4", "csrf_token": learner_client.csrf_token(QUIZ_PAGE)}
    )
    assert len(attempts()) == 3
    assert response.status_code in {302, 422}


def test_module_is_complete_only_when_its_quiz_is_passed(learner_client, learner):
    course = catalog().get("example-course")
    practice = course.module("practice")
    for page in practice.pages:
        learner_client.get(f"/courses/example-course/practice/{page.slug}")
    factories.seat_time(learner, course)
    assert not progress.progress_for(learner, course).module_done(practice)
    answer(learner_client, {**RIGHT, "q-sky": "green"})
    assert not progress.progress_for(learner, course).module_done(practice)
    answer(learner_client, RIGHT)
    assert progress.progress_for(learner, course).module_done(practice)


def test_own_attempts_page_and_other_peoples_results(app, learner_client, make_user, sign_in):
    answer(learner_client, RIGHT)
    html = learner_client.get("/courses/example-course/attempts").get_data(as_text=True)
    assert "Practice check" in html and "Attempt 1" in html and "100%" in html
    other = app.test_client()
    sign_in(other, make_user())
    assert other.get("/courses/example-course/quizzes/practice-check/attempts/1").status_code == 404
    assert "Attempt 1" not in other.get("/courses/example-course/attempts").get_data(as_text=True)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"q-sky": None}, "Choose an answer."),
        ({"q-fruits": None}, "Choose all answers that apply."),
        ({"q-calm-state": ""}, "Type an answer to this question."),
        ({"q-sky": "purple"}, "That answer is not one of the choices."),
        ({"q-sky": ["blue", "green"]}, "Choose only one answer."),
        ({"q-calm-state": "x" * 501}, "Keep your answer under 500 characters"),
        ({"q-other-quiz-question": "a"}, "Some answers sent do not belong to this quiz."),
    ],
)
def test_bad_answers_get_a_clear_message_and_store_nothing(learner_client, changes, message):
    data = {**RIGHT, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    response = answer(learner_client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'role="alert"' in html
    assert attempts() == []
    if "q-sky" in data and data["q-sky"] == "blue":
        assert 'value="blue" id="quiz-practice-check-sky-blue" checked' in html  # what was chosen is kept


def test_the_error_summary_names_each_question_by_its_number(learner_client):
    data = {k: v for k, v in RIGHT.items() if k not in ("q-sky", "q-fruits")}
    html = answer(learner_client, data).get_data(as_text=True)
    summary = texts_of(html, ".error-summary li")
    assert len(summary) == 2 and all(line.startswith("Question ") for line in summary)
    assert len(set(summary)) == 2  # two questions, two different lines


def test_a_tampered_attempt_number_is_refused(learner_client):
    response = answer(learner_client, RIGHT, number="2")
    assert response.status_code == 422 and "out of date" in response.get_data(as_text=True)
    assert attempts() == []


def test_an_unknown_quiz_is_404(learner_client):
    token = learner_client.csrf_token(QUIZ_PAGE)
    assert learner_client.post("/courses/example-course/quizzes/nope", data={"csrf_token": token}).status_code == 404


# --- integrity --------------------------------------------------------------------------------


def test_a_double_submit_records_one_attempt(learner_client):
    html = learner_client.get(QUIZ_PAGE).get_data(as_text=True)
    data = {"version": hidden(html, "version"), "number": hidden(html, "number"), **RIGHT}
    data["csrf_token"] = csrf_token(html)
    first = learner_client.post(SUBMIT, data=data)
    second = learner_client.post(SUBMIT, data={**data, "q-sky": "green"})  # the second tab
    assert first.location == second.location
    (attempt,) = attempts()
    assert attempt.score == 100
    assert "already submitted" in learner_client.get(second.location).get_data(as_text=True)


@pytest.mark.postgres_only
def test_two_simultaneous_submissions_record_one_attempt(app, learner, sign_in):
    """Run on PostgreSQL in CI: both requests race to insert attempt 1; the database keeps one."""
    client = app.test_client()
    sign_in(client, learner)
    html = client.get(QUIZ_PAGE).get_data(as_text=True)
    data = {"version": hidden(html, "version"), "number": "1", **RIGHT}
    data["csrf_token"] = csrf_token(html)
    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def submit():
        with app.app_context():
            c = app.test_client()
            c.set_cookie("session", cookie)
            barrier.wait()
            statuses.append(c.post(SUBMIT, data=data).status_code)
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 4
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_an_attempt_is_graded_against_the_version_the_learner_saw(editable, make_user, sign_in):
    app, folder = editable
    module = folder / "02-practice.md"
    client = app.test_client()
    sign_in(client, make_user())
    html = client.get(QUIZ_PAGE).get_data(as_text=True)
    seen = {"version": hidden(html, "version"), "number": "1", "csrf_token": client.csrf_token(QUIZ_PAGE)}
    # The author changes the right answer while the learner is answering.
    module.write_text(module.read_text().replace("- [ ] Green", "- [x] Green").replace("- [x] Blue", "- [ ] Blue"))
    response = client.post(SUBMIT, data={**seen, **RIGHT})
    assert response.status_code == 302
    (attempt,) = attempts()
    assert attempt.score == 100 and attempt.quiz_version.version == seen["version"]
    # Past attempts keep their version; the next attempt uses the new one.
    html = client.get(QUIZ_PAGE).get_data(as_text=True)
    assert hidden(html, "version") != seen["version"]
    assert db.session.scalar(select(func.count(QuizVersion.id))) == 2  # both versions were shown
    result = client.get(response.location).get_data(as_text=True)
    assert "Correct" in result and "100%" in result


def test_a_form_naming_a_version_not_shown_for_the_attempt_is_refused(editable, make_user, sign_in):
    """A learner cannot choose which stored version grades them: only the version last shown to them for
    the attempt counts, and after the author fixes the key, the fixed version grades every new attempt."""
    app, folder = editable
    module = folder / "02-practice.md"
    early = app.test_client()
    sign_in(early, make_user())
    old = hidden(early.get(QUIZ_PAGE).get_data(as_text=True), "version")
    # The author fixes the answer key: green is the right answer now.
    module.write_text(module.read_text().replace("- [ ] Green", "- [x] Green").replace("- [x] Blue", "- [ ] Blue"))

    # A learner who only ever saw the fixed version sends a form naming the old one (stored, as others saw it).
    late = app.test_client()
    sign_in(late, make_user())
    html = late.get(QUIZ_PAGE).get_data(as_text=True)
    assert hidden(html, "version") != old
    forged = late.post(SUBMIT, data={"version": old, "number": "1", "csrf_token": csrf_token(html), **RIGHT})
    page = forged.get_data(as_text=True)
    assert forged.status_code == 422 and "Nothing was recorded" in page
    assert form_fields(page, "form.quiz__form")["q-sky"] == "blue"  # the answers are kept
    assert attempts() == []

    # The learner who saw the old version, then opened the quiz again, was shown the fixed one for attempt 1.
    html = early.get(QUIZ_PAGE).get_data(as_text=True)
    fixed = hidden(html, "version")
    refused = early.post(SUBMIT, data={"version": old, "number": "1", "csrf_token": csrf_token(html), **RIGHT})
    assert refused.status_code == 422 and "Nothing was recorded" in refused.get_data(as_text=True)
    assert attempts() == []
    graded = early.post(SUBMIT, data={"version": fixed, "number": "1", "csrf_token": csrf_token(html), **RIGHT})
    assert graded.status_code == 302
    (attempt,) = attempts()
    assert attempt.quiz_version.version == fixed and attempt.score < 100  # blue is wrong in the fixed key


def test_a_submit_after_the_session_expired_keeps_the_answers(app, learner):
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    token = csrf_token(html)
    client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    page = client.get(QUIZ_PAGE).get_data(as_text=True)
    version, keep_token = hidden(page, "version"), hidden(page, "keep_token")
    client.delete_cookie("session")  # the session expired while the learner was answering
    data = {"version": version, "number": "1", "csrf_token": token, "keep_token": keep_token, **RIGHT}
    response = client.post(SUBMIT, data=data)
    assert response.status_code == 302 and "/sign-in?next=" in response.location
    assert attempts() == []
    response = client.submit("/sign-in?next=" + QUIZ_PAGE, {"email": learner.email, "password": PASSWORD})
    assert response.location == QUIZ_PAGE
    page = client.get(QUIZ_PAGE).get_data(as_text=True)
    assert "Your answers were kept" in page
    assert 'value="blue" id="quiz-practice-check-sky-blue" checked' in page
    assert 'value="Self Regulation!"' in page or 'value=" Self Regulation! "' in page
    response = client.post(SUBMIT, data={
        "version": hidden(page, "version"), "number": hidden(page, "number"),
        "csrf_token": client.csrf_token(QUIZ_PAGE),
        "q-sky": "blue", "q-fruits": ["apple", "pear"], "q-boiling": "true", "q-calm-state": "self regulation",
    })  # fmt: skip
    assert response.status_code == 302
    assert [a.score for a in attempts()] == [100]
    assert "Your answers were kept" not in client.get(QUIZ_PAGE).get_data(as_text=True)  # handed back once


def test_an_expired_form_while_signed_in_keeps_the_answers(learner_client):
    html = learner_client.get(QUIZ_PAGE).get_data(as_text=True)
    data = {"version": hidden(html, "version"), "number": "1", "csrf_token": "stale", **RIGHT}
    response = learner_client.post(SUBMIT, data=data)
    assert response.status_code == 302 and response.location.startswith(QUIZ_PAGE)
    page = learner_client.get(QUIZ_PAGE).get_data(as_text=True)
    assert "This form had expired" in page and "Your answers were kept" in page
    assert attempts() == []


def test_scores_round_half_up():
    from courseware.courses.quiz import Choice, Question, Quiz
    from courseware.quizzes.grading import grade

    questions = [
        Question(f"q{i}", "single", "Q", choices=[Choice("a", "A", True), Choice("b", "B", False)]) for i in range(8)
    ]
    quiz = Quiz("q", "Quiz", "", questions, pass_mark=60, attempts=None, shuffle=False)
    answers = {f"q{i}": ["a" if i < 5 else "b"] for i in range(8)}
    assert grade(quiz, answers).score == 63  # 62.5 rounds up
    answers = {f"q{i}": ["a" if i < 1 else "b"] for i in range(8)}
    assert grade(quiz, answers).score == 13


def test_question_details_keep_their_paragraphs_and_choice_ids_are_checked(tmp_path):
    found = quiz_problems(tmp_path, "- [x] a {#Right_One}\n- [ ] b")
    assert any("choice id 'Right_One' must use lowercase letters" in p for p in found), found
    folder = tmp_path / "demo"
    (folder / "01-one.md").write_text(
        QUIZ.format(options="    id: check", body="First paragraph.\n\nSecond paragraph.\n\n- [x] a\n- [ ] b")
    )
    quiz = compile_course(folder, tmp_path).find_block("quiz", "check")[1].quiz
    assert quiz.questions[0].details_html == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"


def test_an_older_version_cannot_bring_back_older_rules(editable, make_user, sign_in):
    """A version shown before the rules changed is graded with today's pass mark and attempt limit, and
    only for the attempt it was shown for."""
    app, folder = editable
    module = folder / "02-practice.md"
    client = app.test_client()
    sign_in(client, make_user())
    module.write_text(module.read_text().replace("    attempts: 3\n", "    attempts: 3\n    pass_mark: 0\n"))
    html = client.get(QUIZ_PAGE).get_data(as_text=True)
    old, token = hidden(html, "version"), csrf_token(html)
    module.write_text(module.read_text().replace("    pass_mark: 0\n", ""))
    wrong = {"q-sky": "green", "q-fruits": ["carrot"], "q-boiling": "false", "q-calm-state": "no idea"}
    client.post(SUBMIT, data={"version": old, "number": "1", "csrf_token": token, **wrong})
    assert [(a.score, a.passed) for a in attempts()] == [(0, False)]
    refused = client.post(SUBMIT, data={"version": old, "number": "2", "csrf_token": token, **wrong})
    assert refused.status_code == 422 and "Nothing was recorded" in refused.get_data(as_text=True)
    current = hidden(refused.get_data(as_text=True), "version")
    for number in (2, 3):
        client.post(SUBMIT, data={"version": current, "number": str(number), "csrf_token": token, **wrong})
        client.get(QUIZ_PAGE)  # the page shows the quiz for the next attempt
    assert [(a.score, a.passed) for a in attempts()] == [(0, False)] * 3
    client.post(SUBMIT, data={"version": current, "number": "4", "csrf_token": token, **wrong})
    assert len(attempts()) == 3  # today's limit of three attempts holds
