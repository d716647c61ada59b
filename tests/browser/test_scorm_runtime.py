"""The exported SCORM package in headless Chromium, inside an independent SCORM 1.2 runtime.

A host page served from 127.0.0.1 makes scorm-again's ``Scorm12API`` its ``window.API`` (as an LMS
would) and opens the package's launch page in an iframe; the learner reads every page and takes the
quiz, and the test reads what the runtime recorded: lesson status, score, location and suspend data.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser.test_learner_journey import PHONE, assert_accessible, shot

MODULES = Path(__file__).resolve().parent.parent.parent / "modules"

pytestmark = pytest.mark.browser

SCORM_AGAIN = Path(__file__).resolve().parent.parent / "peers" / "scorm" / "node_modules" / "scorm-again" / "dist"
HOST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="scorm12.js"></script>
<script>
  window.API = new Scorm12API({autocommit: false, logLevel: 5});
  window.calls = [];  // what the package asked of the API, in order
  ["LMSInitialize", "LMSCommit", "LMSFinish"].forEach(function (name) {
    window.API.on(name, function () { window.calls.push([name]); });
  });
  window.API.on("LMSSetValue.cmi.*", function (element, value) { window.calls.push(["LMSSetValue", element, value]); });
  var kept = %s;
  if (kept) { window.API.loadFromJSON(kept); }
</script></head>
<body><iframe title="Course" src="%s/index.html" style="width:1200px;height:860px"></iframe></body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def lms(runner, tmp_path):
    """``open(page, kept=None, name=..., runner=..., args=...)``: a page of a host LMS holding a course's
    package (by default the example course's), and what an earlier session kept (as scorm-again's JSON),
    served over HTTP from 127.0.0.1."""
    if not (SCORM_AGAIN / "scorm12.js").is_file():
        pytest.skip("scorm-again (npm) is not installed: run 'npm ci' in tests/peers/scorm (Node and npm)")
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(SCORM_AGAIN / "scorm12.js", site / "scorm12.js")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    exported: set[tuple[str, ...]] = set()

    def open_host(page, kept=None, name="host.html", cli=runner, args=("example-course",)) -> None:
        folder = "-".join(args)
        if args not in exported:
            output = tmp_path / f"{folder}.zip"
            result = cli.invoke(args=["courses", "export-scorm", *args, "--output", str(output)])
            assert result.exit_code == 0, result.output
            zipfile.ZipFile(output).extractall(site / folder)
            exported.add(args)
        manifest = (site / folder / "imsmanifest.xml").read_text(encoding="utf-8")
        mastery = re.search(r"<adlcp:masteryscore>(\d+)</adlcp:masteryscore>", manifest)
        assert mastery  # an LMS hands the item's mastery score to the SCO, as cmi.student_data.mastery_score
        launch = {**(kept or {}), "student_data": {"mastery_score": mastery.group(1)}}
        (site / name).write_text(HOST % (json.dumps(launch), folder), encoding="utf-8")
        page.goto(f"{base}/{name}")

    open_host.base = base  # type: ignore[attr-defined]
    yield open_host
    server.shutdown()
    server.server_close()


@pytest.fixture
def host(browser):
    """The LMS's browser tab; no script of the package may fail in it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def cmi(page, element: str) -> str:
    """A value of the data model as the runtime holds it (readable after LMSFinish too)."""
    return page.evaluate(f"window.API.cmi.{element}")


def calls(page) -> list[list[str]]:
    return page.evaluate("window.calls")


def last_set(page, element: str) -> str | None:
    """The value the package last set for a write-only element (cmi.core.exit, cmi.core.session_time)."""
    values = [call[2] for call in calls(page) if call[0] == "LMSSetValue" and call[1] == element]
    return values[-1] if values else None


def read_every_page(frame, check=None) -> None:
    """Next, page after page, to the last; ``check(title)`` on each page after the first."""
    for _ in range(100):
        following = frame.locator(".sco-page:not([hidden]) a[rel=next]")
        if not following.count():
            return
        target = following.get_attribute("href")
        following.click()
        frame.locator(f"{target}:not([hidden])").wait_for()
        if check:
            check(frame.locator(f"{target} h1").text_content())
    raise AssertionError("the pages never ended")


