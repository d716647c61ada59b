"""Logging practice in a real browser, without JavaScript of its own: a mistake, then an entry in the log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.test_learner_journey import assert_accessible, shot, sign_up

pytestmark = pytest.mark.browser

PAGE = "/courses/example-course/practice/trying-things-out"


def test_a_learner_logs_practice(page):
    sign_up(page, "Rae Lindqvist", "rae@example.org")
    page.goto(PAGE)
    block = page.locator("#practice-greet-at-the-door")
    assert block.locator(".practice__status").inner_text().startswith("0 of 20 minutes counted")
    assert_accessible(page, "a page with a practice block")

    today = datetime.now(UTC).date()
    block.get_by_label("Date you did it").fill(today.isoformat())
    block.get_by_label("Minutes spent").fill("90")
    block.get_by_label("What I tried").fill("Stood at the door and greeted every student by name.")
    block.get_by_label("What I noticed").fill("The first lesson started more calmly.")
    block.get_by_role("button", name="Log practice").click()
    page.wait_for_load_state("load")
    error = block.locator("#practice-greet-at-the-door-minutes-error")
    assert "at most 15 minutes" in error.inner_text()
    assert block.get_by_label("Minutes spent").input_value() == "90"
    assert block.get_by_label("What I tried").input_value() == "Stood at the door and greeted every student by name."
    assert "Tick this box" in block.locator("#practice-greet-at-the-door-attested-error").inner_text()
    assert_accessible(page, "a practice entry with mistakes")
    shot(page, "practice-mistakes")

    block.get_by_label("Minutes spent").fill("15")
    block.get_by_label("I did this activity myself, and the minutes are my own.").check()
    block.get_by_role("button", name="Log practice").click()
    page.wait_for_url(f"**{PAGE}#practice-greet-at-the-door")
    assert page.get_by_role("status").first.inner_text().startswith("Logged 15 minutes")
    assert block.locator(".practice__status").inner_text().startswith("15 of 20 minutes counted")
    assert "The first lesson started more calmly." in block.locator(".practice-log").inner_text()
    assert block.get_by_label("Minutes spent").input_value() == ""  # a fresh form for the next time
    assert_accessible(page, "a practice log with an entry")
    shot(page, "practice-logged")
