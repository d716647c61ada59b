"""Three members of a school team build their plan together in real browsers, and their leader
reads it: items added, one copied from a member's own worksheet, a stale edit refused with both
versions shown. Every new page passes axe-core at a laptop's and a phone's width."""

from __future__ import annotations

import re

import pytest

from courseware.accounts import services as accounts
from courseware.cohorts import services as cohorts
from courseware.teams import services as teams
from tests.browser.test_learner_journey import PASSWORD, assert_accessible, shot
from tests.helpers import factories

pytestmark = pytest.mark.browser

WIDTHS = ((1280, 900), (390, 844))


@pytest.fixture
def school(live_server):
    """Lincoln's staff cohort with the example course assigned, its leader, and a team of three."""
    with live_server.app.app_context():
        district = cohorts.create_organisation("Riverside District")
        lincoln = cohorts.create_organisation("Lincoln Elementary", district)
        cohort = cohorts.create_cohort(lincoln, "Lincoln staff")
        factories.assignment(cohort)
        leader = accounts.register("Lee Leader", "lee@district.org", PASSWORD)
        cohorts.grant_leader(leader, organisation=lincoln)
        team = teams.create_team(cohort, "Implementation team")
        for name, email in (("Ana Alvarez", "ana"), ("Ben Brooks", "ben"), ("Cal Chen", "cal")):
            person = accounts.register(name, f"{email}@district.org", PASSWORD)
            cohorts.join(cohort, person)
            teams.add_member(team, person.id)
            if email == "cal":
                factories.worksheet_answers(person, "my-plan", {"first-try": "Greet each student by name at the door"})
        return cohort.id, team.id


def signed_in(browser, live_server, email: str):
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")
    return context, page


