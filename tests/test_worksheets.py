"""Worksheets and reflections: the block, saving (form and autosave), conflicts, privacy, the action plan."""

from __future__ import annotations

import io
import re
import socket
import textwrap
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from courseware import progress
from courseware.courses import catalog, compile_course
from courseware.extensions import db
from courseware.models import AnswerConflict, WorksheetAnswer, WorksheetEntry
from tests.conftest import EXAMPLE_COURSES, PASSWORD
from tests.helpers import factories
from tests.helpers.html import csrf_token

PAGE = "/courses/example-course/practice/wrapping-up"
SAVE = "/courses/example-course/worksheets/my-plan"
FIELD = "/courses/example-course/worksheets/my-plan/fields/"
PLAN = "/courses/example-course/action-plan"


def answers(field_id: str | None = None) -> list[WorksheetAnswer]:
    query = select(WorksheetAnswer).order_by(WorksheetAnswer.id)
    if field_id:
        query = query.where(WorksheetAnswer.field_id == field_id)
    return list(db.session.scalars(query))


def autosave(client, field_id, value, revision=None, worksheet="my-plan"):
    url = f"/courses/example-course/worksheets/{worksheet}/fields/{field_id}"
    return client.post_json(url, {"value": value, "revision": revision}, page=PAGE)


# --- the block ------------------------------------------------------------------------------


def test_the_example_worksheet_has_each_field_type():
    course = compile_course(EXAMPLE_COURSES / "example-course")
    worksheet = course.find_block("worksheet", "my-plan")[1].worksheet
    assert [(f.id, f.type, f.required) for f in worksheet.fields] == [
        ("plan-title", "short-text", True),
        ("first-try", "long-text", False),
        ("supports", "checklist", False),
        ("readiness", "choice", False),
        ("start", "date", False),
        ("steps", "table", False),
    ]
    assert [o.id for o in worksheet.field("supports").options] == ["a-counselor", "calm-corner", "mentoring"]
    assert worksheet.field("steps").columns == ["Step", "Who", "By when"] and worksheet.field("steps").rows == 2
    reflection = course.find_block("worksheet", "looking-back")[1].worksheet
    assert reflection.is_reflection and [(f.id, f.type, f.required) for f in reflection.fields] == [
        ("response", "long-text", True)
    ]


WORKSHEET = """\
---
title: One
minutes: 30
---

## Page

/// worksheet | Plan
    id: plan

### First field {{#first}}
{body}
///
"""


def worksheet_problems(tmp_path, body: str) -> list[str]:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 0.5\n")
    (folder / "01-one.md").write_text(WORKSHEET.format(body=textwrap.dedent(body)))
    return [str(p) for p in compile_course(folder, tmp_path).problems]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "demo/01-one.md:11: say what kind of field this is: 'Type: long text'"),
        ("Type: essay", "demo/01-one.md:12: unknown field type 'essay'"),
        ("Type: checklist\n- only one", "demo/01-one.md:11: a checklist field needs at least two options"),
        ("Type: choice\n- Same\n- Same", "demo/01-one.md:14: two options of this field have the id 'same'"),
        ("Type: long text\n- an option", "demo/01-one.md:13: a long text field has no options"),
        ("Type: table", "a table field needs its columns"),
        ("Type: table\nColumns: A | B\nRows: 99", "demo/01-one.md:14: 'Rows:' must be a whole number from 1 to 50"),
        ("Type: date\nRequired: maybe", "demo/01-one.md:13: write 'Required: yes' or 'Required: no'"),
        (
            "Type: date\n\n### Again {#first}\nType: date",
            "demo/01-one.md:14: two fields in this worksheet have the id 'first'",
        ),
    ],
)
def test_check_reports_worksheet_mistakes(tmp_path, body, expected):
    found = worksheet_problems(tmp_path, body)
    assert any(expected in p for p in found), found


