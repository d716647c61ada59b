"""The course compiler: output for the example course, and a message with file and line for each mistake."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest

from courseware.courses import Catalog, compile_course
from courseware.demo import demo_provider
from tests.conftest import EXAMPLE_COURSES

GOLDEN = Path(__file__).parent / "golden" / "example-course.json"
ROOT = Path(__file__).resolve().parent.parent


def snapshot(course) -> dict:
    return {
        "title": course.title,
        "credit": [course.credit.hours, course.credit.credit_type, course.credit.ceu],
        "modules": [
            {
                "slug": m.slug,
                "title": m.title,
                "minutes": m.minutes,
                "objectives": m.objectives,
                "pages": [
                    {"key": p.key, "title": p.title, "segments": [asdict(s) for s in p.segments]} for p in m.pages
                ],
            }
            for m in course.modules
        ],
    }


def test_example_course_compiles_to_the_golden_output():
    course = compile_course(EXAMPLE_COURSES / "example-course")
    assert course.problems == []
    expected = json.loads(GOLDEN.read_text())
    assert snapshot(course) == expected, "compiler output changed; if intended, regenerate tests/golden/"


def test_ceu_defaults_to_hours_over_ten():
    course = compile_course(EXAMPLE_COURSES / "example-course")
    assert course.credit.hours == 1 and course.credit.ceu == 0.1


def make_course(tmp_path: Path, course_yml: str, modules: dict[str, str], media: tuple[str, ...] = ()) -> Path:
    folder = tmp_path / "demo"
    (folder / "media").mkdir(parents=True)
    (folder / "course.yml").write_text(textwrap.dedent(course_yml))
    for name, text in modules.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"))
    for name in media:
        (folder / "media" / name).write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return folder


GOOD_YML = """\
title: Demo
credit:
  hours: 0.5
provider:
  name: Northfield Teacher Learning Center
  contact: training@northfield.test
"""

MODULE = """
---
title: One
minutes: 30
---

## First page

