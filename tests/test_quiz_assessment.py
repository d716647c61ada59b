"""Quizzes that measure: course-wide settings, questions drawn from a pool, attempt limits, a wait
after a failed attempt, and answers revealed only by the quiz's policy (never leaked before)."""

from __future__ import annotations

import textwrap
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from courseware.courses import compile_course
from courseware.courses.course_yml import read_course_yml
from courseware.courses.problems import ProblemList
from courseware.courses.quiz import Choice, Question, Quiz
from courseware.extensions import db
from courseware.models import QuizAttempt
from courseware.quizzes.grading import AnswersInvalid, answers_from_form, grade
from courseware.quizzes.rules import AttemptState, attempt_seed, drawn_question_ids
from courseware.quizzes.services import attempt_quiz
from tests.conftest import PASSWORD
from tests.helpers.html import csrf_token, form_fields, parse, text_of

PAGE = "/courses/assess/one/check"
SUBMIT = "/courses/assess/quizzes/pool"
RESULTS = "/courses/assess/quizzes/pool/attempts/{}"
ATTEMPTS = "/courses/assess/attempts"
QUESTIONS = [f"q{n}" for n in range(1, 7)]
SECRETS = [
    "Secret feedback",
    "Secret explanation",
    "The right answer:",
    "The right answers:",
    "Accepted answer",
    "Correct",
    "Not quite",
]

COURSE_YML = """\
title: Assessment
credit:
  hours: {hours}
provider:
  contact: pd@district.org
{quizzes}"""

QUESTION = """\
### Question {n} {{#q{n}}}

- [x] Alpha {n}
    Secret feedback right {n}.
- [ ] Beta {n}
    Secret feedback wrong {n}.
- [ ] Gamma {n}
- [ ] Delta {n}

Explanation: Secret explanation {n}.
"""

MODULE = """\
---
title: One
minutes: 60
---

## Read {{#read}}

Some reading before the quiz.

## Check {{#check}}

/// quiz | Pool check
    id: pool
{options}
{questions}
///
"""


def write_course(folder, quizzes: str = "", options: str = "", hours: float = 1, questions: int = 6) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yml").write_text(COURSE_YML.format(hours=hours, quizzes=textwrap.dedent(quizzes)))
    body = "\n".join(QUESTION.format(n=n) for n in range(1, questions + 1))
    (folder / "01-one.md").write_text(MODULE.format(options=options, questions=body))


@pytest.fixture
def course_app(app, make_app, tmp_path):
    """course_app(quizzes=course.yml's quizzes section, options=the quiz's options, hours=credit): an app
    serving a course of one module whose quiz has six questions, Alpha the right choice of each."""
    stack = ExitStack()

    def build(quizzes: str = "", options: str = "", hours: float = 1):
        write_course(tmp_path / "courses" / "assess", quizzes, options, hours)
        app = make_app(COURSES_DIR=tmp_path / "courses")
        stack.enter_context(app.app_context())
        return app

    with stack:
        yield build


@pytest.fixture
def learn(course_app, make_user, sign_in):
    """learn(**course settings): a signed-in client of a course built with them, and the learner."""

    def start(**settings):
        app = course_app(**settings)
        user = make_user()
        client = app.test_client()
        sign_in(client, user)
        return client, user

    return start


def shown(html: str) -> dict[str, list[str]]:
    """The questions of the quiz's form, in order, each with its choices in the order shown."""
    form = parse(html).select_one("form.quiz__form")
    assert form is not None, "the page shows no quiz form"
    questions: dict[str, list[str]] = {}
    for field in form.select("input[name^='q-']"):
        questions.setdefault(field["name"][2:], []).append(field["value"])
    return questions


def right(questions) -> dict[str, str]:
    return {f"q-{q}": f"alpha-{q[1:]}" for q in questions}


def wrong(questions) -> dict[str, str]:
    return {f"q-{q}": f"beta-{q[1:]}" for q in questions}


def submit(client, answers=None, **fields):
    """Open the quiz's page and submit ``answers`` (by default: every question shown answered right)."""
    html = client.get(PAGE).get_data(as_text=True)
    form = form_fields(html, "form.quiz__form")
    answers = right(shown(html)) if answers is None else answers
    data = {"version": form["version"], "number": form["number"], "csrf_token": csrf_token(html), **answers}
    return client.post(SUBMIT, data={**data, **fields})


