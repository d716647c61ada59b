"""Who may open which leader page: every leader and admin route, for every kind of visitor."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from courseware.cohorts import services
from courseware.extensions import db
from courseware.models import Cohort, LeaderGrant, Organisation, Role, User
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.html import element_text, one, texts_of
from tests.test_cohorts import add_member, signed_in, text_of

ROSTER = b"name,email,staff role,school\nAna Alvarez,ana@district.org,Teacher,Lincoln Elementary\n"


@dataclass
class Place:
    """Two cohorts in one district: A belongs to a school, B to the district itself."""

    district: Organisation
    school: Organisation
    a: Cohort
    b: Cohort
    a_upload: int
    b_upload: int
    a_assignment: int
    b_assignment: int
    people: dict[str, User]
    a_member: int = 0
    b_member: int = 0


@pytest.fixture
def place(app, make_user) -> Place:
    district = services.create_organisation("Riverside District")
    school = services.create_organisation("Lincoln Elementary", district)
    a = services.create_cohort(school, "Lincoln staff")
    b = services.create_cohort(district, "District office")
    people = {
        "learner": make_user(name="Lou Learner", email="lou@district.org"),
        "other_leader": make_user(name="Bea Bleader", email="bea@district.org"),
        "own_leader": make_user(name="Ada Aleader", email="ada@district.org"),
        "organisation_leader": make_user(name="Ora Orgleader", email="ora@district.org"),
        "admin": make_user(name="Adm Admin", email="admin@district.org", role=Role.ADMIN),
        "grantee": make_user(name="Gil Grantee", email="gil@district.org"),
    }
    services.grant_leader(people["own_leader"], cohort=a)
    services.grant_leader(people["other_leader"], cohort=b)
    services.grant_leader(people["organisation_leader"], organisation=district)
    a_member = add_member(a, people["learner"], "Teacher", school).id
    b_member = add_member(b, make_user(name="Dee Districtstaff", email="dee@district.org"), "Clerk").id
    due = utcnow().date() + timedelta(days=30)
    a_assignment = services.assign(a, "example-course", due, None).id
    b_assignment = services.assign(b, "example-course", due, None).id
    leader = people["own_leader"]
    a_upload = services.store_upload(a, leader, "a.csv", ROSTER.decode()).id
    b_upload = services.store_upload(b, people["other_leader"], "b.csv", ROSTER.decode()).id
    for cohort in (a, b):
        for _ in range(3):  # enough for a leader to see the cohort's evaluation results
            factories.evaluation_response(cohorts=[cohort])
    return Place(district, school, a, b, a_upload, b_upload, a_assignment, b_assignment, people, a_member, b_member)


ACTORS = ["anonymous", "learner", "other_leader", "own_leader", "organisation_leader", "admin"]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # {cohort}, {upload}, {assignment}, {district}, {school}, {grant} are filled in
    data: tuple = ()
    cohort_specific: bool = True
    admin_only: bool = False
    upload: bool = False
    organisation_specific: bool = False  # {district}'s: its leaders and admins only

    def url(self, place: Place, cohort: str = "a") -> str:
        grant = db.session.scalar(select(LeaderGrant.id).order_by(LeaderGrant.id.desc()).limit(1))
        return self.path.format(
            cohort=getattr(place, cohort).id,
            upload=getattr(place, f"{cohort}_upload"),
            assignment=getattr(place, f"{cohort}_assignment"),
            member=getattr(place, f"{cohort}_member"),
            district=place.district.id,
            school=place.school.id,
            grant=grant,
        )


ROUTES = [
    Route("index", "GET", "/cohorts", cohort_specific=False),
    Route("create-form", "GET", "/cohorts/new", cohort_specific=False),
    Route(
        "create",
        "POST",
        "/cohorts/new",
        (("name", "New cohort"), ("organisation", "{district}")),
        cohort_specific=False,
    ),
    Route("show", "GET", "/cohorts/{cohort}"),
    Route("upload-roster", "POST", "/cohorts/{cohort}/roster", upload=True),
    Route("preview-roster", "GET", "/cohorts/{cohort}/roster/{upload}"),
    Route("apply-roster", "POST", "/cohorts/{cohort}/roster/{upload}"),
    Route("join-code", "POST", "/cohorts/{cohort}/join-code", (("action", "rotate"),)),
    Route(
        "assign",
        "POST",
        "/cohorts/{cohort}/assignments",
        (("course", "example-course"), ("due_on", "2031-06-30"), ("replace_existing", "yes")),
    ),
    Route("dashboard", "GET", "/cohorts/{cohort}/assignments/{assignment}"),
    Route("member-ledger", "GET", "/cohorts/{cohort}/assignments/{assignment}/members/{member}"),
    Route("export", "GET", "/cohorts/{cohort}/assignments/{assignment}.csv"),
    Route("confirm-reminder", "GET", "/cohorts/{cohort}/assignments/{assignment}/remind"),
    Route("remind", "POST", "/cohorts/{cohort}/assignments/{assignment}/remind", (("confirm", "yes"),)),
    Route("certificates-zip", "GET", "/cohorts/{cohort}/assignments/{assignment}/certificates.zip"),
    Route("evaluations", "GET", "/cohorts/{cohort}/evaluations"),
    Route("evaluation-results", "GET", "/cohorts/{cohort}/evaluations/example-course"),
    Route("evaluation-export", "GET", "/cohorts/{cohort}/evaluations/example-course.csv"),
    *(
        Route(name, "GET", path, cohort_specific=False, organisation_specific=True)
        for name, path in [
            ("organisation-evaluations", "/organisations/{district}/evaluations"),
            ("organisation-evaluation-results", "/organisations/{district}/evaluations/example-course"),
            ("organisation-evaluation-export", "/organisations/{district}/evaluations/example-course.csv"),
        ]
    ),
    Route(
        "admin-evaluation-results", "GET", "/admin/evaluations/example-course", cohort_specific=False, admin_only=True
    ),
    Route(
        "admin-evaluation-export",
        "GET",
        "/admin/evaluations/example-course.csv",
        cohort_specific=False,
        admin_only=True,
    ),
    Route("admin-organisations", "GET", "/admin/organisations", cohort_specific=False, admin_only=True),
    Route(
        "admin-create-organisation",
        "POST",
        "/admin/organisations",
        (("name", "Jefferson High"), ("parent_id", "{district}")),
        cohort_specific=False,
        admin_only=True,
    ),
    Route(
        "admin-grant-leader",
        "POST",
        "/admin/leaders",
        (("email", "gil@district.org"), ("target", "organisation:{school}")),
        cohort_specific=False,
        admin_only=True,
    ),
    Route("admin-revoke-leader", "POST", "/admin/leaders/{grant}/revoke", cohort_specific=False, admin_only=True),
]
COHORT_ROUTES = [r for r in ROUTES if r.cohort_specific]


def expected(route: Route, actor: str) -> set[int]:
    if actor == "anonymous":
        return {302}  # to the sign-in page, checked below
    allowed = {200} if route.method == "GET" else {302}
    if route.admin_only:
        return allowed if actor == "admin" else {403}
    if actor == "learner":
        return {403}
    if route.organisation_specific and actor in {"own_leader", "other_leader"}:
        return {404}  # they lead a cohort of the district, not the district
    if actor == "other_leader" and route.cohort_specific:
        return {404}
    if route.name == "create-form" and actor in {"own_leader", "other_leader"}:
        return {302}  # a leader of a cohort only is sent back: cohorts are created within an organisation
    return allowed


def client_for(app, sign_in, place: Place, actor: str):
    if actor == "anonymous":
        return app.test_client()
    return signed_in(app, sign_in, place.people[actor])


def send(client, route: Route, place: Place, cohort: str = "a", headers: dict | None = None):
    url = route.url(place, cohort)
    if route.method == "GET":
        return client.get(url, headers=headers or {})
    values = {
        "district": place.district.id,
        "school": place.school.id,
    }
    data = {key: value.format(**values) for key, value in route.data}
    data["csrf_token"] = client.csrf_token("/")
    if route.upload:
        data["file"] = (io.BytesIO(ROSTER), "roster.csv")
    return client.post(url, data=data, headers=headers or {})


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_permission_matrix(app, place, sign_in, route, actor):
    client = client_for(app, sign_in, place, actor)
    response = send(client, route, place)
    assert response.status_code in expected(route, actor), (response.status_code, text_of(response)[:1500])
    if actor == "anonymous":
        location = urlsplit(response.location)
        assert location.path == "/sign-in", response.location
    if response.status_code == 302 and actor != "anonymous":
        assert not urlsplit(response.location).path.startswith("/sign-in")
    if response.status_code in {403, 404}:
        assert "Traceback" not in text_of(response)


GET_ROUTES = [r for r in ROUTES if r.method == "GET"]


@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.name for r in GET_ROUTES])
def test_an_anonymous_json_request_gets_a_401(app, place, route):
    response = send(app.test_client(), route, place, headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json["status"] == 401


@pytest.mark.parametrize("route", COHORT_ROUTES, ids=[r.name for r in COHORT_ROUTES])
def test_the_leader_of_cohort_a_finds_nothing_of_cohort_b(app, place, sign_in, route):
    client = signed_in(app, sign_in, place.people["own_leader"])
    response = send(client, route, place, cohort="b")
    assert response.status_code == 404
    assert "We could not find that page" in text_of(response)


@pytest.mark.parametrize(
    "path",
    [
        "/cohorts/{a}/roster/{b_upload}",
        "/cohorts/{a}/assignments/{b_assignment}",
        "/cohorts/{a}/assignments/{b_assignment}.csv",
        "/cohorts/{a}/assignments/{b_assignment}/certificates.zip",
        "/cohorts/999999",
        "/cohorts/999999/assignments/1",
    ],
    ids=["upload-of-b", "dashboard-of-b", "export-of-b", "zip-of-b", "no-such-cohort", "no-such-cohort-assignment"],
)
def test_ids_of_another_cohort_under_an_own_cohort_are_not_found(app, place, sign_in, path):
    client = signed_in(app, sign_in, place.people["own_leader"])
    url = path.format(a=place.a.id, b_upload=place.b_upload, b_assignment=place.b_assignment)
    assert client.get(url).status_code == 404


def test_a_learner_asking_for_a_dashboard_gets_a_403(app, place, sign_in):
    client = signed_in(app, sign_in, place.people["learner"])
    response = client.get(f"/cohorts/{place.a.id}/assignments/{place.a_assignment}")
    assert response.status_code == 403
    assert "You do not have access to this page" in text_of(response)
    assert "My cohorts" not in text_of(client.get("/"))


def listed_cohorts(client) -> set[str]:
    return set(texts_of(text_of(client.get("/cohorts")), 'h2.course-card__title a[href^="/cohorts/"]'))


def test_each_leader_lists_the_cohorts_they_lead(app, place, sign_in):
    people = place.people
    assert listed_cohorts(signed_in(app, sign_in, people["own_leader"])) == {"Lincoln staff"}
    assert listed_cohorts(signed_in(app, sign_in, people["other_leader"])) == {"District office"}
    assert listed_cohorts(signed_in(app, sign_in, people["organisation_leader"])) == {
        "Lincoln staff",
        "District office",
    }
    assert listed_cohorts(signed_in(app, sign_in, people["admin"])) == {"Lincoln staff", "District office"}


def test_a_school_leader_sees_the_schools_cohorts_only(app, place, sign_in, make_user):
    head = make_user(name="Hal Head", email="hal@district.org")
    services.grant_leader(head, organisation=place.school)
    client = signed_in(app, sign_in, head)
    assert listed_cohorts(client) == {"Lincoln staff"}
    assert client.get(f"/cohorts/{place.a.id}").status_code == 200
    assert client.get(f"/cohorts/{place.b.id}").status_code == 404


def test_someone_with_several_grants_sees_what_each_covers(app, place, sign_in, make_user):
    second_school = services.create_organisation("Washington Middle", place.district)
    third = services.create_cohort(second_school, "Washington staff")
    services.create_cohort(place.district, "Bus drivers")
    both = make_user(name="Bo Both", email="bo@district.org")
    services.grant_leader(both, organisation=place.school)
    services.grant_leader(both, organisation=second_school)
    services.grant_leader(both, cohort=place.b)
    client = signed_in(app, sign_in, both)
    assert listed_cohorts(client) == {"Lincoln staff", "Washington staff", "District office"}
    for cohort in (place.a, third, place.b):
        assert client.get(f"/cohorts/{cohort.id}").status_code == 200


def test_an_organisation_leader_creates_cohorts_only_in_their_organisations(app, place, sign_in):
    client = signed_in(app, sign_in, place.people["organisation_leader"])
    elsewhere = services.create_organisation("Hillside District")
    form = text_of(client.get("/cohorts/new"))
    assert "Riverside District" in form and "Lincoln Elementary" in form and "Hillside District" not in form
    response = client.submit("/cohorts/new", {"name": "Sneaky", "organisation": elsewhere.id}, page="/")
    assert response.status_code == 422
    assert db.session.scalar(select(Cohort).where(Cohort.name == "Sneaky")) is None
    response = client.submit("/cohorts/new", {"name": "Lincoln aides", "organisation": place.school.id}, page="/")
    assert response.status_code == 302
    created = db.session.scalar(select(Cohort).where(Cohort.name == "Lincoln aides"))
    assert created.organisation_id == place.school.id and response.location == f"/cohorts/{created.id}"


def test_a_cohort_leader_without_an_organisation_is_told_how_to_get_one(app, place, sign_in):
    client = signed_in(app, sign_in, place.people["own_leader"])
    response = client.get("/cohorts/new")
    assert response.status_code == 302 and response.location == "/cohorts"
    assert "ask an admin to make you a leader of one" in text_of(client.get("/cohorts"))


def test_revoking_a_leader_ends_their_access(app, place, sign_in):
    client = signed_in(app, sign_in, place.people["own_leader"])
    assert client.get(f"/cohorts/{place.a.id}").status_code == 200
    grant = db.session.scalar(select(LeaderGrant).where(LeaderGrant.user_id == place.people["own_leader"].id))
    admin = signed_in(app, sign_in, place.people["admin"])
    assert admin.submit(f"/admin/leaders/{grant.id}/revoke", page="/").status_code == 302
    assert client.get(f"/cohorts/{place.a.id}").status_code == 403
    assert client.get("/cohorts").status_code == 403


def main_menu(client) -> str:
    """The text of the site's main navigation."""
    return element_text(one(text_of(client.get("/")), 'nav[aria-label="Main"]'))