def check(page, what: str, name: str) -> None:
    """axe at a laptop's and a phone's width; the page never scrolls sideways; a screenshot of each."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page, f"{what} at {width}px")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{what} is wider than {width}px"
        shot(page, f"team-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def add_item(page, section: str, text: str, owner: str | None = None, due: str | None = None) -> None:
    region = page.get_by_role("region", name=section, exact=True)
    region.get_by_text(f"Add an item to {section}").click()
    region.get_by_label("What").fill(text)
    if owner:
        region.get_by_label("Owner", exact=True).select_option(label=owner)
    if due:
        region.get_by_label("Due date").fill(due)
    region.get_by_role("button", name="Add the item").click()
    page.get_by_text("The item is added to the plan.").wait_for()


def test_three_members_build_a_plan_and_their_leader_reads_it(browser, live_server, school):
    cohort_id, team_id = school
    plan_url = f"/teams/{team_id}/plans/example-course"
    ana_context, ana = signed_in(browser, live_server, "ana@district.org")
    ben_context, ben = signed_in(browser, live_server, "ben@district.org")
    cal_context, cal = signed_in(browser, live_server, "cal@district.org")
    try:
        ana.get_by_role("navigation", name="Main").get_by_role("link", name="My teams").click()
        ana.wait_for_url("/teams")
        check(ana, "My teams", "mine")
        ana.get_by_role("link", name="Implementation team").click()
        ana.wait_for_url(f"/teams/{team_id}")
        check(ana, "the team page of a member", "team-member")
        ana.get_by_role("link", name="Team plan: Example course").click()
        ana.wait_for_url(plan_url)
        ana.get_by_role("heading", level=1, name="Team plan of Implementation team").wait_for()
        check(ana, "an empty team plan", "plan-empty")
        add_item(ana, "Priorities", "Calmer mornings for every class")

        ben.goto(plan_url)
        add_item(ben, "Actions", "Morning meeting in every class", owner="Cal Chen", due="2027-03-31")

        cal.goto(plan_url)
        bring = cal.get_by_role("region", name="Bring from my worksheet")
        assert bring.get_by_label("My answer").locator("option").all_inner_texts() == [
            "My plan: What will you try first? (Greet each student by name at the door)"
        ]
        bring.get_by_label("Into the section").select_option(label="Actions")
        bring.get_by_role("button", name="Copy into the team plan").click()
        cal.get_by_text("A copy of your answer is in the team's plan.").wait_for()
        actions = cal.get_by_role("region", name="Actions", exact=True)
        assert "Greet each student by name at the door" in actions.inner_text()

        # Ana and Ben open the same item; Ben saves first, then Ana's older page is refused.
        ana.goto(plan_url)
        item_link = ana.get_by_role("link", name=re.compile("Edit or comment.*Morning meeting"))
        item_url = item_link.get_attribute("href")
        ana.goto(item_url)
        check(ana, "an item page", "item")
        ben.goto(item_url)
        ben.get_by_label("Status").select_option(label="Under way")
        ben.get_by_label("What").fill("Morning meeting in every class, 15 minutes")
        ben.get_by_role("button", name="Save the item").click()
        ben.get_by_text("The item is saved.").wait_for()

        ana.get_by_label("What").fill("Morning meeting, led by students")
        ana.get_by_role("button", name="Save the item").click()
        ana.get_by_role("heading", level=1, name="Your change was not saved").wait_for()
        theirs = ana.get_by_role("region", name="Saved now")
        assert "Morning meeting in every class, 15 minutes" in theirs.inner_text()
        assert "Ben Brooks changed this item" in ana.get_by_role("alert").inner_text()
        assert ana.get_by_role("region", name="Yours, not saved").get_by_label("What").input_value() == (
            "Morning meeting, led by students"
        )
        check(ana, "the two versions of an item", "conflict")
        yours = ana.get_by_role("region", name="Yours, not saved")
        yours.get_by_label("What").fill("Morning meeting in every class, 15 minutes, led by students")
        yours.get_by_label("Status").select_option(label="Under way")  # merged: Ben's status, both texts
        yours.get_by_role("button", name="Save mine instead").click()
        ana.get_by_text("The item is saved.").wait_for()
        ana.goto(item_url)
        ana.get_by_label("Your comment").fill("Students take turns leading it.")
        ana.get_by_role("button", name="Add the comment").click()
        ana.get_by_text("Your comment is added.").wait_for()

        ana.goto(plan_url)
        plan = ana.locator("main").inner_text()
        assert "Morning meeting in every class, 15 minutes, led by students" in plan
        history = ana.get_by_role("region", name="History").inner_text()
        for line in (
            "Ana Alvarez Added",
            "Ben Brooks Added",
            "Cal Chen Brought",
            "Ben Brooks Edited",
            "Ana Alvarez Edited",
        ):
            assert line in history
        check(ana, "a team plan with items", "plan")
    finally:
        for context in (ana_context, ben_context, cal_context):
            context.close()

    lee_context, lee = signed_in(browser, live_server, "lee@district.org")
    try:
        lee.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts").click()
        lee.get_by_role("link", name="Lincoln staff").click()
        lee.wait_for_url(f"/cohorts/{cohort_id}")
        lee.get_by_role("link", name="Teams and their plans").click()
        lee.wait_for_url(f"/cohorts/{cohort_id}/teams")
        check(lee, "the cohort's teams", "cohort")
        lee.get_by_role("link", name="Example course: team plans").click()
        lee.wait_for_url(f"/cohorts/{cohort_id}/team-plans/example-course")
        counts = lee.get_by_role("region", name="Items by status").get_by_role("row", name=re.compile("Implementation"))
        assert counts.locator("td").all_inner_texts() == ["2", "1", "0", "0", "3"]
        check(lee, "the team plans across teams", "overview")
        lee.get_by_role("link", name="Implementation team").first.click()
        lee.wait_for_url(plan_url)
        assert "Calmer mornings for every class" in lee.locator("main").inner_text()
        assert lee.get_by_role("region", name="Bring from my worksheet").count() == 0
        lee.goto(f"/teams/{team_id}")
        check(lee, "the team page of a leader", "team-leader")
        lee.get_by_role("button", name=re.compile("Make facilitator.*Cal Chen")).click()
        lee.get_by_text("They facilitate the team.").wait_for()
        lee.get_by_role("button", name="Archive the team").click()
        lee.get_by_text("The team is archived").wait_for()
        lee.goto(plan_url)
        assert "This team is archived" in lee.locator("main").inner_text()
        check(lee, "an archived team's plan", "plan-archived")
    finally:
        lee_context.close()