def fail(client):
    """Submit every question shown answered wrong."""
    html = client.get(PAGE).get_data(as_text=True)
    return submit(client, wrong(shown(html)))


def attempts() -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.number)))


def page(client, url: str = PAGE) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def without_form(html: str) -> str:
    """The page without the quiz's form, whose choices name every answer, right or wrong."""
    soup = parse(html)
    form = soup.select_one("form.quiz__form")
    if form is not None:
        form.decompose()
    return str(soup)


def assert_nothing_revealed(html: str, questions=QUESTIONS) -> None:
    for secret in SECRETS:
        assert secret not in html, secret
    assert "result--correct" not in html and "result--wrong" not in html
    for q in questions:
        assert f"Alpha {q[1:]}" not in html, f"the right choice of {q} is on the page"


# --- course.yml and the block's options --------------------------------------------------------


def read(tmp_path, text: str):
    folder = tmp_path / "demo"
    folder.mkdir(exist_ok=True)
    (folder / "course.yml").write_text(text)
    problems = ProblemList(tmp_path)
    course, _ = read_course_yml(folder, problems)
    return course, [str(p) for p in problems.sorted()]


def test_quiz_settings_default_by_credit(tmp_path):
    credit, problems = read(tmp_path, "title: T\ncredit:\n  hours: 2\n")
    assert problems == []
    assert (credit.quizzes.shuffle, credit.quizzes.attempts, credit.quizzes.wait) == (True, None, 0)
    assert credit.quizzes.reveal == "after-pass-or-last-attempt"
    free, _ = read(tmp_path, "title: T\n")
    assert free.quizzes.reveal == "after-each-attempt"


def test_quiz_settings_are_read(tmp_path):
    course, problems = read(
        tmp_path, "title: T\nquizzes:\n  shuffle: false\n  attempts: 3\n  wait: 30\n  reveal: never\n"
    )
    assert problems == []
    assert (course.quizzes.shuffle, course.quizzes.attempts, course.quizzes.wait) == (False, 3, 30)
    assert course.quizzes.reveal == "never"
    course, problems = read(tmp_path, "title: T\nquizzes:\n  attempts: unlimited\n")
    assert problems == [] and course.quizzes.attempts is None


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("shuffle: sometimes", "demo/course.yml:3: 'quizzes.shuffle' must be true or false"),
        ("attempts: 0", "demo/course.yml:3: 'quizzes.attempts' must be a whole number of at least 1, or unlimited"),
        ("attempts: 2.5", "demo/course.yml:3: 'quizzes.attempts' must be a whole number of at least 1, or unlimited"),
        ("wait: -5", "demo/course.yml:3: 'quizzes.wait' must be between 0 and 10080"),
        ("wait: 7.5", "demo/course.yml:3: 'quizzes.wait' must be a whole number"),
        ("reveal: sometimes", "demo/course.yml:3: 'quizzes.reveal' must be one of: after-each-attempt, "),
        ("draw: 3", "demo/course.yml:3: unknown setting 'draw' in 'quizzes'"),
    ],
)
def test_quiz_settings_mistakes_have_file_and_line(tmp_path, setting, message):
    course, problems = read(tmp_path, f"title: T\nquizzes:\n  {setting}\n")
    assert any(message in p for p in problems), problems
    assert course.quizzes.reveal == "after-each-attempt"  # a mistake leaves the default


def compiled_quiz(tmp_path, quizzes: str = "", options: str = "", hours: float = 1):
    folder = tmp_path / "courses" / "assess"
    write_course(folder, quizzes, options, hours)
    course = compile_course(folder, tmp_path / "courses")
    found = course.find_block("quiz", "pool")
    return (found[1].quiz if found else None), [str(p) for p in course.problems]


def test_a_quiz_takes_the_course_settings_and_may_override_each(tmp_path):
    quiz, problems = compiled_quiz(tmp_path, "quizzes:\n  attempts: 3\n  wait: 10\n  shuffle: false\n")
    assert problems == []
    assert (quiz.attempts, quiz.wait, quiz.shuffle, quiz.reveal, quiz.draw) == (
        3, 10, False, "after-pass-or-last-attempt", None
    )  # fmt: skip
    options = "    attempts: unlimited\n    wait: 0\n    shuffle: true\n    reveal: never\n    draw: 4\n"
    quiz, problems = compiled_quiz(tmp_path, "quizzes:\n  attempts: 3\n  wait: 10\n  shuffle: false\n", options)
    assert problems == []
    assert (quiz.attempts, quiz.wait, quiz.shuffle, quiz.reveal, quiz.draw) == (None, 0, True, "never", 4)


