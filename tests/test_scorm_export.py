"""``flask courses export-scorm``: the package's manifest against the SCORM 1.2 schemas, its pages offline,
and clear refusals (exit status 2) for a course, track or output path that does not work."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from courseware.courses import catalog
from courseware.scorm import cli as scorm_cli
from courseware.scorm import quiz_data
from tests.helpers.scorm_schemas import manifest_errors, scorm12_schema

MODULES = Path(__file__).resolve().parent.parent / "modules"


@pytest.fixture(scope="module")
def schema():
    return scorm12_schema()


def export(runner, tmp_path: Path, *args: str) -> tuple[zipfile.ZipFile, str]:
    output = tmp_path / "package.zip"
    result = runner.invoke(args=["courses", "export-scorm", *args, "--output", str(output)])
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(output), result.output


def runtime_data(index_html: str) -> dict:
    found = re.search(r'<script type="application/json" id="sco-data">(.*?)</script>', index_html, re.DOTALL)
    assert found
    return json.loads(found.group(1))


def test_the_example_course_is_a_valid_scorm_package(runner, tmp_path, schema):
    package, said = export(runner, tmp_path, "example-course")
    assert "SCORM 1.2 package of 'example-course', 5 pages, 6 files" in said
    assert "their answers are in the package" in said and "earns no credit and no certificate" in said
    manifest = package.read("imsmanifest.xml")
    assert manifest_errors(schema, manifest) == []
    text = manifest.decode()
    assert "<schemaversion>1.2</schemaversion>" in text
    assert "<adlcp:masteryscore>80</adlcp:masteryscore>" in text  # completion.pass_mark of course.yml
    listed = set(re.findall(r'<file href="([^"]+)"', text))
    assert listed == set(package.namelist()) - {"imsmanifest.xml"}
    assert {"index.html", "js/sco.js", "css/app.css", "css/sco.css", "media/steps.svg"} <= listed


def test_a_broken_manifest_fails_the_schemas(runner, tmp_path, schema):
    package, _ = export(runner, tmp_path, "example-course")
    manifest = package.read("imsmanifest.xml")
    assert manifest_errors(schema, manifest.replace(b'scormtype="sco"', b'scormtype="page"'))
    assert manifest_errors(schema, manifest.replace(b"adlcp:masteryscore>", b"adlcp:passmark>"))  # not in adlcp
    assert manifest_errors(schema, manifest.replace(b"organizations", b"organisations"))


def test_every_page_is_in_the_launch_page_and_nothing_reaches_for_a_server(runner, tmp_path):
    package, _ = export(runner, tmp_path, "example-course")
    index = package.read("index.html").decode()
    course = catalog().get("example-course")
    assert re.findall(r'data-page="([^"]+)"', index) == [page.key for page in course.pages]
    assert not re.search(r'(?:src|href)="(?:/|https?:)', index)  # no address of the app or of a CDN
    assert 'src="media/steps.svg"' in index
    assert "<form method" not in index and "csrf" not in index  # nothing is posted anywhere
    assert "<textarea" not in index  # worksheets are prompts for one's own notes: nothing typed is lost
    data = runtime_data(index)
    assert data["masteryScore"] == 80
    quiz = data["quizzes"]["practice-check"]
    assert quiz["attempts"] == 3 and quiz["scored"]
    assert quiz["questions"]["calm-state"]["answers"] == ["regulation", "self-regulation"]  # in the package
    assert sorted(quiz["questions"]["fruits"]["right"]) == ["apple", "pear"]


def test_the_same_course_gives_the_same_bytes(runner, tmp_path):
    first = tmp_path / "first.zip"
    second = tmp_path / "second.zip"
    for output in (first, second):
        result = runner.invoke(args=["courses", "export-scorm", "example-course", "--output", str(output)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


def test_a_track_is_exported_with_its_own_pages(runner, tmp_path, schema):
    package, said = export(runner, tmp_path, "tracks-course", "--track", "support")
    manifest = package.read("imsmanifest.xml")
    assert manifest_errors(schema, manifest) == []
    assert b'identifier="courseware-tracks-course-support-1.0"' in manifest
    view = catalog().get("tracks-course").for_track("support")
    index = package.read("index.html").decode()
    assert re.findall(r'data-page="([^"]+)"', index) == [page.key for page in view.pages]
    assert f"{len(view.pages)} pages" in said


def test_the_reference_course_exports_offline(make_app, tmp_path, schema):
    runner = make_app(COURSES_DIR=MODULES).test_cli_runner()
    output = tmp_path / "reference.zip"
    result = runner.invoke(
        args=["courses", "export-scorm", "compassionate-schools", "--track", "leaders", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    package = zipfile.ZipFile(output)
    assert manifest_errors(schema, package.read("imsmanifest.xml")) == []
    index = package.read("index.html").decode()
    assert not re.search(r'(?:src|href)="(?:/|https?:)', index)
    shown = set(re.findall(r'src="(media/[^"]+)"', index))
    assert shown and shown <= set(package.namelist())


def test_the_default_name_is_the_course_and_track(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["courses", "export-scorm", "tracks-course", "--track", "classroom"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tracks-course-classroom-scorm12.zip").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-course"], "no course 'no-such-course' (courses: example-course, tracks-course)"),
        (["tracks-course"], "course 'tracks-course' has role tracks: choose one with --track (tracks: classroom"),
        (["tracks-course", "--track", "drivers"], "course 'tracks-course' has no track 'drivers' (tracks: classroom"),
        (["example-course", "--track", "support"], "course 'example-course' has no role tracks: leave out --track"),
    ],
)
def test_a_course_or_track_that_does_not_exist_is_refused(runner, tmp_path, args, message):
    output = tmp_path / "package.zip"
    result = runner.invoke(args=["courses", "export-scorm", *args, "--output", str(output)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not output.exists()


def test_an_output_path_that_cannot_be_written_is_refused(runner, tmp_path):
    missing = tmp_path / "no-such-folder" / "package.zip"
    result = runner.invoke(args=["courses", "export-scorm", "example-course", "--output", str(missing)])
    assert result.exit_code == 2
    assert f"cannot write {missing}: the folder {missing.parent} does not exist" in result.output

    result = runner.invoke(args=["courses", "export-scorm", "example-course", "--output", "/proc/package.zip"])
    assert result.exit_code == 2  # /proc refuses new files, even to root
    assert "cannot write /proc/package.zip" in result.output

    result = runner.invoke(args=["courses", "export-scorm", "example-course", "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_a_course_with_mistakes_is_refused(editable, tmp_path):
    app, course_dir = editable
    (course_dir / "01-welcome.md").write_text("no front matter at all\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["courses", "export-scorm", "example-course", "--output", str(tmp_path / "p.zip")]
    )
    assert result.exit_code == 2
    assert re.search(r"course 'example-course' has \d+ mistakes?: run 'flask courses check'", result.output)


def test_the_export_warns_when_what_a_learner_keeps_may_not_fit_scorm_12(runner, tmp_path, monkeypatch):
    """SCORM 1.2 keeps at most 4096 characters of cmi.suspend_data; the runtime saves nothing longer."""
    _, output = export(runner, tmp_path, "example-course")
    assert "cmi.suspend_data" not in output
    course = catalog().get("example-course")
    estimate = quiz_data.suspend_data_estimate(course)
    pages, quizzes = len(course.pages), len(quiz_data.quizzes_of(course))
    # the id, the pages four to a hex digit, and each quiz's [best, tries] (3 attempts here): what sco.js writes
    written = json.dumps({"p": json.loads(quiz_data.runtime_data(course))["package"], "h": "f" * -(-pages // 4),
                          "q": {str(i): [100, 3] for i in range(quizzes)}}, separators=(",", ":"))  # fmt: skip
    assert quizzes == 1 and estimate == len(written)
    monkeypatch.setattr(scorm_cli, "SUSPEND_DATA_MAX", estimate - 1)
    _, output = export(runner, tmp_path, "example-course")
    assert f"may reach {estimate} characters, more than the {estimate - 1} SCORM 1.2 allows" in output
