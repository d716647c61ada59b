"""The LTI 1.3 tool against a platform built on an independent implementation (lti1p3platform, on a
local port: tests/helpers/lti_platform.py): the login initiation, the launch and its hand-over to a
first-party window, deep linking, a score posted by a job, and a roster read."""

from __future__ import annotations

import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sqlalchemy import select

from courseware import jobs
from courseware.cohorts import services as cohort_services
from courseware.extensions import db
from courseware.lti import protocol, registrations, scores
from courseware.models import (
    Job,
    JobStatus,
    LtiLaunch,
    LtiRegistration,
    QuizAttempt,
    QuizVersion,
    SignInIdentity,
    User,
)
from tests.helpers import factories
from tests.helpers.html import parse
from tests.helpers.lti_platform import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    INSTRUCTOR,
    LocalPlatform,
    Person,
    RunningPlatform,
)
from tests.test_quizzes import RIGHT, answer

TOOL_LOGIN = "http://localhost/lti/login"
TOOL_LAUNCH = "http://localhost/lti/launch"


@pytest.fixture(scope="module")
def platform_server():
    try:
        with RunningPlatform() as running:
            yield running
    except OSError as error:  # conftest.py turns this skip into a failure in CI
        pytest.skip(f"the local LTI platform (lti1p3platform) could not start: {error}")


@pytest.fixture
def tool_key(app, tmp_path):
    path = tmp_path / "lti-tool.pem"
    protocol.generate_key(path)
    app.config["LTI_KEY_FILE"] = str(path)
    protocol.forget_key_sets()
    return path


@pytest.fixture
def district(app):
    place = factories.organisation("Riverside District")
    cohort_services.set_sign_in(place, ["riverside.org"], True, False, None)
    return place


@pytest.fixture
def platform(app, client, platform_server, tool_key, district) -> LocalPlatform:
    """The platform, registered in Courseware with the district, and knowing the tool's key set."""
    platform_server.tool_key_set = client.get("/lti/jwks").get_json()
    platform_server.scores.clear()
    platform_server.deep_link_answers.clear()
    platform_server.next_launch.clear()
    platform_server.score_status = 200
    protocol._tokens.clear()  # access tokens of an earlier test's platform
    register(platform_server, organisation_id=district.id)
    return platform_server


def register(platform: LocalPlatform, organisation_id: int | None, deployments=(DEPLOYMENT_ID,)) -> LtiRegistration:
    return registrations.save(
        None,
        registrations.Details(
            name="Riverside Canvas",
            issuer=platform.issuer,
            client_id=CLIENT_ID,
            deployment_ids=list(deployments),
            key_set_url=platform.url("/jwks"),
            auth_login_url=platform.url("/auth"),
            access_token_url=platform.url("/token"),
            organisation_id=organisation_id,
        ),
    )


def launch(client, platform: LocalPlatform, person: Person, **next_launch):
    """The whole launch: the platform's login initiation, the tool's authentication request, the
    platform's answer, posted to the tool's launch URL. The tool's answer to that post."""
    platform.next_launch.update(next_launch)
    start = platform.login_initiation(TOOL_LOGIN, TOOL_LAUNCH, person)
    answer = client.get(start.removeprefix("http://localhost"))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    auth = answer.headers["Location"]
    assert auth.startswith(platform.url("/auth"))
    posted = requests.get(auth, timeout=10).json()
    assert posted["launch_url"] == TOOL_LAUNCH
    return client.post("/lti/launch", data={"state": posted["state"], "id_token": posted["id_token"]})


def open_link(response) -> str:
    link = parse(response).select_one("a[target=_blank]")
    assert link is not None and link.get_text(" ", strip=True).startswith("Open the course")
    return link["href"]


def open_course(client, link: str):
    """The person opens the hand-over link in a window of its own and confirms whose account it is."""
    return client.submit(link)


def ana(**changes) -> Person:
    email = changes.get("email", "ana@riverside.org")
    return Person(sub=changes.get("sub", "sub-ana"), email=email, name="Ana Alvarez")