def test_when_answers_are_shown_is_not_part_of_a_quiz_version(tmp_path):
    """Changing the wait or the reveal policy keeps the version learners answer; a draw changes it."""
    quiz, _ = compiled_quiz(tmp_path)
    assert compiled_quiz(tmp_path, options="    wait: 5\n    reveal: never\n")[0].version == quiz.version
    assert compiled_quiz(tmp_path, options="    draw: 2\n")[0].version != quiz.version


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("    draw: 7", "14: option 'draw' of a quiz block: the quiz has 6 questions, so it cannot draw 7"),
        ("    draw: 0", "14: option 'draw' of a quiz block: use a whole number of at least 1"),
        ("    draw: all", "14: option 'draw' of a quiz block: use a whole number of at least 1"),
        ("    draw: true", "14: option 'draw' of a quiz block: use a whole number of at least 1"),
        ("    wait: -1", "14: option 'wait' of a quiz block: use a whole number of minutes from 0"),
        ("    reveal: later", "14: option 'reveal' of a quiz block: use one of: after-each-attempt"),
        ("    attempts: 0", "14: option 'attempts' of a quiz block: use a whole number of at least 1, or unlimited"),
        ("    attempts: 3\n    shuffle: maybe", "15: option 'shuffle' of a quiz block: use true or false"),
    ],
)
def test_bad_quiz_options_are_reported_with_file_and_line(tmp_path, options, expected):
    quiz, problems = compiled_quiz(tmp_path, options=options + "\n")
    assert quiz is None
    assert any(p.startswith(f"assess/01-one.md:{expected}") for p in problems), problems


# --- the rules, without an app -------------------------------------------------------------------


def pool_quiz(**rules) -> Quiz:
    questions = [
        Question(q, "single", q, choices=[Choice("a", "A", True), Choice("b", "B", False), Choice("c", "C", False)])
        for q in QUESTIONS
    ]
    return Quiz(
        "pool", "Pool", "", questions, pass_mark=80, attempts=rules.pop("attempts", None), shuffle=True, **rules
    )


def made(number: int, passed: bool, minutes_ago: int) -> SimpleNamespace:
    return SimpleNamespace(number=number, passed=passed, submitted_at=NOW - timedelta(minutes=minutes_ago))


NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_a_draw_follows_its_seed():
    quiz = pool_quiz(draw=3)
    draws = [drawn_question_ids(quiz, attempt_seed(7, "pool", 1, number)) for number in range(1, 11)]
    assert all(len(d) == 3 and d == sorted(d) for d in draws)  # three, in the order written
    assert draws[0] == drawn_question_ids(quiz, attempt_seed(7, "pool", 1, 1))
    assert len({tuple(d) for d in draws}) > 1
    assert drawn_question_ids(pool_quiz(), "any") == QUESTIONS
    assert drawn_question_ids(pool_quiz(draw=6), "any") == QUESTIONS


def test_scores_count_only_the_questions_asked():
    quiz = pool_quiz(draw=2)
    answers = {"q2": ["a"], "q5": ["b"]}
    assert grade(quiz, answers, ["q2", "q5"]).score == 50
    with pytest.raises(AnswersInvalid) as refused:
        answers_from_form(quiz, MultiDict([("q-q2", "a"), ("q-q5", "b"), ("q-q1", "a")]), ["q2", "q5"])
    assert "questions this attempt does not ask" in refused.value.errors[""]


@pytest.mark.parametrize(
    ("reveal", "attempts", "made_attempts", "revealed"),
    [
        ("after-each-attempt", None, [], False),
        ("after-each-attempt", None, [(1, False)], True),
        ("after-pass-or-last-attempt", None, [(1, False), (2, False)], False),
        ("after-pass-or-last-attempt", None, [(1, False), (2, True)], True),
        ("after-pass-or-last-attempt", 2, [(1, False)], False),
        ("after-pass-or-last-attempt", 2, [(1, False), (2, False)], True),
        ("never", 1, [(1, True)], False),
    ],
)
def test_when_the_answers_are_revealed(reveal, attempts, made_attempts, revealed):
    quiz = pool_quiz(reveal=reveal, attempts=attempts)
    state = AttemptState(quiz, [made(n, passed, 60) for n, passed in made_attempts], NOW)
    assert state.revealed is revealed


