"""Choosing a role track in a real browser: the choice page, then the shared core and that track only."""

from __future__ import annotations

import pytest

from tests.browser.test_learner_journey import PHONE, assert_accessible, shot, sign_up

pytestmark = pytest.mark.browser

COURSE = "/courses/tracks-course"


def test_a_learner_chooses_a_track_and_sees_the_core_and_that_track(page):
    sign_up(page, "Rae Lindqvist", "rae@example.org")
    page.goto(COURSE)
    page.get_by_role("link", name="Start the course").click()
    page.wait_for_url(f"**{COURSE}/track")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose your track"
    assert_accessible(page, "the track choice page")
    shot(page, "track-choice")

    page.get_by_role("button", name="Start the course on this track").click()  # nothing chosen yet
    page.wait_for_load_state("load")
    assert "Choose one of the tracks of this course." in page.locator("#track-error").inner_text()
    assert_accessible(page, "the track choice page with its message")

    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, "the track choice page on a phone")
    shot(page, "track-choice-phone")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Bus, cafeteria, custodial, front-office and security staff").check()
    page.get_by_role("button", name="Start the course on this track").click()
    page.wait_for_url(f"**{COURSE}/core/why-every-adult-matters")
    text = page.locator("main").inner_text()
    assert "On the bus and in the hallway" in text and "For the front office" in text
    assert "In the classroom, that begins" not in text
    shot(page, "track-core-page")

    page.goto(COURSE)
    outline = page.locator(".module-list").inner_text()
    assert "Around the school" in outline and "In the classroom" not in outline
    assert "Your track: Bus, cafeteria" in page.locator(".track-choice").inner_text()
    shot(page, "track-course-home")

    page.goto(f"{COURSE}/core/classroom-routines")
    assert page.get_by_role("heading", level=1).inner_text() == "This page is not on your track"
    assert_accessible(page, "a page of another track")
