"""A learner's journey in a real browser, with axe-core accessibility checks along the way.

Set BROWSER_SHOTS to a folder (e.g. /tmp/shots) to save screenshots of the pages visited.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.helpers.live_server import LiveServer
from tests.helpers.sign_up import mailed_link

pytestmark = pytest.mark.browser

PASSWORD = "violet-harbor-lantern-42"
COURSE = "/courses/example-course"
FIRST_PAGE = f"{COURSE}/welcome/getting-started"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],  # every violation in full; of passes, only a count comes back
}
PHONE = {"width": 390, "height": 844}

axe = Axe()


def shot(page, name: str) -> None:
    """Save a full-page screenshot when BROWSER_SHOTS names a folder."""
    folder = os.environ.get("BROWSER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def assert_accessible(page, what: str) -> None:
    # A form post re-renders the page; the alert can be in the DOM before the
    # stylesheet has applied, and unstyled links are smaller than 24 px.
    page.wait_for_load_state("load")
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}" for node in v["nodes"])
        for v in violations
    )
    assert not violations, f"axe found {len(violations)} violation(s) on {what}:\n{report}"


def sign_up(page, name: str = "Avery Stone", email: str = "avery@example.org", check: bool = False) -> None:
    """Sign up through the form and the link mailed to confirm it; ``check``: axe on those pages."""
    page.goto("/sign-up")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", level=1, name="Check your email").wait_for()
    if check:
        assert_accessible(page, "the sign-up's check-your-email page")
        shot(page, "sign-up-sent")
    with LiveServer.serving.app.app_context():
        link = mailed_link(email)
    page.goto(link)
    if check:
        assert_accessible(page, "the sign-up's confirmation page")
        shot(page, "sign-up-confirm")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("/")


def test_learner_signs_up_reads_and_resumes(page):
    sign_up(page)
    page.get_by_role("heading", level=1, name="Courses").wait_for()
    assert page.get_by_role("status").inner_text().startswith("Welcome, Avery Stone!")

    page.get_by_role("link", name="Example course", exact=True).click()
    page.wait_for_url(COURSE)
    page.get_by_role("link", name="Start the course").click()
    page.wait_for_url(FIRST_PAGE)
    assert page.get_by_role("heading", level=1).inner_text() == "Getting started"

    next_link = page.get_by_role("navigation", name="Pages").get_by_role("link", name=re.compile(r"^Next"))
    next_link.click()
    page.wait_for_url(f"{COURSE}/welcome/progress")
    assert page.get_by_role("heading", level=1).inner_text() == "How progress works"
    shot(page, "page-with-table")
    next_link.click()
    page.wait_for_url(f"{COURSE}/practice/trying-things-out")
    assert page.get_by_role("heading", level=1).inner_text() == "Trying things out"
    shot(page, "page-with-previous")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.wait_for_url("/")
    shot(page, "catalog-started")
    page.get_by_role("link", name="Resume Example course").click()
    page.wait_for_url(f"{COURSE}/practice/trying-things-out")
    assert page.get_by_role("heading", level=1).inner_text() == "Trying things out"


def test_pages_are_accessible_on_desktop_and_phone(page):
    page.goto("/sign-in")
    assert_accessible(page, "the sign-in page")
    shot(page, "sign-in")

    page.goto("/sign-up")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, "the sign-up page with errors")
    shot(page, "sign-up-errors")

    sign_up(page, check=True)
    assert_accessible(page, "the catalog")
    shot(page, "catalog")

    page.goto(COURSE)
    assert_accessible(page, "the course home")
    shot(page, "course-home")

    page.goto(FIRST_PAGE)
    assert_accessible(page, "a course page")
    shot(page, "page")

    page.set_viewport_size(PHONE)
    page.reload()
    shot(page, "page-phone")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px wide in a {inner_width}px window"

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("link => link === document.activeElement"), "Tab does not focus the skip link first"
    assert skip_link.is_visible()
    assert_accessible(page, "a course page on a phone, skip link focused")
    shot(page, "page-phone-skip-link")

    skip_link.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    if os.environ.get("BROWSER_SHOTS"):
        for path, name in [("/", "catalog-phone"), (COURSE, "course-home-phone")]:
            page.goto(path)
            shot(page, name)