{body}
"""


def problems_for(tmp_path, body: str = "Text.", course_yml: str = GOOD_YML, **kwargs) -> list[str]:
    folder = make_course(tmp_path, course_yml, {"01-one.md": MODULE.format(body=body)}, **kwargs)
    return [str(p) for p in compile_course(folder, tmp_path).problems]


def test_a_good_course_has_no_problems(tmp_path):
    assert problems_for(tmp_path) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/// quizz\nWhat?\n///", "demo/01-one.md:8: unknown block 'quizz' (known blocks: "),
        ("/// note\n    colour: red\nText\n///", "demo/01-one.md:9: unknown option 'colour' for a note block"),
        ("/// tip\nNever closed", "demo/01-one.md:8: 'tip' block is not closed with '///'"),
        ("/// tip\n///", "demo/01-one.md:8: the tip block is empty"),
        ("///", "demo/01-one.md:8: '///' closes a block, but no block is open"),
        ("/// note\n/// tip\nx\n///\n///", "demo/01-one.md:9: blocks cannot be nested"),
        ("![](media/a.svg)", "demo/01-one.md:8: image 'media/a.svg' needs alt text"),
        (
            "Hi\n\n![A map](media/missing.png)",
            "demo/01-one.md:10: image 'media/missing.png' was not found in demo/media/",
        ),
        ("![A map](https://example.org/x.png)", "must be a file in the course's media/ folder"),
        ("![A map](media/../course.yml)", "must be a file in the course's media/ folder"),
        ("# Big title", "demo/01-one.md:8: use '##' to start a page"),
        ("/// note\n    id: [unclosed\nx\n///", "demo/01-one.md:9: block options are not valid YAML"),
        (
            "/// note Title without a bar\nx",
            "demo/01-one.md:8: a block starts with a line like '/// note | Optional title'",
        ),
        ("```\ncode that never ends", "demo/01-one.md:8: a code block opened with ``` is never closed"),
        ("Setext heading\n---", None),
    ],
)
def test_mistakes_in_a_page_point_at_file_and_line(tmp_path, body, expected):
    found = problems_for(tmp_path, body, media=("a.svg",))
    if expected is None:
        assert found == []
    else:
        assert any(expected in p for p in found), found


def test_unknown_front_matter_and_missing_fields(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": "---\ntitle: One\nminute: 30\n---\n\n## Page\n\nText\n"})
    found = [str(p) for p in compile_course(folder, tmp_path).problems]
    assert (
        "demo/01-one.md:3: unknown front matter key 'minute' (expected one of: id, minutes, objectives, title, tracks)"
        in found
    )
    assert any("'minutes' must be a whole number" in p for p in found)


def test_missing_front_matter_and_text_before_first_page(tmp_path):
    folder = make_course(
        tmp_path, GOOD_YML, {"01-one.md": "Intro text\n\n## Page\n\nText\n", "02-two.md": MODULE.format(body="x")}
    )
    found = [str(p) for p in compile_course(folder, tmp_path).problems]
    assert "demo/01-one.md:1: a module starts with YAML front matter between '---' lines" in found


def test_duplicate_page_ids_and_empty_pages(tmp_path):
    body = "Text\n\n## First page\n\nMore\n\n## Empty {#empty}\n"
    found = problems_for(tmp_path, body)
    assert any("demo/01-one.md:10: two pages in this module have the id 'first-page'" in p for p in found), found
    assert any("demo/01-one.md:14: the page 'Empty' has no content" in p for p in found), found


def test_duplicate_module_ids(tmp_path):
    module = "---\ntitle: Two\nminutes: 15\nid: one\n---\n\n## Page\n\nText\n"
    folder = make_course(
        tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body="x").replace("30", "15"), "02-two.md": module}
    )
    found = [str(p) for p in compile_course(folder, tmp_path).problems]
    assert any("duplicate module id 'one'" in p for p in found), found


def test_hours_that_do_not_add_up(tmp_path):
    found = problems_for(tmp_path, course_yml="title: Demo\ncredit:\n  hours: 12\n")
    assert (
        "demo/course.yml:3: credit is 12 hours (720 minutes), but the modules' minutes add up to 30 (0.5 hours)"
        in found
    )


@pytest.mark.parametrize(
    ("course_yml", "expected"),
    [
        ("title: Demo\ncredits: 3\n", "demo/course.yml:2: unknown setting 'credits'"),
        ("title: Demo\ncredit:\n  hours: 0.5\n  kind: CEU\n", "demo/course.yml:4: unknown setting 'kind' in 'credit'"),
        (
            "title: Demo\ncredit:\n  hours: 0.5\n  type: credits\n",
            "demo/course.yml:4: credit type 'credits' is not one of",
        ),
        ("title: Demo\ncredit:\n  hours: lots\n", "demo/course.yml:3: 'credit.hours' must be a number"),
        (
            "title: Demo\ncredit:\n  hours: 0.5\ncompletion:\n  pass_mark: 120\n",
            "demo/course.yml:5: 'completion.pass_mark' must be between 0 and 100",
        ),
        ("title: [unclosed\n", "demo/course.yml:2: not valid YAML"),
        ("summary: no title\ncredit:\n  hours: 0.5\n", "demo/course.yml:1: 'title' is required"),
        (
            "title: Demo\ncredit:\n  hours: 0.5\nmodules:\n  - two\n",
            "demo/course.yml:4: 'modules' lists 'two', but no module has that id",
        ),
    ],
)
def test_mistakes_in_course_yml(tmp_path, course_yml, expected):
    found = problems_for(tmp_path, course_yml=course_yml)
    assert any(p.startswith(expected) for p in found), found


def warnings_for(tmp_path, body: str) -> list[str]:
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    return [str(w) for w in course.warnings]


EMPTY = "the table's header row has an empty cell"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("| | Before | After |\n| --- | --- | --- |\n| Goal | Rules | Repair |", [f"8: {EMPTY} (column 1)"]),
        ("Intro.\n\nRole | | Week\n--- | --- | ---\nA | b | c", [f"10: {EMPTY} (column 2)"]),
        ("| Role |  |\n| :---: | ---: |\n| A | b |", [f"8: {EMPTY} (column 2)"]),
        ("/// note\n| | A |\n| --- | --- |\n| x | y |\n///", [f"9: {EMPTY} (column 1)"]),
        ("| Role | First day |\n| --- | --- |\n|  | Greet |", []),  # an empty body cell is fine
        ("| `a|b` | \\| |\n| --- | --- |\n| x | y |", []),  # a bar in code or escaped is text
        ("```\n| | A |\n| --- | --- |\n```", []),  # an example in a code block is not a table
        ("Text\n| | A |\n| --- | --- |", []),  # not a table: it does not start a paragraph
    ],
)
def test_a_table_with_an_empty_header_cell_is_a_warning(tmp_path, body, expected):
    found = warnings_for(tmp_path, body)
    assert len(found) == len(expected), found
    for want, got in zip(expected, found, strict=True):
        assert got.startswith(f"demo/01-one.md:{want}") and "give every column a heading" in got, got


def test_a_table_scrolls_in_a_box_of_its_own_named_after_its_columns(tmp_path):
    body = "| Role | First day |\n| --- | --- |\n| Office | Greet |"
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    html = compile_course(folder, tmp_path).pages[0].segments[0].html
    assert html.startswith(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Table: Role, First day">'
        '<table class="content-table">'
    )
    assert html.endswith("</table></div>")


def test_code_fences_are_left_alone(tmp_path):
    body = "```\n## not a page\n/// not a block\n```"
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    assert len(course.pages) == 1
    assert "## not a page" in course.pages[0].segments[0].html


def test_raw_html_and_scripts_are_removed(tmp_path):
    body = "\n\n".join(
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(2)">',
            "[link](javascript:alert(3))",
            '<b onclick="x()">b</b>',
        ]
    )
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    html = compile_course(folder, tmp_path).pages[0].segments[0].html
    for bad in ("<script", "onerror", "javascript:", "onclick", "alert(1)"):
        assert bad not in html, html


def test_headings_shift_under_the_page_title(tmp_path):
    body = "### Section\n\n#### Detail\n\nUnderlined\n----------\n\n###### Small"
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    html = compile_course(folder, tmp_path).pages[0].segments[0].html
    assert "<h2>Section</h2>" in html and "<h3>Detail</h3>" in html
    assert "<h2>Underlined</h2>" in html and "<h5>Small</h5>" in html and "<h1" not in html


def test_images_only_from_the_course_media(tmp_path):
    body = '<img src="https://tracker.example/x.png" alt="x">\n\n![Steps](media/a.svg)'
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)}, media=("a.svg",))
    html = compile_course(folder, tmp_path).pages[0].segments[0].html
    assert "tracker.example" not in html and 'src="/courses/demo/media/a.svg"' in html


def test_a_byte_order_mark_is_ignored(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": "\ufeff" + MODULE.format(body="Text.").lstrip("\n")})
    assert compile_course(folder, tmp_path).problems == []


def test_a_module_that_cannot_be_read_does_not_also_break_the_hours(tmp_path):
    folder = make_course(
        tmp_path,
        "title: Demo\ncredit:\n  hours: 1\n",
        {
            "01-one.md": MODULE.format(body="x"),
            "02-two.md": "no front matter\n",
        },
    )
    found = [str(p) for p in compile_course(folder, tmp_path).problems]
    assert not any("add up" in p for p in found), found


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("version: 1.10", "write the version in quotes"),
        ("completion:\n  pass_mark: 79.5", "'completion.pass_mark' must be a whole number"),
    ],
)
def test_values_that_yaml_would_change_are_refused(tmp_path, setting, expected):
    found = problems_for(tmp_path, course_yml=GOOD_YML + setting + "\n")
    assert any(expected in p for p in found), found


def test_module_order_from_course_yml(tmp_path):
    modules = {
        "01-one.md": MODULE.format(body="x").replace("30", "15"),
        "02-two.md": MODULE.format(body="y").replace("One", "Two").replace("30", "15"),
    }
    folder = make_course(tmp_path, GOOD_YML + "modules:\n  - two\n  - one\n", modules)
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    assert [m.slug for m in course.modules] == ["two", "one"]


def test_catalog_recompiles_a_changed_course_and_keeps_broken_ones_apart(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body="Text.")})
    catalog = Catalog(tmp_path, auto_reload=True)
    first = catalog.get("demo")
    assert catalog.get("demo") is first  # cached while nothing changes
    (folder / "01-one.md").write_text(MODULE.format(body="/// nope\nx\n///").lstrip("\n"))
    broken = catalog.get("demo")
    assert broken is not first and broken.is_broken
    assert catalog.published() == []
    assert catalog.get("missing") is None


def test_catalog_without_auto_reload_compiles_once(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body="Text.")})
    catalog = Catalog(tmp_path, auto_reload=False)
    first = catalog.get("demo")
    (folder / "01-one.md").write_text(MODULE.format(body="Changed.").lstrip("\n"))
    assert catalog.get("demo") is first


def test_check_command_reports_file_line_message_and_fails(runner, tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body="/// quizz\nx\n///")})
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 1
    assert f"{folder.name}/01-one.md:8: unknown block 'quizz'" in result.output
    assert "1 mistake found" in result.output


def test_check_command_passes_on_the_shipped_courses(runner):
    demo_provider()  # the provider the reference course names, set up by `flask demo seed`
    result = runner.invoke(args=["courses", "check", str(ROOT / "modules")])
    assert result.exit_code == 0, result.output
    # Its page count grows as tracks gain pages; the rest of the line is fixed.
    assert re.search(r"compassionate-schools: ok \(6 modules, \d+ pages, 4 tracks, 12 hours\)\n", result.output)
    # The district box's blanks have keys, and no district has the course assigned: nothing to warn about.
    assert "warning" not in result.output, result.output


def test_check_command_on_a_single_module_file(runner, tmp_path):
    body = "/// try-this | Half an hour\n    minutes: 29\n\nFine.\n///"
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    result = runner.invoke(args=["courses", "check", str(folder / "01-one.md")])
    assert result.exit_code == 0, result.output


def test_check_command_on_a_path_without_courses(runner, tmp_path):
    result = runner.invoke(args=["courses", "check", str(tmp_path)])
    assert result.exit_code == 1 and "no course found" in result.output


def test_list_command(runner):
    result = runner.invoke(args=["courses", "list"])
    assert result.exit_code == 0
    assert "example-course\tpublished" in result.output


def test_shipped_modules_folder_has_a_course():
    courses = Catalog(ROOT / "modules").all()
    assert courses and all(not c.is_broken for c in courses)


def regenerate_golden() -> None:  # pragma: no cover - run by hand when the output changes on purpose
    GOLDEN.write_text(json.dumps(snapshot(compile_course(EXAMPLE_COURSES / "example-course")), indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    regenerate_golden()


def test_images_from_another_course_are_not_shown(tmp_path):
    body = '<img src="/courses/other-course/media/x.png" alt="x">'
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    assert "other-course" not in compile_course(folder, tmp_path).pages[0].segments[0].html


def test_the_version_hint_repeats_what_was_written(tmp_path):
    found = problems_for(tmp_path, course_yml=GOOD_YML + "version: 1.10\n")
    assert any('version: "1.10"' in p for p in found), found


QUIZ = "/// quiz | Check\n    id: check\n{minutes}\n### First?\n\n- [x] Yes\n    Right.\n- [ ] No\n    No.\n///"


@pytest.mark.parametrize(
    "block",
    [
        QUIZ,
        "/// worksheet | Plan\n    id: plan\n{minutes}\n### What? {{#what}}\nType: long text\n///",
        "/// reflection | Back\n    id: back\n{minutes}\nWhat did you notice?\n///",
        "/// note\n{minutes}\nA note.\n///",
        "/// tip\n{minutes}\nA tip.\n///",
        "/// warning\n{minutes}\nA warning.\n///",
        "/// try-this\n{minutes}\nTry it.\n///",
    ],
)
@pytest.mark.parametrize(
    ("minutes", "accepted"),
    [("1", True), ("600", True), ("0", False), ("601", False), ("7.5", False), ("ten", False), ("true", False)],
)
def test_the_blocks_that_take_time_declare_whole_minutes(tmp_path, block, minutes, accepted):
    found = problems_for(tmp_path, block.format(minutes=f"    minutes: {minutes}\n"))
    name = block.split()[1]
    line = 8 + block.split("\n").index("{minutes}")
    if accepted:
        assert found == []
        segment = compile_course(tmp_path / "demo").pages[0].segments[0]
        assert segment.minutes == int(minutes)
    else:
        message = f"option 'minutes' of a {name} block: use a whole number of minutes from 1 to 600"
        assert found == [f"demo/01-one.md:{line}: {message}"]


def test_minutes_are_none_until_declared(tmp_path):
    make_course(
        tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=QUIZ.format(minutes="") + "\n\n/// tip\nA tip.\n///")}
    )
    segments = compile_course(tmp_path / "demo").pages[0].segments
    assert [s.minutes for s in segments] == [None, None]


def test_declaring_a_quizs_minutes_keeps_its_version(tmp_path):
    """Learners' attempts are graded against the version they saw: minutes are not part of it."""
    make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=QUIZ.format(minutes=""))})
    before = compile_course(tmp_path / "demo").pages[0].segments[0].quiz
    make_course(
        tmp_path / "again", GOOD_YML, {"01-one.md": MODULE.format(body=QUIZ.format(minutes="    minutes: 9\n"))}
    )
    after = compile_course(tmp_path / "again" / "demo").pages[0].segments[0].quiz
    assert before.version == after.version and before.content() == after.content()
