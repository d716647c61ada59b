"""axe-core on every page of the reference course, on every track, and no page scrolling sideways on a phone.

Every page of each track is checked at 1280 px; at 390 px each page is checked once, on the first track
that has it, so that every page of the course is seen on a phone. One browser page does each track.
"""

from __future__ import annotations

import pytest

from courseware.courses import catalog
from tests.browser.test_leader import sign_in
from tests.browser.test_learner_journey import AXE_OPTIONS, PHONE, axe, shot
from tests.browser.test_learner_journey import assert_accessible as assert_accessible_injected
from tests.helpers import factories
from tests.helpers.live_server import LiveServer
from tests.test_reference_course import MODULES, SLUG

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
COURSE = f"/courses/{SLUG}"


@pytest.fixture
def live_server(make_app):
    """The app serving the reference course in modules/, and a learner."""
    server = LiveServer(make_app(COURSES_DIR=MODULES))
    server.start()
    LiveServer.serving = server
    with server.app.app_context():
        factories.user(email="robin@district.org")
    yield server
    LiveServer.serving = None
    server.stop()


def tracks_and_pages(server: LiveServer) -> list[tuple[str, list[str]]]:
    """Each track of the course, with the address of each of its pages, in the order a learner reads them."""
    with server.app.app_context():
        course = catalog().get(SLUG)
        assert course is not None and not course.is_broken and course.tracks
        return [
            (track.id, [f"{COURSE}/{p.module.slug}/{p.slug}" for p in course.for_track(track.id).pages])
            for track in course.tracks
        ]


def assert_accessible(page, what: str) -> None:
    """As test_learner_journey's, with axe-core already in every page (the context's init script), not
    injected again for each of the course's pages."""
    page.wait_for_load_state("load")
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}" for node in v["nodes"])
        for v in violations
    )
    assert not violations, f"axe found {len(violations)} violation(s) on {what}:\n{report}"


def choose_track(page, track: str) -> None:
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(f"{COURSE}/track", form={"track": track, "csrf_token": token})
    assert response.ok, (track, response.status)


def assert_no_sideways_scroll(page, what: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{what} scrolls sideways: {scroll_width}px wide at {PHONE['width']}px"


@pytest.mark.parametrize("track", ["classroom", "specialists", "support", "leaders"])
def test_every_page_of_the_track_passes_axe_and_fits_a_phone(context, page, live_server, track):
    tracks = dict(tracks_and_pages(live_server))
    assert list(tracks) == ["classroom", "specialists", "support", "leaders"]
    urls = tracks[track]
    # On a phone: each page on the first track (in course.yml's order) that has it.
    earlier = {url for other in list(tracks)[: list(tracks).index(track)] for url in tracks[other]}
    context.add_init_script(axe.axe_script)
    sign_in(page, "robin@district.org")
    page.goto(COURSE)
    choose_track(page, track)
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert_accessible(page, f"{url} ({DESKTOP['width']} px)")
    page.set_viewport_size(PHONE)
    for url in [url for url in urls if url not in earlier]:
        page.goto(url)
        assert_accessible(page, f"{url} ({PHONE['width']} px)")
        assert_no_sideways_scroll(page, url)


def test_the_break_page_passes_axe_and_leads_back(page, live_server):
    sign_in(page, "robin@district.org")
    page.goto(COURSE)
    choose_track(page, "support")
    for viewport, name in ((DESKTOP, "take-a-break"), (PHONE, "take-a-break-phone")):
        page.set_viewport_size(viewport)
        page.goto(f"{COURSE}/understanding-trauma/stress-response")
        page.locator(".break-link").first.click()
        page.get_by_role("heading", level=1, name="Take a break").wait_for()
        assert_accessible_injected(page, f"the break page at {viewport['width']} px")
        if viewport is PHONE:
            assert_no_sideways_scroll(page, "the break page")
        shot(page, name)
        page.get_by_role("link", name="Back to where I was").click()
        page.wait_for_url(f"**{COURSE}/understanding-trauma/stress-response")