# --- the launch ------------------------------------------------------------------------------------


def test_the_tool_publishes_its_key_set(client, tool_key):
    keys = client.get("/lti/jwks").get_json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0]  # the private part never leaves the file
    assert oct(os.stat(tool_key).st_mode & 0o777) == "0o600"


def test_the_key_set_says_when_the_key_is_missing(app, client, tmp_path):
    app.config["LTI_KEY_FILE"] = str(tmp_path / "missing.pem")
    response = client.get("/lti/jwks")
    assert response.status_code == 503 and "not set up" in response.get_json()["error"]


def test_a_first_launch_creates_the_account_and_hands_over_to_the_course(app, client, platform):
    response = launch(client, platform, ana(), custom={"course": "example-course"})
    assert response.status_code == 200
    # shown in the platform's frame: any https ancestor and the platform's own host may frame it
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors" in policy and platform.base in policy and "X-Frame-Options" not in response.headers
    opened = open_course(client, open_link(response))
    assert opened.status_code == 302 and opened.headers["Location"] == "/courses/example-course"
    assert "Signed in with Riverside Canvas." in client.get(opened.headers["Location"]).get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "ana@riverside.org"))
    assert user is not None and user.name == "Ana Alvarez"
    identity = db.session.scalar(select(SignInIdentity).where(SignInIdentity.user_id == user.id))
    assert identity.provider.startswith("lti:") and identity.subject == "sub-ana"
    assert client.get("/account").status_code == 200  # signed in on the first-party window
    row = db.session.scalar(select(LtiLaunch))
    assert row.course_slug == "example-course" and row.lineitem_url == platform.url("/lineitems/1/lineitem")
    assert row.memberships_url == platform.url("/memberships") and row.context_title == "Riverside staff PD"


def test_the_hand_over_works_once(app, client, platform):
    response = launch(client, platform, ana(), custom={"course": "example-course"})
    link = open_link(response)
    assert open_course(client, link).status_code == 302
    again = app.test_client().get(link)
    assert again.status_code == 400 and "expired or was used already" in again.get_data(as_text=True)
    assert open_course(app.test_client(), link).status_code == 400


def test_opening_the_hand_over_signs_nobody_in_until_the_person_confirms(app, client, platform):
    """A link scanner, or a colleague sent someone's unopened link, only sees whose account it is."""
    response = launch(client, platform, ana(), custom={"course": "example-course"})
    link = open_link(response)
    for _ in range(2):  # fetching the page spends nothing
        page = client.get(link)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    button = parse(page).select_one("main form button").get_text(" ", strip=True)
    assert button == "Continue as Ana Alvarez (ana@riverside.org)"
    assert client.get("/account").status_code == 302  # not signed in
    without_token = client.post(link)
    assert without_token.status_code == 400 and client.get("/account").status_code == 302
    assert open_course(client, link).status_code == 302
    assert client.get("/account").status_code == 200


def test_the_hand_over_says_plainly_that_it_switches_accounts(app, client, platform, make_user, sign_in):
    colleague = make_user(name="Cole Colleague", email="cole@riverside.org")
    response = launch(client, platform, ana(), custom={"course": "example-course"})
    link = open_link(response)
    victim = app.test_client()
    sign_in(victim, colleague)
    page = victim.get(link)
    warning = parse(page).select_one(".notice--warning").get_text(" ", strip=True)
    assert "signed in as Cole Colleague (cole@riverside.org)" in warning and "switches to Ana Alvarez" in warning
    assert victim.get("/account").get_data(as_text=True).count("cole@riverside.org") >= 1  # still Cole
    assert open_course(victim, link).status_code == 302
    assert "ana@riverside.org" in victim.get("/account").get_data(as_text=True)


def test_a_module_link_opens_the_module(app, client, platform):
    response = launch(client, platform, ana(), custom={"course": "example-course", "module": "practice"})
    opened = open_course(client, open_link(response))
    assert opened.headers["Location"].startswith("/courses/example-course/practice/")