def test_when_the_next_attempt_opens():
    quiz = pool_quiz(wait=20)
    assert AttemptState(quiz, [], NOW).opens_at is None
    waiting = AttemptState(quiz, [made(1, False, 5)], NOW)
    assert waiting.opens_at == NOW + timedelta(minutes=15) and waiting.minutes_to_wait == 15
    assert AttemptState(quiz, [made(1, False, 20)], NOW).opens_at is None  # the wait is over
    assert AttemptState(quiz, [made(1, False, 30), made(2, True, 1)], NOW).opens_at is None  # no wait after a pass
    assert AttemptState(pool_quiz(wait=0), [made(1, False, 0)], NOW).opens_at is None
    used_up = AttemptState(pool_quiz(wait=20, attempts=1), [made(1, False, 5)], NOW)
    assert used_up.used_up and used_up.opens_at is None  # nothing left to wait for


# --- shuffle ------------------------------------------------------------------------------------


def test_choice_order_is_stable_within_an_attempt_and_changes_between_attempts(learn):
    client, _ = learn(options="    wait: 0\n")
    first = shown(page(client))
    assert shown(page(client)) == first  # a reload keeps the order
    assert list(first) == QUESTIONS  # every question, in the order written
    assert any(choices != [f"{c}-{q[1:]}" for c in ("alpha", "beta", "gamma", "delta")] for q, choices in first.items())
    orders = [first]
    for _ in range(3):
        fail(client)
        orders.append(shown(page(client)))
    assert len({tuple(map(tuple, o.values())) for o in orders}) > 1  # attempts differ
    assert [a.number for a in attempts()] == [1, 2, 3]


def test_shuffle_false_keeps_the_choices_as_written(learn):
    client, _ = learn(quizzes="quizzes:\n  shuffle: false\n")
    for q, choices in shown(page(client)).items():
        assert choices == [f"{c}-{q[1:]}" for c in ("alpha", "beta", "gamma", "delta")]


# --- draws --------------------------------------------------------------------------------------


def test_each_attempt_draws_its_questions_and_keeps_them_on_reload(learn):
    client, _ = learn(quizzes="quizzes:\n  reveal: after-each-attempt\n", options="    draw: 2\n")
    html = page(client)
    assert "2 questions each attempt, drawn from 6" in text_of(html, ".quiz__meta")
    drawn = []
    for _ in range(6):
        html = page(client)
        asked = list(shown(html))
        assert len(asked) == 2 and asked == list(shown(page(client)))  # the same questions after a reload
        assert asked == [q for q in QUESTIONS if q in asked]  # in the order written
        drawn.append(asked)
        fail(client)
        assert attempts()[-1].question_ids == asked
        assert sorted(attempts()[-1].results) == sorted(asked)
    assert len({tuple(d) for d in drawn}) > 1  # attempts draw different questions


def test_only_the_drawn_questions_are_graded_and_counted(learn):
    client, _ = learn(options="    draw: 4\n")
    asked = list(shown(page(client)))
    answers = {**right(asked[:3]), **wrong(asked[3:])}
    response = submit(client, answers)
    assert response.status_code == 302
    (attempt,) = attempts()
    assert (attempt.score, attempt.passed) == (75, False)  # 3 of the 4 drawn, not of all 6
    assert attempt.question_ids == asked and set(attempt.answers) == set(asked)
    assert "3 of 4 correct" in page(client, response.location)


def test_answers_to_questions_not_drawn_are_refused(learn):
    client, _ = learn(options="    draw: 3\n")
    asked = list(shown(page(client)))
    others = [q for q in QUESTIONS if q not in asked]
    response = submit(client, {**right(asked), **right(others[:1])})
    assert response.status_code == 422
    assert "Some answers are for questions this attempt does not ask" in response.get_data(as_text=True)
    assert attempts() == []
    assert list(shown(response.get_data(as_text=True))) == asked  # the same attempt, shown again
    # Answering all six questions instead of the three drawn does not earn a score over six.
    assert submit(client, right(QUESTIONS)).status_code == 422 and attempts() == []


