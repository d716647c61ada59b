"""What every response tells the browser (docs/security.md): security headers on every page, no
caching of anything personal, and no session cookie from a state-changing request without one."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import select

from courseware.certificates import services as certificates
from courseware.extensions import db
from courseware.models import Certificate
from courseware.security import CONTENT_SECURITY_POLICY
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


def assert_secure_headers(response, url: str) -> None:
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
    values: dict[str, object] = {
        "slug": "example-course",
        "module": FIRST_PAGE.split("/")[3],
        "page": FIRST_PAGE.split("/")[4],
        "quiz_id": "practice-check",
        "number": 1,
        "filename": "steps.svg",
        "code": certificate.code,
        "token": "not-a-token",
        "cohort_id": world_.cohort.id,
        "assignment_id": assignment.id,
        "member_id": people.cal.id,
        "organisation_id": world_.district.id,
        "asset_id": 1,
        "provider_id": 1,
        "upload_id": 1,
        "entry_id": 1,
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
