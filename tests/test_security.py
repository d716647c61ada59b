"""What every response tells the browser (docs/security.md): security headers on every page, no
caching of anything personal, and no session cookie from a state-changing request without one."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import url_for
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from courseware import kept
from courseware.certificates import services as certificates
from courseware.extensions import csrf, db
from courseware.lti import protocol as lti_protocol
from courseware.models import Certificate, KeptSubmission
from courseware.security import CONTENT_SECURITY_POLICY
from courseware.teams import services as teams
from courseware.teams.values import ItemValues
from tests.helpers import factories
from tests.helpers.client import sign_in_directly
from tests.test_architecture import recorded_statements, writes
from tests.test_cohorts import FIRST_PAGE, assigned, leader_client, staff, world  # noqa: F401 (fixtures used by name)

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def get_urls(app, values: dict[str, object], overrides: dict[str, dict[str, object]]) -> list[str]:
    """One URL for every GET route of the app, its arguments filled from ``values``."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        arguments = {**values, **overrides.get(rule.rule, {})}
        missing = set(rule.arguments) - set(arguments)
        assert not missing, f"no value for {missing} of {rule.rule}: add one to this test"
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **{name: arguments[name] for name in rule.arguments}))
    return urls


FRAMED = ("/lti/deep-link/", "/lti/login")  # pages a learning platform shows in its frame (docs/lti.md)


def assert_secure_headers(response, url: str) -> None:
    if url.startswith(FRAMED):
        policy = response.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in response.headers and "frame-ancestors https:" in policy, url
        framed = policy.replace("frame-ancestors https:", "frame-ancestors 'none'")
        assert framed == CONTENT_SECURITY_POLICY, url  # nothing else is loosened
        return
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name, response.headers.get(name))
    policy = response.headers["Content-Security-Policy"]
    directives = dict((part.strip() + " ").split(" ", 1) for part in policy.split(";"))
    if "sandbox" in directives:  # a course's media file: nothing runs, and it is framed by nothing
        assert directives["default-src"].strip() == "'none'" and "script-src" not in directives, url
    else:
        assert policy == CONTENT_SECURITY_POLICY, url
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
        assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"].strip() == "'none'"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions, url
    assert "Strict-Transport-Security" not in response.headers, url  # plain HTTP here


def test_every_get_route_carries_the_security_headers_and_nothing_personal_is_cached(
    app, client, request, make_user, sign_in
):
    people = request.getfixturevalue("staff")
    world_ = request.getfixturevalue("world")
    assignment = request.getfixturevalue("assigned")
    leader = request.getfixturevalue("leader_client")
    (certificate,) = db.session.scalars(select(Certificate))
    certificates.store_pdf(certificate)
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    key = request.getfixturevalue("tmp_path") / "lti-tool.pem"
    lti_protocol.generate_key(key)
    app.config["LTI_KEY_FILE"] = str(key)  # the tool's key set is published
    team = teams.create_team(world_.cohort, "Implementation team")
    teams.add_member(team, people.cal.id)
    item = teams.add_item(team, factories.course_of(), "actions", ItemValues(text="Greet everyone"), people.cal)
    values: dict[str, object] = {
        "slug": "example-course",
        "module": FIRST_PAGE.split("/")[3],
        "page": FIRST_PAGE.split("/")[4],
        "quiz_id": "practice-check",
        "number": 1,
        "filename": "steps.svg",
        "code": certificate.code,
        "kind": "json",
        "token": "not-a-token",
        "cohort_id": world_.cohort.id,
        "assignment_id": assignment.id,
        "member_id": people.cal.id,
        "organisation_id": world_.district.id,
        "asset_id": 1,
        "provider_id": 1,
        "upload_id": 1,
        "entry_id": 1,
        "post_id": 1,
        "session_id": 1,
        "provider": "riverside",
        "team_id": team.id,
        "item_id": item.id,
        "registration_id": 1,
        "launch_id": 1,
    }
    overrides = {
        "/static/<path:filename>": {"filename": "css/app.css"},
        "/join/<code>": {"code": world_.cohort.join_code},
    }
    urls = get_urls(app, values, overrides)
    assert len(urls) > 40
    signed_in = {"learner": people.clients[people.cal.email], "leader": leader, "admin": admin}
    for url in urls:
        for who, user_client in {"anonymous": client, **signed_in}.items():
            response = user_client.get(url)
            response.close()
            assert response.status_code < 500, (who, url, response.status_code)
            assert_secure_headers(response, url)
            cache = response.headers.get("Cache-Control", "")
            if url.startswith("/static/"):
                continue
            download = response.mimetype in ("text/csv", "application/pdf", "application/zip")
            if who != "anonymous" and not download:
                assert "no-store" in cache, (who, url, cache)
            if download:
                assert "no-store" in cache or "private" in cache, (who, url, cache)
                if response.mimetype != "application/pdf":
                    assert "no-store" in cache, (who, url, cache)