def test_duplicate_worksheet_ids_and_empty_reflections(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 0.5\n")
    reflection = "/// reflection\n    id: {}\n\nWhy?\n///\n\n"
    empty = "/// reflection\n    id: empty\n///\n"
    body = "## Page\n\n" + reflection.format("plan") + reflection.format("plan") + empty
    (folder / "01-one.md").write_text("---\ntitle: One\nminutes: 30\n---\n\n" + body)
    found = [str(p) for p in compile_course(folder, tmp_path).problems]
    assert any("01-one.md:14: duplicate worksheet id 'plan' (already used at 01-one.md:8)" in p for p in found), found
    assert any("01-one.md:20: a reflection needs a prompt" in p for p in found), found


# --- saving without JavaScript ----------------------------------------------------------------


def post_form(client, data: dict, page: str = PAGE):
    fields = ["plan-title", "first-try", "supports", "readiness", "start", "steps"]
    payload = {f"has-{f}": "1" for f in fields}
    payload.update({f"rev-{f}": "0" for f in fields})
    payload.update(data)
    return client.submit(SAVE, payload, page=page)


FULL = {
    "f-plan-title": "Calmer mornings",
    "f-first-try": "Greet every student at the door.\nLearn names.",
    "f-supports": ["a-counselor", "calm-corner"],
    "f-readiness": "ready",
    "f-start": "2026-09-15",
    "f-steps-0-0": "Morning greeting", "f-steps-0-1": "Me", "f-steps-0-2": "Monday",
    "f-steps-1-0": "", "f-steps-1-1": "", "f-steps-1-2": "",
}  # fmt: skip


def test_each_field_type_saves_from_a_plain_form_post(learner_client):
    response = post_form(learner_client, FULL)
    assert response.status_code == 302 and response.location.endswith("#worksheet-my-plan")
    saved = {a.field_id: a.value for a in answers()}
    assert saved == {
        "plan-title": "Calmer mornings",
        "first-try": "Greet every student at the door.\nLearn names.",
        "supports": ["a-counselor", "calm-corner"],
        "readiness": "ready",
        "start": "2026-09-15",
        "steps": [["Morning greeting", "Me", "Monday"]],
    }
    html = learner_client.get(PAGE).get_data(as_text=True)
    assert "Saved “My plan”." in html
    assert 'value="Calmer mornings"' in html and "Learn names.</textarea>" in html
    assert 'value="calm-corner" id="worksheet-my-plan-supports-calm-corner" checked' in html
    assert 'name="f-steps-1-0"' in html  # a fresh row to add a step


def test_bad_values_get_a_clear_message_and_nothing_is_stored(learner_client):
    cases = [
        ({"f-start": "next tuesday"}, "Enter a date like 2026-09-15."),
        ({"f-readiness": "maybe"}, "That is not one of the options."),
        ({"f-supports": ["a-counselor", "pool"]}, "That is not one of the options."),
        ({"f-plan-title": "x" * 501}, "the limit is 500"),
        ({"f-first-try": "y" * 20_001}, "This answer is 20,001 characters long; the limit is 20,000."),
    ]
    for change, message in cases:
        response = post_form(learner_client, {**FULL, **change})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert message in html and "Nothing was saved" in html, change
        assert answers() == []
    assert "y" * 20_001 in html  # the text is shown again, not lost


def test_a_clear_checklist_is_saved_as_empty(learner_client):
    post_form(learner_client, FULL)
    revision = answers("supports")[0].revision
    post_form(learner_client, {**{k: v for k, v in FULL.items() if k != "f-supports"}, "rev-supports": str(revision)})
    assert answers("supports")[0].value == []


# --- autosave -----------------------------------------------------------------------------------


def test_autosave_saves_each_field_and_counts_revisions(learner_client):
    first = autosave(learner_client, "first-try", "Greet students")
    assert first.status_code == 200 and first.json["revision"] == 1
    second = autosave(learner_client, "first-try", "Greet students by name", revision=1)
    assert second.status_code == 200 and second.json["revision"] == 2
    assert autosave(learner_client, "supports", ["mentoring"]).status_code == 200
    assert autosave(learner_client, "steps", [["Call home", "Office", "Friday"], ["", "", ""]]).json["revision"] == 1
    assert {a.field_id: a.value for a in answers()} == {
        "first-try": "Greet students by name",
        "supports": ["mentoring"],
        "steps": [["Call home", "Office", "Friday"]],
    }


def test_a_stale_save_from_a_second_tab_never_overwrites_newer_text(learner_client):
    autosave(learner_client, "first-try", "Version from tab A")  # revision 1
    autosave(learner_client, "first-try", "Newer text from tab A", revision=1)  # revision 2
    stale = autosave(learner_client, "first-try", "Older page in tab B", revision=1)
    assert stale.status_code == 409 and stale.json["conflict"] is True
    assert stale.json["current"] == "Newer text from tab A"
    (answer,) = answers("first-try")
    assert answer.value == "Newer text from tab A" and answer.revision == 2
    (conflict,) = db.session.scalars(select(AnswerConflict))
    assert conflict.value == "Older page in tab B"
    html = learner_client.get(PAGE).get_data(as_text=True)
    assert "changed in another window" in html and "Older page in tab B" in html
    # The learner picks the copy: it becomes the answer, and the copy is gone.
    response = learner_client.submit(f"/worksheets/conflicts/{conflict.id}", {"choice": "copy"}, page=PAGE)
    assert response.status_code == 302
    db.session.expire_all()
    assert answers("first-try")[0].value == "Older page in tab B"
    assert list(db.session.scalars(select(AnswerConflict))) == []


def test_stale_text_sent_again_keeps_one_copy_per_field(learner_client):
    """A reload of an old page sends its text again: one conflict box, holding the latest copy."""
    autosave(learner_client, "first-try", "Saved text")
    autosave(learner_client, "first-try", "Newer saved text", revision=1)
    for copy in ("Old page, first send", "Old page, sent again after a reload"):
        assert autosave(learner_client, "first-try", copy, revision=1).status_code == 409
    (conflict,) = db.session.scalars(select(AnswerConflict))
    assert conflict.value == "Old page, sent again after a reload"
    html = learner_client.get(PAGE).get_data(as_text=True)
    assert html.count("changed in another window") == 1 and "saved answer is in the field above" in html


def test_a_stale_form_post_keeps_both_versions(learner_client):
    autosave(learner_client, "first-try", "Saved by autosave")
    response = post_form(learner_client, {**FULL, "f-first-try": "Typed on an old page"})
    assert response.status_code == 302
    assert answers("first-try")[0].value == "Saved by autosave"
    assert db.session.scalar(select(AnswerConflict.value)) == "Typed on an old page"
    assert "Both versions are kept" in learner_client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(
    ("field_id", "value", "status", "message"),
    [
        ("nope", "x", 404, "not part of the worksheet"),
        ("first-try", "z" * 20_001, 422, "the limit is 20,000"),
        ("start", "31/12/2026", 422, "Enter a date"),
        ("steps", [["only one cell"]], 422, "could not be read"),
        ("supports", "not a list", 422, "Choose from the list."),
    ],
)
def test_autosave_refuses_bad_input_clearly(learner_client, field_id, value, status, message):
    response = autosave(learner_client, field_id, value)
    assert response.status_code == status and message in response.json["error"]
    assert answers() == []


def test_autosave_needs_csrf_and_a_session(app, learner_client):
    response = learner_client.post(FIELD + "first-try", json={"value": "x"}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.is_json
    anonymous = app.test_client()
    response = anonymous.post_json(FIELD + "first-try", {"value": "x"}, page="/sign-in")
    assert response.status_code == 401 and response.json["error"] == "Your session has ended"
    assert answers() == []


def test_a_form_posted_after_the_session_ended_keeps_the_text(app, learner):
    client = app.test_client()
    client.submit("/sign-in", {"email": learner.email, "password": PASSWORD})
    shown = client.get(PAGE).get_data(as_text=True)
    token, keep_token = csrf_token(shown), re.search(r'name="keep_token" value="([^"]+)"', shown)[1]
    client.delete_cookie("session")
    fields = {"has-first-try": "1", "rev-first-try": "0", "f-first-try": "Written before the session ended"}
    response = client.post(SAVE, data={"csrf_token": token, "keep_token": keep_token, **fields})
    assert response.status_code == 302 and "/sign-in" in response.location
    assert answers() == []
    client.submit("/sign-in?next=" + PAGE, {"email": learner.email, "password": PASSWORD})
    html = client.get(PAGE).get_data(as_text=True)
    assert "Your text was kept" in html and "Written before the session ended</textarea>" in html


# --- privacy and sharing --------------------------------------------------------------------------


def test_entries_are_private_to_their_author(app, learner_client, make_user, sign_in):
    autosave(learner_client, "first-try", "My private thoughts")
    entry = db.session.scalar(select(WorksheetEntry))
    assert learner_client.get(f"/entries/{entry.id}").status_code == 200
    other = app.test_client()
    sign_in(other, make_user())
    assert other.get(f"/entries/{entry.id}").status_code == 404
    assert "My private thoughts" not in other.get(PLAN).get_data(as_text=True)
    assert "My private thoughts" not in other.get(PAGE).get_data(as_text=True)
    # Another learner's autosave writes into their own entry, never this one.
    autosave(other, "first-try", "Theirs")
    assert db.session.get(WorksheetEntry, entry.id).answers[0].value == "My private thoughts"


def test_sharing_an_entry_with_leaders(learner_client):
    autosave(learner_client, "first-try", "Worth sharing")
    response = learner_client.submit(SAVE + "/share", {"shared": "yes"}, page=PAGE)
    assert response.status_code == 302
    assert db.session.scalar(select(WorksheetEntry.shared)) is True
    assert "Shared with your leaders" in learner_client.get(PAGE).get_data(as_text=True)
    learner_client.submit(SAVE + "/share", {"shared": "no"}, page=PAGE)
    assert db.session.scalar(select(WorksheetEntry.shared)) is False


# --- completion ---------------------------------------------------------------------------------------


def test_required_worksheets_complete_a_module(editable, make_user, sign_in):
    app, folder = editable
    (folder / "course.yml").write_text((folder / "course.yml").read_text() + "  worksheets_required: true\n")
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    course = catalog().get("example-course")
    for page in course.module("practice").pages:
        client.get(f"/courses/example-course/practice/{page.slug}")
    factories.seat_time(user, course)
    from tests.test_quizzes import RIGHT, answer

    answer(client, RIGHT)
    practice = course.module("practice")
    assert not progress.progress_for(user, course).module_done(practice)
    autosave(client, "first-try", "Not the required field")
    assert not progress.progress_for(user, course).module_done(practice)
    autosave(client, "plan-title", "Calmer mornings")
    assert not progress.progress_for(user, course).module_done(practice)  # the reflection is required too
    autosave(client, "response", "I will slow down.", worksheet="looking-back")
    assert progress.progress_for(user, course).module_done(practice)


# --- edits to the course and the action plan ----------------------------------------------------------


def test_answers_survive_course_edits(editable, make_user, sign_in):
    app, folder = editable
    client = app.test_client()
    sign_in(client, make_user())
    autosave(client, "first-try", "Greet at the door")
    autosave(client, "start", "2026-09-15")
    module = folder / "02-practice.md"
    text = module.read_text()
    text = text.replace(
        "### What will you try first? {#first-try}", "### What is the first thing you will try? {#first-try}"
    )
    text = text.replace("### When will you start? {#start}\nType: date\n", "")
    module.write_text(text)
    html = client.get(PAGE).get_data(as_text=True)
    assert "What is the first thing you will try?" in html and "Greet at the door</textarea>" in html
    plan = client.get(PLAN).get_data(as_text=True)
    assert "Greet at the door" in plan
    earlier = plan.split("From an earlier version of this course", 1)[1]
    assert "When will you start?" in earlier and "2026-09-15" in earlier


def test_action_plan_lists_answers_in_course_order(learner_client):
    post_form(learner_client, FULL)
    autosave(learner_client, "response", "Slow down.", worksheet="looking-back")
    html = learner_client.get(PLAN).get_data(as_text=True)
    order = [
        html.index(s)
        for s in ["Looking back", "Slow down.", "My plan", "Calmer mornings", "A calm corner", "Morning greeting"]
    ]
    assert order == sorted(order)
    assert "Not answered yet" not in html.split("My plan", 1)[1].split("When will you start?")[0]


def test_html_in_an_answer_is_text_on_the_page(learner_client):
    autosave(learner_client, "first-try", '<script>alert("x")</script><b>bold</b>')
    for url in (PAGE, PLAN):
        html = learner_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html


class Listener:
    """A local HTTP listener that records any request made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_action_plan_pdf_holds_answers_as_text_and_fetches_nothing(learner_client, listener):
    hostile = f'<img src="http://127.0.0.1:{listener.port}/x"> <a rel="attachment" href="file:///etc/passwd">x</a>'
    autosave(learner_client, "first-try", hostile)
    autosave(learner_client, "plan-title", "Calmer mornings")
    response = learner_client.get(PLAN + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Calmer mornings" in flat
    assert f"http://127.0.0.1:{listener.port}/x" in flat and "file:///etc/passwd" in flat
    assert listener.hits == 0
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"/EmbeddedFile" not in response.data and b"root:x:0" not in response.data
    assert reader.metadata.title.startswith("My action plan")


def test_an_impossible_revision_is_refused_not_a_crash(learner_client):
    assert autosave(learner_client, "first-try", "x", revision=10**30).status_code == 400
    response = post_form(learner_client, {**FULL, "rev-first-try": "9" * 30})
    assert response.status_code == 400
    assert answers() == []


def test_after_choosing_a_copy_the_learner_returns_to_the_worksheet(learner_client):
    autosave(learner_client, "first-try", "One")
    autosave(learner_client, "first-try", "Two", revision=1)
    autosave(learner_client, "first-try", "Stale", revision=1)
    conflict = db.session.scalar(select(AnswerConflict))
    response = learner_client.submit(
        f"/worksheets/conflicts/{conflict.id}",
        {"choice": "dismiss"},
        page=PAGE,
        headers={"Referer": "https://evil.example/"},
    )
    assert response.location == PAGE + "#worksheet-my-plan"
