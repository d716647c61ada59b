"""Answering a quiz in a real browser: keyboard-usable, accessible before and after submitting."""

from __future__ import annotations

import pytest

from tests.browser.test_learner_journey import assert_accessible, shot, sign_up

pytestmark = pytest.mark.browser

QUIZ_PAGE = "/courses/example-course/practice/check"


def test_quiz_is_answered_graded_and_accessible(page):
    sign_up(page, "Rowan Ellis", "rowan@example.org")
    page.goto(QUIZ_PAGE)
    assert_accessible(page, "a quiz page")
    shot(page, "quiz")

    # Submitting with questions unanswered keeps what was chosen and explains what is missing.
    page.get_by_label("Blue").check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_label("Blue").is_checked()
    assert_accessible(page, "a quiz page with errors")
    shot(page, "quiz-errors")

    page.get_by_label("Apple").check()
    page.get_by_label("Pear").check()
    page.get_by_role("group", name="Water boils").get_by_label("True").check()
    answer = page.get_by_label("Your answer")
    answer.fill("Self-regulation")
    answer.press("Enter")  # submits the form from the keyboard
    page.wait_for_url("**/quizzes/practice-check/attempts/1")
    assert page.get_by_role("heading", level=1).inner_text() == "You passed"
    assert "100%" in page.get_by_role("status").inner_text()
    assert_accessible(page, "a quiz result page")
    shot(page, "quiz-result")

    page.goto("/courses/example-course/attempts")
    assert_accessible(page, "the attempts page")