def test_strict_transport_security_over_https_and_behind_a_trusted_proxy(app, client, make_app):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    # Without a trusted proxy a forwarded header is anyone's claim and changes nothing.
    assert "Strict-Transport-Security" not in client.get("/sign-in", headers=forwarded).headers
    proxied = make_app(TRUSTED_PROXIES=1).test_client()
    assert proxied.get("/sign-in", headers=forwarded).headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_page_holds_an_inline_script_style_or_event_handler(learner_client, request):
    """The policy forbids them, so a page that had one would break in the browser."""
    for url in ("/", "/courses/example-course", FIRST_PAGE, "/courses/example-course/practice/check", "/sign-in"):
        soup = BeautifulSoup(learner_client.get(url).get_data(as_text=True), "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src") and not script.string, (url, str(script)[:200])
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, (url, str(tag)[:200])
            assert not [name for name in tag.attrs if name.startswith("on")], (url, str(tag)[:200])
        assert not soup.find_all("style"), url


# --- cross-site posts: no session cookie, nothing kept -----------------------------------------------

PLANTED = "Planted by another site"
WORKSHEET_PAGE = "/courses/example-course/practice/wrapping-up"
WORKSHEET_SAVE = "/courses/example-course/worksheets/my-plan"
EXEMPT_POSTS = {
    "worksheets.save": (
        WORKSHEET_SAVE,
        {"has-first-try": "1", "rev-first-try": "0", "f-first-try": PLANTED},
    ),
    "quizzes.submit": (
        "/courses/example-course/quizzes/practice-check",
        {"version": "1", "number": "1", "q-sky": PLANTED},
    ),
    "practice.log": ("/courses/example-course/practice/greet-at-the-door", {"minutes": "15", "tried": PLANTED}),
    "case_studies.respond": ("/courses/example-course/case-studies/noisy-morning", {"response": PLANTED}),
    "case_studies.score": ("/courses/example-course/case-studies/noisy-morning/score", {"score-by-name": "met"}),
    "learning.submit_finish": ("/courses/example-course/finish", {"comment-improve": PLANTED}),
    # The identity provider's page posts the answer: its signature and the relay state are the proof.
    "saml.acs": ("/sign-in/saml/riverside/acs", {"SAMLResponse": PLANTED, "RelayState": PLANTED}),
    # A learning platform's page starts the login and posts the launch: its signed id_token and the
    # single-use state are the proof; the deep linking picker shows in the platform's frame, where
    # no session can be relied on, and its request's secret is the proof.
    "lti.login": ("/lti/login", {"iss": PLANTED, "login_hint": PLANTED, "target_link_uri": PLANTED}),
    "lti.launch": ("/lti/launch", {"state": PLANTED, "id_token": PLANTED}),
    "lti.answer": ("/lti/deep-link/not-a-token", {"item": PLANTED}),
}


def forged_token(app, user_id: int) -> str:
    return URLSafeTimedSerializer("another-secret", salt=kept.SALT).dumps(user_id)


def kept_rows() -> list[KeptSubmission]:
    db.session.expire_all()
    return list(db.session.scalars(select(KeptSubmission)))


def test_every_csrf_exempt_endpoint_is_known_here(app):
    def exempt(endpoint: str) -> bool:
        view = app.view_functions[endpoint]
        return f"{view.__module__}.{view.__name__}" in csrf._exempt_views

    assert {rule.endpoint for rule in app.url_map.iter_rules() if exempt(rule.endpoint)} == set(EXEMPT_POSTS)


