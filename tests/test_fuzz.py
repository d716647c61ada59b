"""Every form and JSON endpoint, found from the URL map, is sent hostile input: NUL and other control
characters, lone surrogates, bidirectional overrides, huge strings, numbers beyond 64 bits and deeply
nested JSON, in its fields and in its address. None of it may end in a 5xx, on SQLite or PostgreSQL.

The examples are derandomized (the same on every run) and few per endpoint, so that CI stays fast
and stable."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import quote, quote_plus, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courseware.cohorts import services
from courseware.cohorts.pacing import Dates, Pacing
from courseware.credit import services as providers
from courseware.extensions import db
from courseware.models import Circle, CirclePost, CourseSession, LtiRegistration, RosterUpload
from courseware.models.base import utcnow
from courseware.teams import services as teams
from courseware.teams.values import ItemValues
from tests.conftest import PASSWORD
from tests.helpers import factories
from tests.helpers.client import sign_in_directly
from tests.helpers.html import parse
from tests.helpers.saml_idp import identity_provider

PASSWORD_NEW = "copper-meadow-thistle-93"

NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u2066",
    "\x1b[31m",
    "\r\n",
    "\x7f",
    "9" * 40,
    str(2**63),
    str(2**31),
    "-1",
    "0",
    "",
    "e\u0301",
    "yes",
    "2026-09-15",
]
text_values = st.one_of(
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=6).map("".join),
    st.sampled_from(["x" * 70_000, "\x00" * 5_000, "\ud83d" * 1_000]),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), text_values),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text_values, inner, max_size=3)),
    max_leaves=8,
)
FIXED_NAMES = {"name", "email", "password", "confirm", "reason", "parent_id", "target", "credit_profile", "profile",
               "number", "version", "action", "choice", "shared", "visit", "key", "contact", "form",
               "SAMLResponse", "RelayState"}  # fmt: skip
POSTS = [
    "accounts.account", "accounts.confirm_email_change", "accounts.confirm_sign_up", "accounts.forgot_password",
    "accounts.reset_password", "accounts.sign_in", "accounts.sign_out", "accounts.sign_up", "admin.create_organisation",
    "admin.create_provider",
    "admin.edit_provider", "admin.grant_leader", "admin.issue_waiting", "admin.remove_asset", "admin.retry_dead_jobs",
    "admin.retry_job", "admin.revoke", "admin.revoke_leader", "admin.set_credit_profile", "admin.set_sign_in",
    "admin.upload_asset", "badges.check", "case_studies.respond", "case_studies.score",
    "circles.create", "circles.delete", "circles.digest", "circles.edit", "circles.hide", "circles.lock",
    "circles.report", "circles.team_create", "circles.team_digest", "circles.team_lock", "circles.team_unlock",
    "circles.unhide", "circles.unlock", "circles.unsubscribe",
    "cohorts.add_session", "cohorts.apply_roster", "cohorts.assign", "cohorts.calendar_token", "cohorts.create",
    "cohorts.delete_session", "cohorts.edit_session", "cohorts.join", "cohorts.join_code", "cohorts.remind",
    "cohorts.remind_module", "cohorts.save_district_procedures", "cohorts.upload_roster", "learning.choose_profile",
    "learning.choose_track",
    "learning.heartbeat", "learning.renew",
    "learning.submit_finish", "practice.delete", "practice.log", "quizzes.submit", "teams.add_item",
    "teams.add_member", "teams.bring", "teams.comment", "teams.create", "teams.delete_item", "teams.edit_item",
    "teams.join", "teams.member", "teams.settings", "worksheets.autosave", "worksheets.resolve", "worksheets.save",
    "worksheets.share", "sso.link", "saml.acs", "lti.login", "lti.launch", "lti.answer", "lti.hand_over",
    "lti_admin.new_registration", "lti_admin.edit_registration", "lti_admin.delete_registration",
]  # fmt: skip
TEAM_LEADER_ENDPOINTS = {"teams.create", "teams.settings", "teams.add_member", "teams.member"}
JSON_ENDPOINTS = {"worksheets.autosave", "learning.heartbeat"}
ENDS_SESSION = {"accounts.sign_out", "accounts.account"}  # signed in again before each request
MODERATION = {"circles.hide", "circles.unhide", "circles.lock", "circles.unlock", "circles.team_lock",
              "circles.team_unlock"}  # a leader's buttons  # fmt: skip
ANONYMOUS = {
    "accounts.confirm_email_change", "accounts.confirm_sign_up", "accounts.forgot_password", "accounts.reset_password",
    "accounts.sign_in", "accounts.sign_up", "badges.check", "sso.link", "saml.acs",
    "lti.login", "lti.launch", "lti.answer", "lti.hand_over",
}  # fmt: skip


def test_every_form_and_json_endpoint_is_covered(app):
    posted = {r.endpoint for r in app.url_map.iter_rules() if r.methods and r.methods - {"GET", "HEAD", "OPTIONS"}}
    assert posted == set(POSTS), "a new endpoint that takes input: add it to POSTS"


class World:
    def __init__(self, app):
        district = factories.organisation("Riverside District")
        cohort = factories.cohort(district)
        self.learner = factories.user(name="Lou Learner", email="lou@example.org")
        self.leader = factories.user(name="Lee Leader", email="lee@example.org")
        self.admin = factories.user(name="Ada Admin", email="ada@example.org", role="admin")
        grant = factories.leader(self.leader, cohort=cohort)
        factories.member(cohort, self.learner)
        assignment = factories.assignment(cohort)
        due = date.today() + timedelta(days=20)
        pacing = Pacing("summer", date.today(), [Dates("welcome", None, date.today()), Dates("practice", None, due)])
        services.assign(cohort, "example-course", due, None, pacing)
        session = CourseSession(assignment_id=assignment.id, title="Meeting", starts_at=utcnow(), ends_at=utcnow(),
                                time_zone="UTC", place="Room 1", link="")  # fmt: skip
        db.session.add(session)
        factories.enrolment(self.learner)
        certificate = factories.certificate(factories.user(name="Cy Certified", email="cy@example.org"))
        entry = factories.practice_entry(self.learner)
        circle = Circle(cohort_id=cohort.id, course_slug="example-course", module_slug="practice")
        db.session.add(circle)
        db.session.flush()
        post = CirclePost(circle_id=circle.id, author_id=self.learner.id, body="A first post")
        db.session.add(post)
        provider = providers.create_provider("northfield", providers.ProviderDetailsForm(name="Northfield"))
        upload = RosterUpload(cohort_id=cohort.id, uploaded_by=self.leader.id, filename="r.csv",
                              content="name,email\nAna Alvarez,ana@district.org\n")  # fmt: skip
        db.session.add(upload)
        platform = LtiRegistration(name="Riverside Canvas", issuer="https://canvas.example", client_id="c1",
                                   deployment_ids="d1", key_set_url="https://canvas.example/jwks",
                                   auth_login_url="https://canvas.example/auth",
                                   access_token_url="https://canvas.example/token")  # fmt: skip
        db.session.add(platform)
        db.session.commit()
        team = teams.create_team(cohort, "Implementation team")
        teams.add_member(team, self.learner.id)
        item = teams.add_item(team, factories.course_of(), "actions", ItemValues(text="Greet everyone"), self.learner)
        factories.worksheet_answers(self.learner, "my-plan", {"first-try": "Greet everyone by name"})
        self.args = {
            "slug": "example-course", "quiz_id": "practice-check", "worksheet_id": "my-plan",
            "field_id": "first-try", "practice_id": "greet-at-the-door", "code": cohort.join_code, "token": "x",
            "kind": "logo", "cohort_id": cohort.id, "assignment_id": assignment.id, "upload_id": upload.id,
            "certificate_id": certificate.id, "job_id": 1, "grant_id": grant.id, "organisation_id": district.id,
            "provider_id": provider.id, "entry_id": entry.id, "conflict_id": 1, "session_id": session.id,
            "module": "practice", "post_id": post.id, "provider": "riverside",
            "team_id": team.id, "item_id": item.id, "user_id": self.learner.id, "case_id": "noisy-morning",
            "registration_id": platform.id,
        }  # fmt: skip

    def user_for(self, endpoint: str):
        if endpoint in ANONYMOUS:
            return None
        if endpoint.startswith(("admin.", "lti_admin.")):
            return self.admin
        if endpoint in MODERATION or endpoint in TEAM_LEADER_ENDPOINTS:
            return self.leader
        return self.leader if endpoint.startswith("cohorts.") and endpoint != "cohorts.join" else self.learner


def _rule(app, endpoint: str):
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def _forms_for(client, url: str, pages: list[str]) -> dict[str, str | list[str]]:
    """The fields of the forms that post to ``url`` on ``pages``, as they stand (hidden values, defaults)."""
    fields: dict[str, str | list[str]] = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in parse(response).select("form"):
            action = str(form.get("action") or page)
            if urlsplit(action).path == url:
                fields.update(_fields(form))
    fields.pop("csrf_token", None)
    return fields


def _fields(form) -> dict[str, str | list[str]]:
    found: dict[str, list[str]] = {}
    for element in form.select("input[name], select[name], textarea[name]"):
        kind = (element.get("type") or "text").lower()
        if kind in {"submit", "button", "image", "file", "reset"}:
            continue
        if element.name == "select":
            chosen = element.select("option[selected]") or element.select("option")[:1]
            value = str(chosen[0].get("value", chosen[0].get_text())) if chosen else ""
        elif element.name == "textarea":
            value = element.get_text()
        else:
            value = str(element.get("value", "on"))
        if kind in {"checkbox", "radio"} and str(element["name"]) in found:
            continue  # one choice is enough for a valid form
        found.setdefault(str(element["name"]), []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in found.items()}


def _valid(name: str, value: str | list[str], world: World) -> str:
    """A value that passes the field's checks, so that hostile input elsewhere reaches the database."""
    good = {"password": PASSWORD_NEW, "confirm": PASSWORD_NEW, "current": PASSWORD, "minutes": "15",
            "reason": "Issued in error", "renewal_months": "12", "tried": "Greeted everyone",
            "noticed": "Calmer mornings", "target": f"cohort:{world.args['cohort_id']}", "starts": "15:00",
            "ends": "16:00", "response": "I would greet him calmly by name."}  # fmt: skip
    last = name.rsplit("-", 1)[-1]
    if last in good:
        return good[last]
    if "email" in last:
        return "fresh@example.org"
    if last in {"done_on", "due_on", "starts_on", "day"}:
        return date.today().isoformat()
    if last == "name":
        return "Ana Alvarez"
    if name.startswith("rating-"):
        return "4"
    return value if isinstance(value, str) else value[0]


