"""A case study in a real browser, without JavaScript of its own: a response, then the model response and the
rubric beside it, a score with a criterion missing, then a full score; on a laptop and on a phone."""

from __future__ import annotations

import pytest

from tests.browser.test_learner_journey import PHONE, assert_accessible, shot, sign_up

pytestmark = pytest.mark.browser

PAGE = "/courses/example-course/practice/check"
BLOCK = "#case-study-noisy-morning"


def fits_the_width(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px wide in a {inner_width}px window"


def test_a_learner_responds_to_a_case_study_and_scores_it(page):
    sign_up(page, "Rae Lindqvist", "rae@example.org")
    page.goto(PAGE)
    block = page.locator(BLOCK)
    assert block.locator(".case-study__model").count() == 0  # the model response waits for the learner's own
    assert_accessible(page, "a page with a case study")

    block.get_by_role("button", name="Send my response").click()
    page.wait_for_load_state("load")
    assert "Write your response" in block.locator(f"{BLOCK}-response-error").inner_text()
    assert_accessible(page, "a case study response with a mistake")

    block.get_by_label("My response").fill("I would greet him by name, quietly,\nand give him a minute.")
    block.get_by_role("button", name="Send my response").click()
    page.wait_for_url(f"**{PAGE}{BLOCK}")
    assert "offer him a moment" in block.locator(".case-study__model").inner_text()
    assert "give him a minute" in block.locator(".case-study__mine").inner_text()
    assert_accessible(page, "a case study with the model response and the rubric")

    criteria = block.locator(".case-study__criterion")
    criteria.nth(0).get_by_label("Met").check()
    criteria.nth(1).get_by_label("Partly").check()
    block.get_by_role("button", name="Save my score").click()
    page.wait_for_load_state("load")
    assert block.locator(".error-summary li").all_inner_texts() == ["Choose Met, Partly or Not yet for criterion 3."]
    assert criteria.nth(1).get_by_label("Partly").is_checked()  # the choices made are kept
    assert_accessible(page, "a case study score with a criterion missing")

    criteria.nth(2).get_by_label("Not yet").check()
    block.get_by_role("button", name="Save my score").click()
    page.wait_for_url(f"**{PAGE}{BLOCK}")
    assert block.locator(".case-study__score").inner_text() == "3 of 6 points · 1 of 3 criteria met"
    assert_accessible(page, "a scored case study")
    shot(page, "case-study-scored")

    block.locator("summary", has_text="Revise my response").click()
    assert block.get_by_label("My revised response").input_value().endswith("give him a minute.")
    assert_accessible(page, "a case study with the revision box open")

    page.set_viewport_size(PHONE)
    page.reload()
    fits_the_width(page)
    assert_accessible(page, "a scored case study on a phone")
    shot(page, "case-study-phone")