def take_quiz(frame, right: bool) -> None:
    """Answer the practice check on its page, every answer right or every answer wrong."""
    frame.locator("#quiz-practice-check").scroll_into_view_if_needed()
    data = json.loads(frame.locator("#sco-data").text_content())
    questions = data["quizzes"]["practice-check"]["questions"]
    quiz = frame.locator("#quiz-practice-check")
    for question_id, question in questions.items():
        fieldset = quiz.locator(f'[data-question="{question_id}"]')
        if question["type"] == "short-answer":
            fieldset.locator("input[type=text]").fill(question["answers"][0].upper() + "." if right else "panic")
            continue
        choices = fieldset.locator("input").evaluate_all("inputs => inputs.map(i => i.value)")
        wrong = [c for c in choices if c not in question["right"]]
        for choice in question["right"] if right else wrong[:1]:
            fieldset.locator(f'input[value="{choice}"]').check()
    quiz.get_by_role("button", name="Submit answers").click()


def connect(page):
    frame = page.frame_locator("iframe")
    frame.locator("#sco-connection", has_text="records your progress").wait_for()
    return frame


def test_a_learner_who_reads_every_page_and_passes_the_quiz_is_recorded_as_passed(host, lms):
    lms(host)
    frame = connect(host)
    assert cmi(host, "core.lesson_status") == "incomplete"
    assert cmi(host, "core.lesson_location") == "welcome/getting-started"
    assert cmi(host, "student_data.mastery_score") == "80"
    assert_accessible(host, "the package's first page in an LMS")
    shot(host, "scorm-first-page")

    read_every_page(frame)
    assert cmi(host, "core.lesson_location") == "practice/check"
    summary = frame.locator(".sco-page:not([hidden]) [data-summary]")
    assert summary.text_content() == "Still to do: the quiz “Practice check” to take."
    assert cmi(host, "core.lesson_status") == "incomplete"  # every page read, the quiz not taken yet
    assert cmi(host, "core.score.raw") == ""

    take_quiz(frame, right=True)
    status = frame.locator("#quiz-practice-check [data-quiz-status]")
    assert status.text_content().startswith("Your score: 100%. Passed.")
    assert frame.locator("#quiz-practice-check [data-verdict]:not([hidden])").count() == 4  # the answers shown
    assert cmi(host, "core.lesson_status") == "passed"
    assert cmi(host, "core.score.raw") == "100"
    assert (cmi(host, "core.score.min"), cmi(host, "core.score.max")) == ("0", "100")
    kept = json.loads(cmi(host, "suspend_data"))
    assert kept["h"] == "f8" and kept["q"] == {"0": [100, 1]}  # five pages read: 1111 1(000)
    assert "You have passed the course" in summary.text_content()
    assert_accessible(host, "a quiz passed in the package")
    shot(host, "scorm-passed")

    host.evaluate("document.querySelector('iframe').contentWindow.CoursewareSCO.finish()")
    assert host.evaluate("window.API.isTerminated()")
    assert last_set(host, "cmi.core.exit") == ""
    assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}", last_set(host, "cmi.core.session_time") or "")
    assert [call[0] for call in calls(host)][-2:] == ["LMSCommit", "LMSFinish"]
    assert calls(host)[0] == ["LMSInitialize"]
    assert cmi(host, "core.lesson_status") == "passed"


def test_a_failed_attempt_is_recorded_as_failed_and_a_better_one_passes(host, lms):
    lms(host)
    frame = connect(host)
    read_every_page(frame)
    take_quiz(frame, right=False)
    status = frame.locator("#quiz-practice-check [data-quiz-status]")
    assert (
        status.text_content()
        == "Your score: 0%. Not passed: the pass mark is 80%. Your best score is 0%. 2 of 3 attempts left."
    )
    assert cmi(host, "core.lesson_status") == "failed"
    assert cmi(host, "core.score.raw") == "0"
    summary = frame.locator(".sco-page:not([hidden]) [data-summary]")
    assert "below the pass mark of 80%" in summary.text_content()

    frame.get_by_role("button", name="Try again").click()
    take_quiz(frame, right=True)
    assert cmi(host, "core.lesson_status") == "passed"
    assert cmi(host, "core.score.raw") == "100"