def _form_body(fields: dict[str, str]) -> bytes:
    """URL-encoded as a browser would, except that lone surrogates are sent as their UTF-8 bytes."""
    return "&".join(
        f"{quote_plus(k.encode('utf-8', 'surrogatepass'))}={quote_plus(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in fields.items()
    ).encode()


PLACEHOLDER = re.compile(r"<(?:[^<>]*?:)?(\w+)>")


def _url(rule, args: dict[str, object], hostile: str | None, big: int | None) -> str:
    """The rule's address with the world's values, or a hostile text for its strings and a number
    beyond any id for its ids."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        kind = type(rule._converters[name]).__name__
        if kind == "IdConverter":
            return str(big if big is not None else args[name])
        if kind == "AnyConverter" or hostile is None:
            return str(args[name])
        return quote(hostile.encode("utf-8", "surrogatepass"), safe="")

    return PLACEHOLDER.sub(value, rule.rule)


HOSTILE = ["\x00", "a\ud800b", "\u202eAna\x1b", str(2**64)]


@pytest.fixture(scope="module")
def saml_idp():
    """A SAML identity provider, so that the assertion consumer service reads what it is sent."""
    try:
        with identity_provider() as idp:
            yield idp
    except RuntimeError as error:
        yield error


@pytest.mark.parametrize("endpoint", POSTS)
def test_hostile_input_never_ends_in_a_server_error(app, endpoint, caplog, saml_idp):
    if endpoint == "saml.acs":
        if isinstance(saml_idp, RuntimeError):  # conftest.py turns this skip into a failure in CI
            pytest.skip(f"the local SAML identity provider could not start: {saml_idp}")
        app.config["SAML_PROVIDERS"] = {"riverside": saml_idp.settings()}
        app.config["SAML_SP_KEY_FILE"] = str(saml_idp.sp_key_file)
        app.config["SAML_SP_CERT_FILE"] = str(saml_idp.sp_cert_file)
    world = World(app)
    rule = _rule(app, endpoint)
    client = app.test_client()
    user = world.user_for(endpoint)

    def signed_in():
        if user is not None and endpoint in ENDS_SESSION:
            sign_in_directly(client, user)  # signing out (or changing a password) ends the session

    if user is not None:
        sign_in_directly(client, user)
    url = _url(rule, world.args, None, None)
    if url.startswith("/courses/"):
        pages = [url, "/courses/example-course/finish"]
        pages += [f"/courses/example-course/{p.module.slug}/{p.slug}" for p in factories.course_of().pages]
    else:
        pages = [url, "/account", "/admin/organisations", "/admin/certificates", "/admin/providers/new"]
        pages += [f"/cohorts/{world.args['cohort_id']}", f"/admin/providers/{world.args['provider_id']}"]
        pages += [f"/cohorts/{world.args['cohort_id']}/circles/example-course/practice"]
        pages += [f"/teams/{world.args['team_id']}/circles/example-course/practice"]
        team, plan = f"/teams/{world.args['team_id']}", f"/teams/{world.args['team_id']}/plans/example-course"
        pages += ["/teams", team, plan, f"{plan}/items/{world.args['item_id']}"]
        pages += [f"/cohorts/{world.args['cohort_id']}/teams"]
        pages += ["/admin/lti/new", f"/admin/lti/{world.args['registration_id']}"]
    found = _forms_for(client, url, pages)
    baseline = {name: _valid(name, value, world) for name, value in found.items()}
    token = client.csrf_token("/")

    def post(fields: dict[str, str], address: str = url):
        signed_in()
        body = _form_body({"csrf_token": token, **fields})
        response = client.post(address, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (address, {k: v[:80] for k, v in fields.items()}, response.status_code)
        _no_backstop(caplog)

    # Every field in turn, with each hostile value, the others valid.
    for name in baseline:
        for hostile in HOSTILE:
            post({**baseline, name: hostile})
    if baseline:
        post(dict.fromkeys(baseline, "x" * 70_000))

    @settings(max_examples=5, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(
        values=st.lists(text_values, min_size=1, max_size=5),
        payload=json_values,
        hostile_address=st.one_of(st.none(), text_values.filter(lambda v: v != "")),
        big=st.one_of(st.none(), st.sampled_from([2**31, 2**63, 2**64 + 7, 10**40])),
        deep=st.booleans(),
    )
    def send(values, payload, hostile_address, big, deep):
        address = _url(rule, world.args, hostile_address, big)
        names = sorted(baseline) or sorted(FIXED_NAMES)  # no form found: the names forms commonly use
        post({name: values[i % len(values)] for i, name in enumerate(names)}, address)
        if endpoint in JSON_ENDPOINTS:
            body = {"value": payload, "revision": payload if not deep else 2**64, "visit": payload}
            data = json.dumps(body)
            if deep:
                data = data[:-1] + ', "deep": ' + "[" * 50_000 + "]" * 50_000 + "}"
            signed_in()
            response = client.post(address, data=data, content_type="application/json", headers={"X-CSRFToken": token})
            assert response.status_code < 500, (address, data[:300], response.get_data(as_text=True)[:500])
            _no_backstop(caplog)

    send()


def _no_backstop(caplog) -> None:
    """The database refused nothing: the app's last-resort answer to a refused value (a 409 or 422
    that logs a warning) is for races no one has found, not for input that could be checked first."""
    refused = [r.getMessage() for r in caplog.records if r.name == "courseware.errors"]
    caplog.clear()
    assert not refused, refused


def test_the_json_endpoints_take_each_hostile_value(app, caplog):
    world = World(app)
    client = sign_in_directly(app.test_client(), world.learner)
    token = client.csrf_token("/")
    for value in [*HOSTILE, ["a\x00", "\ud800"], [["\x00"]], {"\ud800": 1}]:
        for url, body in (
            ("/courses/example-course/worksheets/my-plan/fields/first-try", {"value": value}),
            ("/courses/example-course/worksheets/my-plan/fields/first-try", {"value": "x", "revision": 2**64}),
            ("/learning/heartbeat", {"visit": value}),
        ):
            response = client.post(url, json=None, data=json.dumps(body), content_type="application/json",
                                   headers={"X-CSRFToken": token})  # fmt: skip
            assert response.status_code < 500, (url, body, response.get_data(as_text=True)[:300])
            _no_backstop(caplog)