def test_an_existing_account_is_offered_to_link_with_its_password(app, client, platform, make_user):
    make_user(name="Ana Existing", email="ana@riverside.org")
    response = launch(client, platform, ana(), custom={"course": "example-course"})
    opened = open_course(client, open_link(response))
    assert opened.headers["Location"] == "/sign-in/link"
    page = client.get("/sign-in/link")
    assert page.status_code == 200 and "Link your Riverside Canvas account" in page.get_data(as_text=True)
    assert db.session.scalar(select(SignInIdentity)) is None  # nothing is linked before the password


def test_an_address_outside_the_organisation_is_refused(app, client, platform):
    response = launch(client, platform, ana(email="ana@elsewhere.org"), custom={"course": "example-course"})
    assert response.status_code == 403
    assert "cannot sign in here" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_a_platform_without_an_organisation_signs_nobody_in(app, client, platform):
    registration = db.session.scalar(select(LtiRegistration))
    registration.organisation_id = None
    db.session.commit()
    response = launch(client, platform, ana(), custom={"course": "example-course"})
    assert response.status_code == 403 and "signs nobody in yet" in response.get_data(as_text=True)


def test_a_link_to_an_unknown_course_says_so(app, client, platform):
    response = launch(client, platform, ana(), custom={"course": "no-such-course"})
    assert response.status_code == 404 and "not available" in response.get_data(as_text=True)


# --- rejections ------------------------------------------------------------------------------------


def test_a_replayed_launch_is_refused(app, client, platform):
    platform.next_launch.update(custom={"course": "example-course"})
    start = platform.login_initiation(TOOL_LOGIN, TOOL_LAUNCH, ana())
    auth = client.get(start.removeprefix("http://localhost")).headers["Location"]
    posted = requests.get(auth, timeout=10).json()
    form = {"state": posted["state"], "id_token": posted["id_token"]}
    assert client.post("/lti/launch", data=form).status_code == 200
    again = client.post("/lti/launch", data=form)
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)


def test_a_login_from_an_unknown_platform_is_refused(client, platform):
    response = client.get("/lti/login?iss=https://unknown.example&login_hint=x&target_link_uri=" + TOOL_LAUNCH)
    assert response.status_code == 403 and "not registered" in response.get_data(as_text=True)


def test_a_login_from_an_unknown_deployment_is_refused(client, platform):
    query = f"iss={platform.issuer}&client_id={CLIENT_ID}&login_hint=x&target_link_uri={TOOL_LAUNCH}"
    response = client.get(f"/lti/login?{query}&lti_deployment_id=other")
    assert response.status_code == 403 and "deployment is not registered" in response.get_data(as_text=True)


def test_a_launch_with_a_deployment_not_registered_is_refused(app, client, platform):
    response = launch(client, platform, ana(), claims={protocol.LTI + "deployment_id": "deployment-2"})
    assert response.status_code == 403 and "deployment-2" in response.get_data(as_text=True)


def _token_for(platform: LocalPlatform, **claims) -> str:
    """An id_token signed by the platform's key, with ``claims`` changed."""
    from lti1p3platform.registration import Registration

    body = {
        "iss": platform.issuer,
        "aud": CLIENT_ID,
        "sub": "sub-ana",
        "nonce": "the-nonce",
        protocol.LTI + "deployment_id": DEPLOYMENT_ID,
        protocol.LTI + "message_type": protocol.RESOURCE_LINK,
        protocol.LTI + "version": "1.3.0",
        protocol.LTI + "resource_link": {"id": "link-1"},
    }
    body.update(claims)
    body = {key: value for key, value in body.items() if value is not None}
    return Registration.encode_and_sign(body, platform.private_key, expiration=300)


def _platform_of(platform: LocalPlatform) -> protocol.Platform:
    keys, token = platform.url("/jwks"), platform.url("/token")
    return protocol.Platform(platform.issuer, CLIENT_ID, (DEPLOYMENT_ID,), keys, token)


