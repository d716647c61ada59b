"""Bad input at the edge: control characters, lone surrogates, deep JSON, huge ids, text that reorders
itself, and two requests racing for the same rows. Each gets a clear answer, never a 500."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courseware import text
from courseware.certificates.designs import values
from courseware.cohorts import services
from courseware.extensions import db
from courseware.guard import MAX_JSON_DEPTH, json_depth
from courseware.models import CohortMember, Organisation, RosterUpload, User, WorksheetAnswer
from tests.helpers import factories
from tests.helpers.html import texts_of
from tests.helpers.sign_up import mailed_link
from tests.test_cohorts import build_world, preview_roster, signed_in, text_of
from tests.test_worksheets import PAGE, autosave

RLO = "\u202e"

# --- the shared text rules ----------------------------------------------------------------------


def test_clean_removes_control_characters_and_keeps_lines_where_allowed():
    assert text.clean("Ana\x00 \x07Alvarez\t") == "Ana Alvarez"
    assert text.clean("one\r\ntwo\x00\tthree\x1b", multiline=True) == "one\ntwo\tthree"


def test_clean_refuses_lone_surrogates_and_normalises_to_nfc():
    with pytest.raises(text.TextProblem, match="broken character"):
        text.clean("Ana \ud800")
    assert text.clean("Jose\u0301") == "Jos\u00e9"


def test_clean_removes_bidirectional_controls_from_single_line_text_only():
    assert text.clean(f"Ana {RLO}zerlaV\u202c \u2066x\u2069 \u200f") == "Ana zerlaV x"
    assert RLO in text.clean(f"a{RLO}b", multiline=True)


def test_clean_caps_length():
    with pytest.raises(text.TextProblem, match="use at most 5"):
        text.clean("abcdef", limit=5)


def test_isolated_escapes_and_wraps_in_bdi():
    assert str(text.isolated(f"<b>{RLO}Ana")) == "<bdi>&lt;b&gt;Ana</bdi>"


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert json_depth(b'"x"') == 0


# --- forms ---------------------------------------------------------------------------------------


def test_sign_up_stores_a_name_without_controls_or_reordering(client):
    response = client.submit(
        "/sign-up",
        {
            "name": f"Ana\x00 {RLO}Alvarez",
            "email": "ana\x00@example.org",
            "password": "copper-meadow-thistle-93",
            "confirm": "copper-meadow-thistle-93",
        },
    )
    assert response.status_code == 200, text_of(response)[:2000]
    assert client.submit(mailed_link("ana@example.org")).status_code == 302
    user = db.session.scalar(select(User).filter_by(email="ana@example.org"))
    assert user is not None and user.name == "Ana Alvarez"


def test_profile_name_of_controls_only_is_refused_next_to_the_field(learner_client, learner):
    response = learner_client.submit(
        "/account", {"form": "profile", "profile-name": "\x00\x01", "profile-email": learner.email}, page="/account"
    )
    assert response.status_code in (200, 422)
    assert "Enter your name as it should appear on your certificates." in text_of(response)
    db.session.refresh(learner)
    assert learner.name == "Jordan Rivera"


def test_worksheet_form_with_nul_is_saved_without_it(learner_client, learner):
    url = "/courses/example-course/worksheets/my-plan"
    response = learner_client.submit(url, {"f-first-try": "Greet\x00 students"}, page=PAGE)
    assert response.status_code == 302, text_of(response)[:2000]
    answer = db.session.scalar(select(WorksheetAnswer).filter_by(field_id="first-try"))
    assert answer is not None and answer.value == "Greet students"


def test_autosave_refuses_a_lone_surrogate_with_a_clear_message(learner_client):
    response = learner_client.post(
        "/courses/example-course/worksheets/my-plan/fields/first-try",
        data='{"value": "Greet \\ud800 students"}',
        content_type="application/json",
        headers={"X-CSRFToken": learner_client.csrf_token("/"), "Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "broken character" in response.get_json()["detail"]
    assert db.session.scalar(select(func.count()).select_from(WorksheetAnswer)) == 0
    assert learner_client.get("/courses/example-course/action-plan").status_code == 200


def test_autosave_strips_nul(learner_client):
    response = autosave(learner_client, "first-try", "Greet\x00 students")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalar(select(WorksheetAnswer.value)) == "Greet students"


def test_deeply_nested_json_is_a_clear_400(learner_client):
    body = "[" * 100_000 + "]" * 100_000
    for url in ("/courses/example-course/worksheets/my-plan/fields/first-try", "/learning/heartbeat"):
        response = learner_client.post(
            url,
            data=json.dumps({"value": "x"})[:-1] + ', "deep": ' + body + "}",
            content_type="application/json",
            headers={"X-CSRFToken": learner_client.csrf_token("/"), "Accept": "application/json"},
        )
        assert response.status_code == 400, url
        assert f"more than {MAX_JSON_DEPTH} levels" in response.get_json()["detail"]


# --- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64 + 1, 10**40])
def test_ids_beyond_64_bits_in_addresses_are_not_found(app, make_user, sign_in, number):
    admin = make_user(name="Ada Admin", email="ada@example.org", role="admin")
    client = signed_in(app, sign_in, admin)
    assert client.get(f"/cohorts/{number}").status_code == 404
    assert client.submit(f"/admin/certificates/{number}/revoke", {"reason": "x"}, page="/").status_code == 404
    assert client.get(f"/cohorts/{2**31 - 1}").status_code == 404  # the largest id is looked up, and not there


def test_control_characters_in_an_address_are_not_found(learner_client):
    assert learner_client.get("/join/abc%00def").status_code == 404
    assert learner_client.get("/verify/%00").status_code == 404


def test_a_parent_id_beyond_64_bits_is_a_clear_message(app, make_user, sign_in):
    admin = make_user(name="Ada Admin", email="ada@example.org", role="admin")
    client = signed_in(app, sign_in, admin)
    response = client.submit("/admin/organisations", {"name": "North", "parent_id": str(10**30)}, page="/")
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "A school belongs to a district: choose one of the districts." in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_a_leader_target_beyond_64_bits_is_a_clear_message(app, make_user, sign_in):
    admin = make_user(name="Ada Admin", email="ada@example.org", role="admin")
    client = signed_in(app, sign_in, admin)
    response = client.submit(
        "/admin/leaders", {"email": admin.email, "target": f"cohort:{10**30}"}, page="/admin/organisations"
    )
    assert response.status_code == 302
    assert "Choose the organisation or cohort this leader leads." in text_of(client.get(response.location))


# --- races -------------------------------------------------------------------------------------

ROSTER = "name,email\nAna Alvarez,ana@district.org\nBen Brown,ben@district.org\n"


def test_two_rosters_adding_the_same_new_people_at_once(app, make_user, sign_in, monkeypatch):
    world = build_world(make_user)
    other = services.create_cohort(world.district, "Bus drivers")
    services.grant_leader(world.leader, cohort=other)
    client = signed_in(app, sign_in, world.leader)
    url, _ = preview_roster(client, world.cohort.id, ROSTER)
    stale = services.plan_roster(world.cohort, ROSTER)  # planned before the other roster creates the accounts

    other_url, _ = preview_roster(client, other.id, ROSTER)
    assert client.submit(other_url, {}).status_code == 302  # the other roster wins the race
    monkeypatch.setattr(services, "plan_roster", lambda cohort, text, leader=None: stale)

    response = client.submit(url, {})
    assert response.status_code == 302
    assert response.location.endswith(url)
    page = text_of(client.get(response.location))
    assert any("nothing from this one was applied" in m for m in texts_of(page, ".flash"))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.like("%@district.org"))) == 3
    members = select(func.count()).select_from(CohortMember).filter_by(cohort_id=world.cohort.id)
    assert db.session.scalar(members) == 0  # nothing half-applied
    upload = db.session.scalar(select(RosterUpload).filter_by(cohort_id=world.cohort.id))
    assert upload is not None and upload.applied_at is None

    monkeypatch.undo()  # applied again, it links the accounts the other roster created
    response = client.submit(url, {})
    page = text_of(client.get(response.location))
    assert any(m.startswith("Roster applied: 2 added (0 invited") for m in texts_of(page, ".flash"))


def test_an_integrity_error_reaching_the_app_is_a_clear_409(app, learner_client, monkeypatch):
    def racing(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr("courseware.cohorts.services.join", racing)
    cohort = factories.cohort(factories.organisation("Riverside"))
    response = learner_client.submit(f"/join/{cohort.join_code}", {})
    assert response.status_code == 409
    assert "Someone else changed this at the same moment" in text_of(response)


# --- text that reorders itself --------------------------------------------------------------------


def test_certificates_print_old_names_in_their_own_order(app):
    learner = factories.user(name=f"Ana {RLO}zerlaV", email="ana@example.org")
    certificate = factories.certificate(learner)
    printed = values(certificate, "https://example.org/verify/x", None)
    assert printed["name"] == "Ana zerlaV"
    assert RLO not in printed["title"] + printed["course_title"]


def test_verification_page_isolates_the_name(app, client):
    learner = factories.user(name=f"Ana {RLO}zerlaV", email="ana@example.org")
    certificate = factories.certificate(learner)
    page = text_of(client.get(f"/verify/{certificate.code}"))
    assert "<bdi>Ana zerlaV</bdi>" in page
