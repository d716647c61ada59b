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


def storage_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(window.localStorage).filter(k => k.startsWith('courseware:'))")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", level=1, name="Sign in").wait_for()


def test_unsaved_text_on_a_shared_computer_never_reaches_the_next_person(page):
    sign_up(page, "Ari Shared", "ari@example.org")
    page.goto(PAGE)
    page.route("**/fields/**", lambda route: route.abort())  # offline: no save gets through
    page.get_by_label("Your reflection").fill("Ari's private thoughts about a student")
    page.locator("#worksheet-looking-back [data-autosave-status]").get_by_text("Not saved yet").wait_for()
    keys = storage_keys(page)
    assert keys and all("ari" not in key for key in keys)  # kept under an opaque id, not the email
    page.unroute("**/fields/**")
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page with unsaved changes?"
    sign_out(page)
    assert storage_keys(page) == []

    sign_up(page, "Bo Next", "bo@example.org")
    page.goto(PAGE)
    assert page.get_by_label("Your reflection").input_value() == ""
    assert "Ari's private thoughts" not in page.content()


def test_text_kept_under_another_account_is_removed_unseen(page):
    """Offline, or signed out in another tab: the kept text is still there when someone else signs in."""
    sign_up(page, "Ari Shared", "ari@example.org")
    page.goto(PAGE)
    page.route("**/fields/**", lambda route: route.abort())
    page.get_by_label("Your reflection").fill("Ari's private thoughts about a student")
    page.locator("#worksheet-looking-back [data-autosave-status]").get_by_text("Not saved yet").wait_for()
    assert storage_keys(page)
    page.context.clear_cookies()  # the session ends without this page's sign-out
    sign_up(page, "Bo Next", "bo@example.org")
    page.goto(PAGE)
    assert page.get_by_label("Your reflection").input_value() == ""
    assert "Ari's private thoughts" not in page.content()
    assert storage_keys(page) == []


def test_a_conflict_ends_once_the_learner_chooses(page, context):
    sign_up(page, "Cam Conflict", "cam@example.org")
    page.goto(PAGE)
    page.get_by_label("Your reflection").fill("Saved first")
    status = page.locator("#worksheet-looking-back [data-autosave-status]")
    status.get_by_text("Saved at").wait_for()

    other = context.new_page()  # another window saves newer text
    other.goto(PAGE)
    other.get_by_label("Your reflection").fill("Newer text from the other window")
    other.locator("#worksheet-looking-back [data-autosave-status]").get_by_text("Saved at").wait_for()
    other.close()

    page.route("**/fields/**", lambda route: route.abort())  # this window's next save fails
    page.get_by_label("Your reflection").fill("Older window's text")
    status.get_by_text("Not saved yet").wait_for()
    page.unroute("**/fields/**")
    status.get_by_text("changed in another window").wait_for()

    for _ in range(3):  # reloading never sends the old text again, and never adds a box
        page.reload()
        boxes = page.locator("#worksheet-looking-back .conflict")
        assert boxes.count() == 1
        assert page.get_by_label("Your reflection").input_value() == "Newer text from the other window"
        assert "saved answer is in the field above" in boxes.inner_text()
    assert storage_keys(page) == []
    assert_accessible(page, "a worksheet answer in conflict")

    page.get_by_role("button", name="Keep the saved answer").click()
    page.get_by_text("The copy is removed").wait_for()
    for _ in range(2):
        assert page.locator(".conflict").count() == 0
        assert page.get_by_label("Your reflection").input_value() == "Newer text from the other window"
        page.reload()
