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


def answer_wrongly(page, number: int) -> None:
    page.goto(QUIZ_PAGE)
    page.get_by_label("Green").check()
    page.get_by_label("Carrot").check()
    page.get_by_role("group", name="Water boils").get_by_label("False").check()
    page.get_by_label("Your answer").fill("calm")
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(f"**/quizzes/practice-check/attempts/{number}")


def test_answers_stay_hidden_until_the_last_attempt_and_the_pages_say_why(page):
    """The example course offers credit: its quiz of three attempts shows the answers after a pass or the last."""
    sign_up(page, "Sam Okafor", "sam@example.org")
    answer_wrongly(page, 1)
    assert page.get_by_role("heading", level=1).inner_text() == "Not passed yet"
    assert "0 of 4 correct" in page.get_by_role("status").inner_text()
    assert page.get_by_text("shown once you pass or have used your last attempt").is_visible()
    assert page.get_by_text("Not quite").count() == 0 and page.get_by_text("Why").count() == 0
    assert_accessible(page, "a quiz result before the answers are shown")
    shot(page, "quiz-result-hidden")

    answer_wrongly(page, 2)
    answer_wrongly(page, 3)
    assert page.get_by_text("Not quite").count() == 4
    assert page.get_by_text("The right answer:").first.is_visible()
    assert_accessible(page, "a quiz result with the answers shown")

    page.goto(QUIZ_PAGE)
    assert page.get_by_role("button", name="Submit answers").count() == 0
    assert page.get_by_text("You have used all 3 attempts at this quiz without reaching the pass mark").is_visible()
    review = page.locator("summary", has_text="The answers to your last attempt (attempt 3)")
    assert not page.get_by_text("Air scatters blue light more than red light.").is_visible()  # folded
    review.focus()
    page.keyboard.press("Enter")
    assert page.get_by_text("Air scatters blue light more than red light.").is_visible()
    assert_accessible(page, "a quiz whose attempts are used, with its answers open")
    shot(page, "quiz-used-up")


def test_times_are_shown_in_the_readers_own_time_zone(browser, live_server):
    """The server writes moments in UTC; the page shows them in the reader's time zone (here Chicago)."""
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1280, "height": 900}, timezone_id="America/Chicago"
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_up(page, "Casey Central", "casey@example.org")
        page.goto(QUIZ_PAGE)
        page.get_by_label("Blue").check()
        page.get_by_role("button", name="Submit answers").click()  # an attempt, recorded with its time
        page.get_by_role("alert").wait_for()
        page.get_by_label("Apple").check()
        page.get_by_label("Pear").check()
        page.get_by_role("group", name="Water boils").get_by_label("True").check()
        page.get_by_label("Your answer").fill("Self-regulation")
        page.get_by_role("button", name="Submit answers").click()
        page.wait_for_url("**/quizzes/practice-check/attempts/1")
        page.goto("/courses/example-course/attempts")
        moment = page.locator("time[data-local-time]").first
        shown, written = moment.inner_text(), moment.get_attribute("title")
        assert written.endswith("UTC") and "UTC" not in shown
        assert "CST" in shown or "CDT" in shown, shown
        assert_accessible(page, "the attempts page with local times")
    finally:
        context.close()