@pytest.mark.parametrize(
    ("claims", "because"),
    [
        ({"aud": "another-tool"}, "meant for"),
        ({"iss": "https://impostor.example"}, "issued by"),
        ({"nonce": "another-nonce"}, "nonce"),
        ({"exp": 1000, "iat": 900}, "expired"),
        ({protocol.LTI + "deployment_id": "deployment-9"}, "deployment"),
        ({protocol.LTI + "version": "1.1"}, "version"),
        ({protocol.LTI + "message_type": "LtiSubmissionReviewRequest"}, "message type"),
        ({"aud": [CLIENT_ID, "other"], "azp": "other"}, "azp"),
        ({"sub": None}, "no user"),
    ],
)
def test_every_check_of_the_id_token_refuses(app, platform, claims, because):
    token = _token_for(platform, **claims)
    if "exp" in claims:  # encode_and_sign sets its own times: sign this one by hand
        token = _signed_with_times(platform, claims)
    with pytest.raises(protocol.LaunchRefused, match=because):
        protocol.read_id_token(token, _platform_of(platform), "the-nonce")


def _signed_with_times(platform: LocalPlatform, claims) -> str:
    import jwt

    body = {
        "iss": platform.issuer,
        "aud": CLIENT_ID,
        "sub": "sub-ana",
        "nonce": "the-nonce",
        protocol.LTI + "deployment_id": DEPLOYMENT_ID,
        protocol.LTI + "message_type": protocol.RESOURCE_LINK,
        protocol.LTI + "version": "1.3.0",
        protocol.LTI + "resource_link": {"id": "link-1"},
        **claims,
    }
    return jwt.encode(body, platform.private_key, algorithm="RS256")


def test_a_token_signed_by_another_key_is_refused(app, platform):
    from lti1p3platform.registration import Registration

    from tests.helpers.lti_platform import _pem_pair

    other_private, _ = _pem_pair()
    body = {"iss": platform.issuer, "aud": CLIENT_ID, "sub": "x", "nonce": "the-nonce"}
    token = Registration.encode_and_sign(body, other_private, expiration=300)
    with pytest.raises(protocol.LaunchRefused, match="signature"):
        protocol.read_id_token(token, _platform_of(platform), "the-nonce")


def test_a_well_formed_token_passes_every_check(app, platform):
    launched = protocol.read_id_token(_token_for(platform), _platform_of(platform), "the-nonce")
    assert launched.sub == "sub-ana" and launched.resource_link_id == "link-1"


def test_a_launch_without_a_login_is_refused(client, platform):
    response = client.post("/lti/launch", data={"state": "made-up", "id_token": _token_for(platform)})
    assert response.status_code == 400 and "expired or was used already" in response.get_data(as_text=True)


def test_logins_and_launches_are_rate_limited_per_address(make_app):
    app = make_app(LTI_RATE_LIMIT="2 per minute")
    with app.app_context():
        client = app.test_client()
        logins = [client.get("/lti/login?iss=https://unknown.example").status_code for _ in range(3)]
        launches = [client.post("/lti/launch", data={"state": "x"}).status_code for _ in range(3)]
    assert logins == [400, 400, 429] and launches == [400, 400, 429]


# --- deep linking ----------------------------------------------------------------------------------