def test_the_draw_is_made_on_the_server(learn):
    """The form's questions are the draw the server grades: the same seed, the same version."""
    client, user = learn(options="    draw: 2\n")
    asked = list(shown(page(client)))
    assert submit(client).status_code == 302
    (attempt,) = attempts()
    seed = attempt_seed(user.id, "pool", 1, 1)
    assert drawn_question_ids(attempt_quiz(attempt), seed) == asked == attempt.question_ids


def test_a_form_kept_over_a_sign_in_keeps_the_draw_and_order(course_app, make_user):
    app = course_app(options="    draw: 3\n")
    user = make_user()
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    client.submit("/sign-in", {"email": user.email, "password": PASSWORD})
    html = page(client)
    before = shown(html)
    form = form_fields(html, "form.quiz__form")
    client.delete_cookie("session")  # the session expired while the learner was answering
    asked = list(before)
    data = {"version": form["version"], "number": "1", "csrf_token": token, "keep_token": form["keep_token"]}
    response = client.post(SUBMIT, data={**data, **right(asked)})
    assert response.status_code == 302 and "/sign-in" in response.location
    client.submit("/sign-in?next=" + PAGE, {"email": user.email, "password": PASSWORD})
    html = page(client)
    assert "Your answers were kept" in html
    assert shown(html) == before  # the same questions, choices in the same order
    kept = form_fields(html, "form.quiz__form")
    assert all(kept[f"q-{q}"] == f"alpha-{q[1:]}" for q in asked)
    assert submit(client, {f"q-{q}": kept[f"q-{q}"] for q in asked}).status_code == 302
    (attempt,) = attempts()
    assert attempt.score == 100 and attempt.question_ids == asked


# --- attempt limits and waits -------------------------------------------------------------------


def test_used_up_attempts_replace_the_form_and_say_what_it_means(learn):
    client, _ = learn(quizzes="quizzes:\n  attempts: 2\n")
    assert "2 of 2 attempts left" in text_of(page(client), ".quiz__meta")
    fail(client)
    assert "1 of 2 attempts left" in text_of(page(client), ".quiz__meta")
    fail(client)
    html = page(client)
    assert parse(html).select_one("form.quiz__form") is None and "Submit answers" not in html
    notice = text_of(html, ".quiz .notice")
    assert "You have used all 2 attempts at this quiz without reaching the pass mark" in notice
    assert "completing the module “One”, so you cannot complete Assessment or receive its certificate" in notice
    assert "contact pd@district.org" in notice
    data = {"version": attempts()[0].quiz_version.version, "number": "3", "csrf_token": csrf_token(html)}
    response = client.post(SUBMIT, data={**data, **right(QUESTIONS)})
    assert response.status_code == 302 and len(attempts()) == 2
    assert "You have used every attempt at this quiz." in page(client)


def test_a_passed_quiz_with_every_attempt_used_says_so(learn):
    client, _ = learn(options="    attempts: 1\n")
    submit(client)
    assert "You passed this quiz and have used every attempt at it." in text_of(page(client), ".quiz .notice")


def test_a_wait_follows_a_failed_attempt_and_is_enforced(learn):
    client, _ = learn(quizzes="quizzes:\n  wait: 15\n")
    html = page(client)
    form = form_fields(html, "form.quiz__form")
    fail(client)
    html = page(client)
    assert parse(html).select_one("form.quiz__form") is None
    notice = text_of(html, ".quiz .notice")
    assert "wait 15 minutes after an attempt that does not pass" in notice
    assert "your next attempt opens at" in notice and "in 15 minutes" in notice
    opens = parse(html).select_one(".quiz .notice time")["datetime"]
    assert opens == (attempts()[0].submitted_at + timedelta(minutes=15)).isoformat(timespec="seconds")

    # A submission before then (a form kept open elsewhere) records nothing and keeps the answers.
    data = {"version": form["version"], "number": "2", "csrf_token": csrf_token(html), **right(QUESTIONS)}
    response = client.post(SUBMIT, data=data)
    assert response.status_code == 422 and len(attempts()) == 1
    again = response.get_data(as_text=True)
    assert "Nothing was recorded: the next attempt at this quiz is not open yet" in again
    assert "your next attempt opens at" in again
    assert form_fields(again, "form.quiz__form")["q-q1"] == "alpha-1"

    first = attempts()[0]
    first.submitted_at -= timedelta(minutes=15)
    db.session.commit()
    assert shown(page(client))  # the form is back
    assert submit(client).status_code == 302
    assert [(a.number, a.passed) for a in attempts()] == [(1, False), (2, True)]
    assert "opens at" not in page(client)  # no wait after a pass


