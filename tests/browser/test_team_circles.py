"""A team's own discussion in a real browser: a member posts from the team's page, the team's facilitator
hides the post with a reason, and its author reads the reason. Checked with axe-core at a laptop's and a
phone's width."""

from __future__ import annotations

import pytest

from courseware.accounts import services as accounts
from courseware.cohorts import services as cohorts
from courseware.teams import services as teams
from tests.browser.test_circles import both_widths, sign_out
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import PASSWORD
from tests.helpers import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def team_circle(live_server):
    """Lincoln's staff cohort with the example course, a team of a member and a facilitator: the team's id and
    the address of its discussion of the practice module."""
    with live_server.app.app_context():
        district = cohorts.create_organisation("Riverside District")
        lincoln = cohorts.create_organisation("Lincoln Elementary", district)
        cohort = cohorts.create_cohort(lincoln, "Lincoln staff")
        factories.assignment(cohort)
        team = teams.create_team(cohort, "Implementation team")
        for name, email in (("Ana Alvarez", "ana"), ("Fay Facilitator", "fay")):
            person = accounts.register(name, f"{email}@district.org", PASSWORD)
            cohorts.join(cohort, person)
            teams.add_member(team, person.id)
            if email == "fay":
                teams.set_facilitator(team, person.id, True)
        return team.id, f"/teams/{team.id}/circles/example-course/practice"


def test_a_facilitator_hides_a_post_in_their_teams_discussion(page, team_circle):
    team_id, url = team_circle
    sign_in(page, "ana@district.org")
    page.goto(f"/teams/{team_id}")
    both_widths(page, "a team's page with its discussions", "team-page-discussions")
    page.locator("#discussions").get_by_role("link", name="Module 2: Practice").click()
    page.wait_for_url(url)
    both_widths(page, "an empty team discussion", "team-circle-empty")
    page.get_by_label("Your post").fill("In Ms. Example's class, **Jordan** cried today.")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(f"{url}#post-*")

    sign_out(page)
    sign_in(page, "fay@district.org")
    page.goto(url)
    assert "Moderation" in page.locator(".circle-tools").inner_text()
    first = page.locator(".post").first
    first.locator(".post__details summary", has_text="Hide").click()
    first.get_by_label("Reason (its author sees it)").fill("Please keep students' names out")
    first.get_by_role("button", name="Hide from the members").click()
    page.locator(".post__hidden").wait_for()
    both_widths(page, "a team discussion with a hidden post, as its facilitator", "team-circle-facilitator")

    sign_out(page)
    sign_in(page, "ana@district.org")
    page.goto(url)
    assert "Please keep students' names out" in page.locator(".post__hidden").inner_text()
    assert page.locator(".circle-tools").count() == 0
    both_widths(page, "a team discussion, as the author of a hidden post", "team-circle-author")