def test_the_menu_offers_my_cohorts_only_while_someone_leads(app, place, sign_in):
    gil = signed_in(app, sign_in, place.people["grantee"])
    assert "My cohorts" not in main_menu(gil)
    admin = signed_in(app, sign_in, place.people["admin"])
    target = f"organisation:{place.school.id}"
    assert admin.submit("/admin/leaders", {"email": "gil@district.org", "target": target}, page="/").status_code == 302
    assert "My cohorts" in main_menu(gil)
    grant = db.session.scalar(select(LeaderGrant).where(LeaderGrant.user_id == place.people["grantee"].id))
    assert admin.submit(f"/admin/leaders/{grant.id}/revoke", page="/").status_code == 302
    assert gil.get("/cohorts").status_code == 403
    assert "My cohorts" not in main_menu(gil)  # no link to a page that would refuse them


def test_the_admin_grants_leadership_of_a_school(app, place, sign_in):
    admin = signed_in(app, sign_in, place.people["admin"])
    response = admin.submit(
        "/admin/leaders", {"email": "GIL@district.org", "target": f"organisation:{place.school.id}"}, page="/"
    )
    assert response.status_code == 302
    assert "Gil Grantee now leads Lincoln Elementary." in text_of(admin.get("/admin/organisations"))
    gil = signed_in(app, sign_in, place.people["grantee"])
    assert gil.get(f"/cohorts/{place.a.id}").status_code == 200
    assert gil.get(f"/cohorts/{place.b.id}").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nobody@district.org", "target": "cohort:{a}"}, "No account has that email address."),
        ({"email": "gil@district.org", "target": "cohort:999999"}, "Choose the organisation or cohort"),
        ({"email": "gil@district.org", "target": "nonsense"}, "Choose the organisation or cohort"),
    ],
    ids=["unknown-person", "unknown-cohort", "no-target"],
)
def test_a_leader_grant_with_a_mistake_grants_nothing(app, place, sign_in, data, message):
    admin = signed_in(app, sign_in, place.people["admin"])
    count = db.session.scalar(select(LeaderGrant.id).order_by(LeaderGrant.id.desc()).limit(1))
    data = {k: v.format(a=place.a.id) for k, v in data.items()}
    response = admin.submit("/admin/leaders", data, page="/")
    assert response.status_code == 302
    assert message in text_of(admin.get("/admin/organisations"))
    assert db.session.scalar(select(LeaderGrant.id).order_by(LeaderGrant.id.desc()).limit(1)) == count


def test_a_school_cannot_be_placed_under_a_school(app, place, sign_in):
    admin = signed_in(app, sign_in, place.people["admin"])
    response = admin.submit("/admin/organisations", {"name": "Annex", "parent_id": place.school.id}, page="/")
    assert response.status_code == 302
    assert "A school belongs to a district" in text_of(admin.get("/admin/organisations"))
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Annex")) is None


def test_a_member_of_another_cohort_is_not_found_through_a_led_cohort(app, place, sign_in):
    """The member's id is checked against the cohort in the address, not only the leader's grants."""
    client = signed_in(app, sign_in, place.people["own_leader"])
    own = f"/cohorts/{place.a.id}/assignments/{place.a_assignment}/members"
    assert client.get(f"{own}/{place.a_member}").status_code == 200
    assert client.get(f"{own}/{place.b_member}").status_code == 404
