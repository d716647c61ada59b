"""A worksheet in a real browser: autosave as the learner types, and the action plan."""

from __future__ import annotations

import pytest

from tests.browser.test_learner_journey import assert_accessible, shot, sign_up

pytestmark = pytest.mark.browser

PAGE = "/courses/example-course/practice/wrapping-up"


def test_worksheet_saves_as_the_learner_types(page):
    sign_up(page, "Sky Morgan", "sky@example.org")
    page.goto(PAGE)
    assert_accessible(page, "a worksheet page")

    reflection = page.get_by_label("Your reflection")
    reflection.fill("I will slow down and greet every student by name.")
    status = page.locator("#worksheet-looking-back [data-autosave-status]")
    status.get_by_text("Saved at").wait_for()

    plan = page.locator("#worksheet-my-plan")
    plan.get_by_label("A short title for your plan").fill("Calmer mornings")
    plan.get_by_label("A calm corner").check()
    plan.get_by_label("Step, row 1").fill("Greet at the door")
    plan.locator("[data-autosave-status]").get_by_text("Saved at").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-unsaved]')")
    shot(page, "worksheet")

    page.reload()
    assert page.get_by_label("Your reflection").input_value() == "I will slow down and greet every student by name."
    assert plan.get_by_label("A short title for your plan").input_value() == "Calmer mornings"
    assert plan.get_by_label("A calm corner").is_checked()
    assert plan.get_by_label("Step, row 1").input_value() == "Greet at the door"

    page.goto("/courses/example-course/action-plan")
    assert page.get_by_text("Calmer mornings").is_visible()
    assert_accessible(page, "the action plan")
    shot(page, "action-plan")