def test_a_learner_resumes_where_they_left_off(host, lms):
    lms(host)
    frame = connect(host)
    frame.locator(".sco-page:not([hidden]) a[rel=next]").click()
    host.evaluate("document.querySelector('iframe').contentWindow.CoursewareSCO.finish()")
    assert last_set(host, "cmi.core.exit") == "suspend"
    kept = {
        "core": {
            "lesson_status": cmi(host, "core.lesson_status"),
            "lesson_location": cmi(host, "core.lesson_location"),
            "entry": "resume",
        },
        "suspend_data": cmi(host, "suspend_data"),
    }
    assert kept["core"] == {"lesson_status": "incomplete", "lesson_location": "welcome/progress", "entry": "resume"}

    lms(host, kept, "second-session.html")
    frame = connect(host)
    assert frame.locator(".sco-page:not([hidden]) h1").text_content() == "How progress works"
    assert frame.locator(".sco-progress").text_content() == "2 of 5 pages read"
    assert json.loads(kept["suspend_data"])["h"] == "c0"  # pages 1 and 2 of 5: 1100 0(000)


def test_progress_kept_by_an_earlier_export_one_character_a_page_is_read_back(host, lms):
    lms(host)
    package = json.loads(connect(host).locator("#sco-data").text_content())["package"]
    kept = json.dumps({"p": package, "r": "10100", "q": {}})
    lms(host, {"core": {"lesson_status": "incomplete", "entry": "resume"}, "suspend_data": kept}, "earlier.html")
    frame = connect(host)
    assert frame.locator(".sco-progress").text_content() == "2 of 5 pages read"  # 1 and 3; the first opens again
    assert json.loads(cmi(host, "suspend_data"))["h"] == "a0"


def test_every_page_of_the_package_is_accessible(host, lms):
    lms(host)
    frame = connect(host)
    read_every_page(frame, lambda title: assert_accessible(host, f"the package's page {title!r}"))
    host.set_viewport_size(PHONE)
    frame.locator(".outline a").first.click()
    read_every_page(frame, lambda title: assert_accessible(host, f"the package's page {title!r} at phone width"))


def test_a_track_of_the_reference_course_runs_to_the_end(host, lms, make_app):
    reference = make_app(COURSES_DIR=MODULES)
    with reference.app_context():  # the command runs in the app whose context is current
        lms(host, cli=reference.test_cli_runner(), args=("compassionate-schools", "--track", "support"))
    frame = connect(host)
    titles: list[str] = []
    read_every_page(frame, titles.append)
    pages = json.loads(frame.locator("#sco-data").text_content())["pages"]
    assert len(titles) == len(pages) - 1
    assert "Still to do: the quizzes" in frame.locator(".sco-page:not([hidden]) [data-summary]").text_content()
    assert cmi(host, "core.lesson_status") == "incomplete"
    kept = json.loads(cmi(host, "suspend_data"))
    assert kept["h"] == f"{(1 << len(pages)) - 1 << -len(pages) % 4:x}"  # every page read, four to a digit


def test_every_attempt_used_closes_the_quiz(host, lms):
    lms(host)
    frame = connect(host)
    read_every_page(frame)
    quiz = frame.locator("#quiz-practice-check")
    for attempt in range(3):
        if attempt:
            quiz.get_by_role("button", name="Try again").click()
        take_quiz(frame, right=False)
    assert quiz.locator("[data-quiz-status]").text_content().endswith("You have used every attempt.")
    assert not quiz.get_by_role("button", name="Try again").is_visible()
    assert cmi(host, "core.lesson_status") == "failed"
    assert json.loads(cmi(host, "suspend_data"))["q"] == {"0": [0, 3]}


def test_outside_an_lms_the_course_works_and_says_nothing_is_recorded(host, lms):
    lms(host)  # exports the package; then open its launch page on its own
    host.goto(f"{lms.base}/example-course/index.html")
    host.locator("#sco-connection", has_text="not connected to a learning management system").wait_for()
    host.locator(".sco-page:not([hidden]) a[rel=next]").click()
    assert host.locator(".sco-page:not([hidden]) h1").text_content() == "How progress works"
    assert host.locator(".sco-progress").text_content() == "2 of 5 pages read"