def test_an_instructor_picks_a_module_and_the_platform_accepts_the_signed_answer(app, client, platform):
    instructor = Person("sub-teacher", "teacher@riverside.org", "Tess Teacher", roles=[INSTRUCTOR])
    response = launch(client, platform, instructor, deep_linking=True)
    assert response.status_code == 303
    picker = client.get(response.headers["Location"])
    assert picker.status_code == 200 and "frame-ancestors" in picker.headers["Content-Security-Policy"]
    values = [box["value"] for box in parse(picker).select("input[name=item]")]
    assert "example-course" in values and "example-course/practice" in values
    nothing = client.post(response.headers["Location"], data={})
    assert nothing.status_code == 422 and "Choose a course or a module" in nothing.get_data(as_text=True)
    answer = client.post(response.headers["Location"], data={"item": ["example-course/practice"]})
    form = parse(answer).select_one("form#lti-return")
    assert form["action"] == platform.url("/deep-link-return")
    assert platform.url("") in answer.headers["Content-Security-Policy"].split("form-action", 1)[1]
    posted = requests.post(form["action"], data={"JWT": form.select_one("input[name=JWT]")["value"]}, timeout=10)
    assert posted.status_code == 200, posted.text
    (items,) = platform.deep_link_answers
    assert items[0]["type"] == "ltiResourceLink" and items[0]["url"] == TOOL_LAUNCH
    assert items[0]["custom"] == {"course": "example-course", "module": "practice"}
    assert items[0]["lineItem"]["scoreMaximum"] == 100
    assert client.post(response.headers["Location"], data={"item": ["example-course"]}).status_code == 400


LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    ("role", "staff"),
    [
        (LIS + "membership#Instructor", True),
        (LIS + "membership/Instructor#TeachingAssistant", True),
        (LIS + "membership#ContentDeveloper", True),
        (LIS + "membership#Administrator", True),
        ("Instructor", True),  # the simple names of context roles
        ("Administrator", True),
        (LIS + "system/person#Administrator", True),
        (LIS + "institution/person#Administrator", True),
        (LIS + "institution/person#Instructor", False),  # a teacher at the school, a learner in this course
        (LIS + "membership#Learner", False),
        ("Learner", False),
        (LIS + "membership#Mentor", False),
        ("http://example.org/roles#Instructor", False),
    ],
)
def test_only_staff_of_the_context_are_instructors(role, staff):
    assert protocol.is_instructor([role]) is staff


def test_a_learner_cannot_deep_link(app, client, platform):
    response = launch(client, platform, ana(), deep_linking=True)
    assert response.status_code == 403 and "Only staff" in response.get_data(as_text=True)


# --- scores ----------------------------------------------------------------------------------------


def _launched_learner(client, platform, **custom) -> User:
    response = launch(client, platform, ana(), custom={"course": "example-course", **custom})
    open_course(client, open_link(response))
    return db.session.scalar(select(User).where(User.email == "ana@riverside.org"))


def test_completing_the_course_posts_the_score_to_the_platform(app, client, platform):
    learner = _launched_learner(client, platform)
    factories.completed(learner)
    assert db.session.scalar(select(Job).where(Job.kind == "lti.post_score")) is not None
    jobs.work()
    (score,) = platform.scores
    assert score["userId"] == "sub-ana" and score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert re.match(r"\d{4}-\d\d-\d\dT", score["timestamp"])


def test_a_quiz_in_a_linked_module_posts_the_modules_best_score_and_a_retake_does_not_lower_it(app, client, platform):
    _launched_learner(client, platform, module="practice")
    assert answer(client, RIGHT).status_code == 302  # 100: passed
    assert answer(client, {**RIGHT, "q-sky": "green", "q-boiling": "false"}).status_code == 302  # 50: a retake
    jobs.work()
    first, retake = platform.scores
    assert first["scoreGiven"] == 100 and first["activityProgress"] == "Completed"
    assert retake["scoreGiven"] == 100 and retake["activityProgress"] == "Completed"  # the best stays
    assert retake["gradingProgress"] == "FullyGraded"


def _attempts(learner: User, scores: dict[str, list[tuple[int, bool]]]) -> None:
    version = QuizVersion(course_slug="example-course", quiz_id="any", version="1", content={})
    db.session.add(version)
    db.session.flush()
    for quiz_id, tries in scores.items():
        for number, (score, passed) in enumerate(tries, 1):
            db.session.add(
                QuizAttempt(
                    user_id=learner.id,
                    course_slug="example-course",
                    quiz_id=quiz_id,
                    cycle=1,
                    number=number,
                    quiz_version_id=version.id,
                    answers={},
                    results={},
                    score=score,
                    passed=passed,
                )
            )
    db.session.flush()


