"""Peer-learning circles in a real browser: members post and reply, a leader hides a post and locks the
discussion; every page checked with axe-core at desktop and phone widths."""

from __future__ import annotations

from datetime import timedelta

import pytest

from courseware.accounts import services as accounts
from courseware.circles.digest import unsubscribe_token
from courseware.cohorts import services
from courseware.extensions import db
from courseware.models import CohortMember
from courseware.models.base import utcnow
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import PASSWORD, PHONE, assert_accessible, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def circle(live_server):
    """A cohort with the example course assigned, two members and their leader: the discussion's address."""
    with live_server.app.app_context():
        district = services.create_organisation("Riverside District")
        cohort = services.create_cohort(district, "Lincoln staff")
        services.assign(cohort, "example-course", utcnow().date() + timedelta(days=30), None)
        leader = accounts.register("Lee Leader", "lee@district.org", PASSWORD)
        services.grant_leader(leader, cohort=cohort)
        for name, email in (("Mia Member", "mia@district.org"), ("Cal Colleague", "cal@district.org")):
            person = accounts.register(name, email, PASSWORD)
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=person.id))
        db.session.commit()
        return f"/cohorts/{cohort.id}/circles/example-course/practice", unsubscribe_token(person.id)


def both_widths(page, what: str, name: str) -> None:
    assert_accessible(page, what)
    shot(page, name)
    page.set_viewport_size(PHONE)
    page.reload()
    assert_accessible(page, f"{what} (phone)")
    shot(page, f"{name}-phone")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{what} scrolls sideways: {scroll_width}px wide in a {inner_width}px window"
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_members_discuss_and_a_leader_moderates(page, circle):
    url, token = circle
    sign_in(page, "mia@district.org")
    page.goto("/courses/example-course/practice/trying-things-out")
    block = page.locator("#discussion-greeting-together")
    block.scroll_into_view_if_needed()
    assert_accessible(page, "a course page with a discussion block, for a member")
    shot(page, "course-page-discussion")
    block.get_by_role("link", name="Open the discussion of Lincoln staff").click()
    page.wait_for_url(url)
    both_widths(page, "an empty discussion", "circle-empty")

    page.get_by_label("Your post").fill("Greeting at the door **worked**.\nTwo students smiled back.")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(f"{url}#post-*")
    assert "Your post is published" in page.get_by_role("status").first.inner_text()
    assert page.locator(".post__body strong").inner_text() == "worked"
    page.get_by_role("link", name="Edit your post").click()
    page.get_by_role("heading", level=1, name="Edit your post").wait_for()
    both_widths(page, "the edit page", "circle-edit")
    page.get_by_label("Your post").fill("Greeting at the door **worked**. Two students smiled back.")
    page.get_by_role("button", name="Save").click()
    page.locator(".post__edited").wait_for()

    sign_out(page)
    sign_in(page, "cal@district.org")
    page.goto(url)
    page.locator(".thread__reply summary").click()
    page.get_by_label("Your reply").fill("Same here: the quiet ones answered first.")
    page.get_by_role("button", name="Reply", exact=True).click()
    page.locator(".post--reply").wait_for()
    page.locator(".post__details summary", has_text="Report").click()
    page.get_by_label("What is wrong with it (optional)").fill("Just checking how reports work")
    page.get_by_role("button", name="Report to the leaders").click()
    page.get_by_text("You reported this post").wait_for()
    both_widths(page, "a discussion with a thread and a reply", "circle-member")

    sign_out(page)
    sign_in(page, "lee@district.org")
    page.goto(url)
    assert "Reports: 1" in page.locator(".circle-tools").inner_text()
    first = page.locator(".post").first
    first.locator(".post__details summary", has_text="Hide").click()
    first.get_by_label("Reason (its author sees it)").fill("Please keep students' names out")
    first.get_by_role("button", name="Hide from the members").click()
    page.locator(".post__hidden").wait_for()
    page.get_by_role("button", name="Lock the discussion").click()
    page.get_by_text("This discussion is locked").wait_for()
    both_widths(page, "a locked discussion with a hidden post, as a leader", "circle-leader")
    page.get_by_role("link", name="Reports: 1").click()
    page.get_by_role("heading", level=1, name="Reports: Practice").wait_for()
    both_widths(page, "the reports of a discussion", "circle-reports")

    sign_out(page)
    sign_in(page, "mia@district.org")
    page.goto(url)
    assert "Please keep students' names out" in page.locator(".post__hidden").inner_text()
    assert page.get_by_label("Your post").count() == 0  # locked: no form
    both_widths(page, "a locked discussion, as the author of a hidden post", "circle-author")

    sign_out(page)
    page.goto(f"/circles/unsubscribe/{token}")
    both_widths(page, "the digest's unsubscribe page", "circle-unsubscribe")
    page.get_by_role("button", name="Stop the digest").click()
    page.get_by_role("heading", level=1, name="Daily digest stopped").wait_for()