def test_the_result_of_a_failed_attempt_says_when_to_try_again(learn):
    client, _ = learn(options="    wait: 30\n")
    response = fail(client)
    html = page(client, response.location)
    assert "Try again" not in html and "in 30 minutes" in html


# --- reveal policies and leaks ------------------------------------------------------------------


def test_nothing_is_revealed_before_a_pass_in_a_credit_course(learn):
    client, _ = learn()
    quiz_page = page(client)
    assert_nothing_revealed(without_form(quiz_page))
    response = fail(client)
    result = page(client, response.location)
    assert "0 of 6 correct" in result and "Not passed yet" in result and "0%" in result
    assert "shown once you pass" in result
    assert "Beta 1" in result  # the learner's own answer
    assert_nothing_revealed(result)
    quiz_page = page(client)
    assert "shown once you pass." in quiz_page
    assert_nothing_revealed(without_form(quiz_page))
    assert_nothing_revealed(page(client, ATTEMPTS))

    # Half right: the count, not which half.
    response = submit(client, {**right(QUESTIONS[:3]), **wrong(QUESTIONS[3:])})
    result = page(client, response.location)
    assert "3 of 6 correct" in result
    assert_nothing_revealed(result, QUESTIONS[3:])
    assert "result--correct" not in result

    # A pass reveals every answer, of this attempt and of the earlier ones.
    response = submit(client)
    result = page(client, response.location)
    assert "You passed" in result and "Secret explanation 4." in result and "The right answer" in result
    earlier = page(client, RESULTS.format(1))
    assert "Secret feedback wrong 1." in earlier and "Secret explanation 1." in earlier and "Not quite" in earlier
    assert "Alpha 1" in earlier  # the right choice, named


def test_the_last_allowed_attempt_reveals_the_answers(learn):
    client, _ = learn(options="    attempts: 2\n")
    response = fail(client)
    assert_nothing_revealed(page(client, response.location))
    assert "once you pass or have used your last attempt" in page(client)
    response = fail(client)
    result = page(client, response.location)
    assert "Not passed yet" in result and "Secret explanation 1." in result and "Alpha 1" in result
    review = parse(page(client)).select_one(".quiz__review")
    assert review is not None and "Secret explanation 6." in review.get_text()


def test_after_each_attempt_reveals_at_once(learn):
    client, _ = learn(hours=0)  # a course without credit shows the answers after each attempt
    response = fail(client)
    result = page(client, response.location)
    assert "Not quite" in result and "Secret feedback wrong 2." in result and "Secret explanation 2." in result
    assert "Alpha 2" in text_of(result, ".result-list")
    html = page(client)
    assert "Secret explanation 3." in text_of(html, ".quiz__review")
    assert shown(html)  # the next attempt's form follows the review
    form = str(parse(html).select_one("form.quiz__form"))
    assert not [secret for secret in SECRETS if secret in form]


def test_never_reveals_even_after_a_pass(learn):
    client, _ = learn(quizzes="quizzes:\n  reveal: never\n")
    response = submit(client)
    result = page(client, response.location)
    assert "You passed" in result and "6 of 6 correct" in result
    assert "does not show its right answers or explanations" in result
    for secret in SECRETS:
        assert secret not in result, secret
    assert "Alpha 1" in result  # the learner's own answer, which was right; no verdict says so
    html = page(client)
    assert parse(html).select_one(".quiz__review") is None
    for secret in SECRETS:
        assert secret not in html, secret


def test_a_quiz_page_before_any_attempt_leaks_no_answer(learn):
    client, _ = learn(options="    draw: 3\n    reveal: after-each-attempt\n")
    html = page(client)
    section = str(parse(html).select_one("section.quiz"))
    for secret in [*SECRETS, "data-correct", "[x]", "Explanation"]:
        assert secret not in section, secret