@pytest.mark.parametrize(
    ("tries", "expected"),
    [
        ({"warm-up": [(90, True)]}, (45, "InProgress", "Pending")),  # the second quiz is not taken yet
        ({"warm-up": [(90, True), (40, False)], "check": [(60, False)]}, (75, "Submitted", "FullyGraded")),
        ({"warm-up": [(90, True)], "check": [(60, False), (85, True)]}, (87.5, "Completed", "FullyGraded")),
        ({"warm-up": [(90, True)], "other-round": [(100, True)]}, (45, "InProgress", "Pending")),
    ],
)
def test_a_modules_score_is_the_best_at_each_graded_quiz_averaged(app, make_user, tries, expected):
    learner = make_user(email="ana@riverside.org")
    _attempts(learner, tries)
    score = scores.module_score(learner.id, "example-course", 1, ["warm-up", "check"])
    assert (score.given, score.activity, score.grading) == expected


def test_a_score_the_platform_refuses_gives_up_with_the_reason(app, client, platform):
    learner = _launched_learner(client, platform)
    platform.score_status = 400
    factories.completed(learner)
    jobs.work()
    job = db.session.scalar(select(Job).where(Job.kind == "lti.post_score"))
    assert job.status == JobStatus.DEAD and "refused the score" in job.last_error and "400" in job.last_error
    assert platform.scores == []


def test_an_access_token_the_platform_no_longer_takes_is_replaced_and_the_score_posted(app, client, platform):
    learner = _launched_learner(client, platform)
    key = (platform.url("/token"), CLIENT_ID, protocol.SCORE_SCOPE)
    protocol._tokens[key] = (time.time() + 3600, "a-token-the-platform-revoked")
    factories.completed(learner)
    jobs.work()
    job = db.session.scalar(select(Job).where(Job.kind == "lti.post_score"))
    assert job.status == JobStatus.DONE and len(platform.scores) == 1
    assert protocol._tokens[key][1] != "a-token-the-platform-revoked"


def test_a_score_refused_with_a_new_token_too_is_tried_again_later(app, client, platform):
    learner = _launched_learner(client, platform)
    platform.score_status = 401
    factories.completed(learner)
    issued = len(platform.tokens_issued)
    jobs.work()
    job = db.session.scalar(select(Job).where(Job.kind == "lti.post_score"))
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and "401" in job.last_error
    assert len(platform.tokens_issued) - issued == 2  # a token, then a new one for the second try
    assert platform.scores == []


def test_a_platform_that_is_down_is_tried_again(app, client, platform):
    learner = _launched_learner(client, platform)
    platform.score_status = 503
    factories.completed(learner)
    jobs.work()
    job = db.session.scalar(select(Job).where(Job.kind == "lti.post_score"))
    assert job.status == JobStatus.QUEUED and job.attempts == 1


# --- the roster ------------------------------------------------------------------------------------


def test_an_admin_reads_the_roster_from_the_platform(app, client, platform, make_user, sign_in):
    _launched_learner(client, platform)
    platform.members[:] = [
        {"user_id": "sub-ana", "name": "Ana Alvarez", "email": "ana@riverside.org", "roles": [protocol.LTI + "x"]},
        {"user_id": "sub-tess", "name": "Tess Teacher", "email": "tess@riverside.org", "roles": [INSTRUCTOR]},
    ]
    admin = make_user(email="admin@example.org", role="admin")
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    registration = db.session.scalar(select(LtiRegistration))
    page = admin_client.get(f"/admin/lti/{registration.id}")
    link = parse(page).select_one("a[href*='/roster/']")
    assert link is not None and "Riverside staff PD" in link.get_text()
    roster = admin_client.get(link["href"])
    rows = [row.get_text(" ", strip=True) for row in parse(roster).select("tbody tr")]
    assert rows[0].startswith("Tess Teacher") and "Instructor" in rows[0]  # staff first
    assert rows[1].startswith("Ana Alvarez")


