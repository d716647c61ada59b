"""``flask courses check`` and ``flask courses hours`` on the time a module states and the time its work takes."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.helpers.html import one, text_of, texts_of
from tests.test_time_model import MODULE, words

ROOT = Path(__file__).resolve().parent.parent


def module(minutes: int, suffix: str) -> str:
    """A module whose work is estimated at 30 minutes: 1 of reading, 29 of activities."""
    text = MODULE.format(minutes=minutes, text=words(10))
    for block_id in ("check", "looking-back", "plan"):
        text = text.replace(f"id: {block_id}\n", f"id: {block_id}-{suffix}\n")
    return textwrap.dedent(text).lstrip("\n")


PROVIDER = "provider:\n  name: Northfield Teacher Learning Center\n  contact: training@northfield.test\n"


@pytest.fixture
def good_course(tmp_path) -> Path:
    folder = tmp_path / "courses" / "demo"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 1\n" + PROVIDER)
    (folder / "01-one.md").write_text(module(30, "one"))
    (folder / "02-two.md").write_text(module(30, "two"))
    return folder


@pytest.fixture
def overstated(good_course, tmp_path) -> Path:
    """A copy of the good course whose first module claims twice its estimate (and its hours say so too)."""
    folder = tmp_path / "copy" / "demo"
    shutil.copytree(good_course, folder)
    first = folder / "01-one.md"
    first.write_text(first.read_text().replace("minutes: 30\n", "minutes: 60\n", 1))
    (folder / "course.yml").write_text("title: Demo\ncredit:\n  hours: 1.5\n" + PROVIDER)
    return folder


def test_check_passes_on_a_course_whose_modules_state_their_work(runner, good_course):
    result = runner.invoke(args=["courses", "check", str(good_course)])
    assert result.exit_code == 0, result.output
    assert result.output == "demo: ok (2 modules, 4 pages, 1 hour)\n"


def test_check_fails_on_a_module_that_claims_twice_its_work_and_shows_the_table(runner, overstated):
    result = runner.invoke(args=["courses", "check", str(overstated)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "demo/01-one.md:3: the module states 60 minutes, but its work is estimated at 30 "
        "(reading 1, activities 29); declare the minutes of its activities or correct the module's minutes"
    )
    assert lines[1:] == [
        "demo: minutes per module",
        "module     stated  estimated  reading  activities",
        "01-one.md      60         30        1          29  more than 20 % apart",
        "02-two.md      30         30        1          29",
        "total          90         60        2          58",
        "credit: 1.5 contact hours (90 minutes)",
        "demo: 1 credit problem: no certificates are issued for this course until it is fixed",
        "Error: 1 credit problem found",
    ]


def test_without_credit_the_check_warns_and_passes(runner, overstated):
    (overstated / "course.yml").write_text("title: Demo\n")
    result = runner.invoke(args=["courses", "check", str(overstated)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("warning: demo/01-one.md:3: the module states 60 minutes")
    assert "01-one.md      60         30        1          29  more than 20 % apart" in result.output
    assert result.output.endswith("demo: ok (2 modules, 4 pages, 1.5 hours), 1 warning\n")


def test_check_counts_mistakes_and_credit_problems_apart(runner, overstated, tmp_path):
    other = overstated.parent / "broken"
    shutil.copytree(overstated, other)
    (other / "02-two.md").write_text((other / "02-two.md").read_text() + "\n/// quizz\nx\n///\n")
    result = runner.invoke(args=["courses", "check", str(overstated.parent)])
    assert result.exit_code == 1
    assert "unknown block 'quizz'" in result.output
    assert result.output.endswith("Error: 1 mistake and 1 credit problem found\n")
    assert result.output.count("minutes per module") == 1  # a course with mistakes has no estimate yet


def test_hours_prints_the_table_of_one_course(runner, overstated):
    result = runner.invoke(args=["courses", "hours", str(overstated)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:5] == [
        "01-one.md      60         30        1          29  more than 20 % apart",
        "02-two.md      30         30        1          29",
        "total          90         60        2          58",
    ]


def test_hours_lists_the_activities_on_request(runner, good_course):
    result = runner.invoke(args=["courses", "hours", "--activities", str(good_course)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:8] == [
        "01-one.md      30         30        1          29",
        "    try-this 'Walk the halls': 10 min (declared)",
        "    quiz 'Check': 2 min (default)",
        "    reflection 'Looking back': 5 min (default)",
        "    worksheet 'Plan': 12 min (declared)",
        "02-two.md      30         30        1          29",
    ]


def test_hours_finds_a_course_by_its_id_in_the_courses_folder(make_app, good_course):
    runner = make_app(COURSES_DIR=good_course.parent).test_cli_runner()
    result = runner.invoke(args=["courses", "hours", "demo"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("demo: minutes per module\n")
    everything = runner.invoke(args=["courses", "hours"])
    assert everything.output == result.output


def test_hours_of_an_unknown_course_or_one_with_mistakes(runner, good_course):
    unknown = runner.invoke(args=["courses", "hours", "no-such-course"])
    assert (
        unknown.exit_code == 1
        and "no course 'no-such-course' (courses: example-course, tracks-course)" in unknown.output
    )
    (good_course / "02-two.md").write_text("---\ntitle: Two\n---\n\n## Page\n\nText\n")
    broken = runner.invoke(args=["courses", "hours", str(good_course)])
    assert broken.exit_code == 1
    assert "demo: 1 mistake to fix first (run 'flask courses check')" in broken.output
    assert "minutes per module" not in broken.output


def test_the_shipped_orientation_course_passes_the_check(runner):
    result = runner.invoke(args=["courses", "check", str(ROOT / "modules" / "getting-started")])
    assert result.exit_code == 0, result.output
    assert "getting-started: ok (" in result.output


def test_the_admin_courses_page_lists_credit_problems_and_warnings(editable, make_user, sign_in):
    app, folder = editable
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    page = admin.get("/admin/courses")
    assert texts_of(page, ".credit-problems") == [] and "No certificates" not in texts_of(page, ".badge")
    # The welcome module now claims twice the work it holds: 40 minutes for 19.
    module = folder / "01-welcome.md"
    module.write_text(module.read_text().replace("minutes: 20", "minutes: 40", 1))
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 1.3333333"))
    page = admin.get("/admin/courses")
    row = one(page, ".credit-problems")
    assert text_of(row, "p") == "1 credit problem. No certificates are issued for this course until these are fixed."
    assert texts_of(row, "li") == [
        "example-course/01-welcome.md:3: the module states 40 minutes, but its work is estimated at 19 (reading 1, "
        "activities 18); declare the minutes of its activities or correct the module's minutes",
    ]
    assert "No certificates" in texts_of(page, ".badge")
    assert texts_of(page, ".warnings-row") == []

    yml.write_text(yml.read_text().replace("hours: 1.3333333", "hours: 0"))
    page = admin.get("/admin/courses")
    assert texts_of(page, ".credit-problems") == [] and "No certificates" not in texts_of(page, ".badge")
    assert text_of(page, ".warnings-row p") == "1 warning. Worth a look; nothing is held back."
    assert len(texts_of(page, ".warnings-row li")) == 1