def test_a_post_without_cookies_sets_no_cookie_and_stores_nothing(app, learner):
    """A cross-site form post arrives without the person's cookies (SameSite=Lax). Whatever it
    sends, to any form, with no keep token or a forged one, it is not kept and signs nobody out."""
    posts = [url for url, _ in EXEMPT_POSTS.values()]
    posts += [
        rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and not rule.arguments
    ]  # every other form too (sign-out, heartbeats, ...)
    posts.append(WORKSHEET_SAVE + "/fields/first-try")  # the autosave JSON
    bodies = dict(EXEMPT_POSTS.values())
    for url in posts:
        data = bodies.get(url, {})
        for token in (None, "not-a-token", forged_token(app, learner.id)):
            client = app.test_client()  # no cookies at all
            with recorded_statements() as seen:
                response = client.post(url, data={**data, **({"keep_token": token} if token else {})})
            assert response.status_code < 500, (url, response.status_code)
            assert "Set-Cookie" not in response.headers, (url, response.headers.get("Set-Cookie"))
            assert writes(seen) == [], url
    assert kept_rows() == []


def test_planted_text_is_never_offered_to_the_signed_in_person(app, learner_client, learner):
    attacker = app.test_client()
    attacker.post(WORKSHEET_SAVE, data=EXEMPT_POSTS["worksheets.save"][1])
    assert PLANTED not in learner_client.get(WORKSHEET_PAGE).get_data(as_text=True)


# --- kept forms: only a real person's, capped, rate limited ------------------------------------------


def expired_post(app, user, url: str, page: str, data: dict):
    """``user`` opened ``page`` while signed in, the session ended, then the form was sent."""
    client = app.test_client()
    sign_in_directly(client, user)
    shown = client.get(page).get_data(as_text=True)
    token = BeautifulSoup(shown, "html.parser").select_one("input[name=keep_token]")["value"]
    client.delete_cookie("session")
    return client, client.post(url, data={**data, "keep_token": token})


def test_a_form_of_an_expired_session_is_kept_for_its_author_only(app, learner, make_user):
    fields = {"has-first-try": "1", "rev-first-try": "0", "f-first-try": "Mine, written before it ended"}
    client, response = expired_post(app, learner, WORKSHEET_SAVE, WORKSHEET_PAGE, fields)
    assert response.status_code == 302 and "kept=text" in response.location
    assert "Set-Cookie" not in response.headers
    assert "your text will be waiting for you" in client.get(response.location).get_data(as_text=True)
    assert [row.user_id for row in kept_rows()] == [learner.id]

    other = app.test_client()
    sign_in_directly(other, make_user(email="someone.else@example.org"))
    assert "Mine, written before it ended" not in other.get(WORKSHEET_PAGE).get_data(as_text=True)
    sign_in_directly(client, learner)
    assert "Mine, written before it ended</textarea>" in client.get(WORKSHEET_PAGE).get_data(as_text=True)
    assert kept_rows() == []  # handed back once


def test_one_kept_form_per_person_and_form_and_a_size_cap(app, learner):
    for text in ("first", "second"):
        fields = {"has-first-try": "1", "rev-first-try": "0", "f-first-try": text}
        expired_post(app, learner, WORKSHEET_SAVE, WORKSHEET_PAGE, fields)
    assert [row.payload["form"]["f-first-try"] for row in kept_rows()] == [["second"]]

    huge = {"has-first-try": "1", "rev-first-try": "0", "f-first-try": "x" * (kept.MAX_KEPT_CHARACTERS + 1)}
    client, response = expired_post(app, learner, WORKSHEET_SAVE, WORKSHEET_PAGE, huge)
    assert "kept=none" in response.location
    assert "too large to keep" in client.get(response.location).get_data(as_text=True)
    assert kept_rows() == []  # "second" was handed back when the page was opened again; nothing else kept


def test_kept_forms_are_rate_limited_per_address(make_app, make_user):
    app = make_app(KEPT_RATE_LIMIT="3 per hour")
    with app.app_context():
        people = [make_user(email=f"person{n}@example.org") for n in range(4)]
        fields = {"has-first-try": "1", "rev-first-try": "0", "f-first-try": "text"}
        answers = [expired_post(app, person, WORKSHEET_SAVE, WORKSHEET_PAGE, fields)[1] for person in people]
        assert ["kept=text" in a.location for a in answers] == [True, True, True, False]
        assert len(kept_rows()) == 3