def test_the_platform_key_set_is_fetched_again_for_a_new_key_but_not_at_every_launch(app, platform, monkeypatch):
    fetched = []
    real = protocol._fetch_key_set

    def counted(url):
        fetched.append(url)
        return real(url)

    monkeypatch.setattr(protocol, "_fetch_key_set", counted)
    protocol.forget_key_sets()
    url = platform.url("/jwks")
    protocol.platform_key_set(url, None, now=1000)
    protocol.platform_key_set(url, "unknown-key", now=1010)  # too soon: the kept set answers
    assert len(fetched) == 1
    protocol.platform_key_set(url, "unknown-key", now=1031)  # a rotated key: fetched again
    protocol.platform_key_set(url, None, now=1100)
    assert len(fetched) == 2
    protocol.platform_key_set(url, None, now=1031 + protocol.KEY_SET_SECONDS)  # stale
    assert len(fetched) == 3


class KeySetServer:
    """A key set address on a local port whose answer each test chooses."""

    def __init__(self, answer) -> None:
        outer = self
        self.answer = answer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.answer(self)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def key_set_server():
    servers = []

    def start(answer) -> KeySetServer:
        servers.append(KeySetServer(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_a_key_set_larger_than_64_kb_is_refused(app, key_set_server):
    def huge(handler) -> None:
        body = b'{"keys": [' + b" " * (70 * 1024) + b"]}"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    protocol.forget_key_sets()
    with pytest.raises(protocol.LaunchRefused, match="larger than 64 KB"):
        protocol.platform_key_set(key_set_server(huge).url, None)


def test_a_key_set_that_trickles_in_is_given_up_at_its_deadline(app, key_set_server, monkeypatch):
    def trickle(handler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(30):  # a byte every 0.1 s: each read is quick, the whole takes 3 s
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    monkeypatch.setattr(protocol, "KEY_SET_DEADLINE_SECONDS", 0.5)
    protocol.forget_key_sets()
    started = time.monotonic()
    with pytest.raises(protocol.LaunchRefused, match="took longer than"):
        protocol.platform_key_set(key_set_server(trickle).url, None)
    assert time.monotonic() - started < 2


def test_a_key_set_address_that_redirects_is_refused(app, platform, key_set_server):
    def moved(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", platform.url("/jwks"))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    protocol.forget_key_sets()
    with pytest.raises(protocol.LaunchRefused, match="answered 302"):
        protocol.platform_key_set(key_set_server(moved).url, None)


def test_the_kept_key_set_answers_while_a_refresh_fails(app, platform, key_set_server):
    keys = requests.get(platform.url("/jwks"), timeout=10).content
    up = [True]

    def sometimes(handler) -> None:
        body = keys if up[0] else b"down"
        handler.send_response(200 if up[0] else 503)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    url = key_set_server(sometimes).url
    protocol.forget_key_sets()
    first = protocol.platform_key_set(url, None, now=1000)
    up[0] = False
    stale = 1000 + protocol.KEY_SET_SECONDS + 1
    assert protocol.platform_key_set(url, None, now=stale) is first
    assert protocol.platform_key_set(url, "rotated", now=stale + protocol.KEY_SET_FLOOR_SECONDS + 1) is first
    protocol.forget_key_sets()
    with pytest.raises(protocol.LaunchRefused, match="answered 503"):
        protocol.platform_key_set(url, None)


def test_removing_a_platform_unlinks_its_people_so_a_later_one_cannot_find_them(app, client, platform):
    _launched_learner(client, platform)
    registration = db.session.scalar(select(LtiRegistration))
    registrations.delete(registration)
    assert db.session.scalar(select(SignInIdentity)) is None
    assert db.session.scalar(select(User).where(User.email == "ana@riverside.org")) is not None  # the account stays
