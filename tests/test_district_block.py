"""The district block: local contacts, a warning at each blank still to fill in, and its box on the page."""

from __future__ import annotations

import shutil

import pytest

from courseware.courses import catalog, compile_course
from courseware.courses.time_model import module_time
from tests.conftest import EXAMPLE_COURSES
from tests.helpers.html import element_text, one, parse, text_of, texts_of
from tests.test_compiler import GOOD_YML, MODULE, make_course

SHORT_MODULE = MODULE.replace("minutes: 30", "minutes: 1")  # a page with just the box: a minute's reading
NO_CREDIT_YML = "title: Demo\n"
BLOCK = """\
/// district | Who to call in our district
- Child protective services hotline: [DISTRICT: cps-hotline | the hotline's number]
- Homeless liaison: Dana Reyes, 555-0142
- Counselor: [DISTRICT: counselor-name | name] in [DISTRICT: counselor-room | room]
///"""


def test_the_block_compiles_to_a_box_with_its_blanks_in_place(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=BLOCK)})
    course = compile_course(folder, tmp_path)
    assert course.problems == [] and course.warnings == []
    (segment,) = course.modules[0].pages[0].segments
    assert segment.kind == "district" and segment.title == "Who to call in our district"
    assert segment.label == "Your district's procedures" and segment.placeholders == 3
    assert [(b.key, b.description, b.line, b.lead) for b in segment.blanks] == [
        ("cps-hotline", "the hotline's number", 9, "Child protective services hotline"),
        ("counselor-name", "name", 11, "Counselor"),
        ("counselor-room", "room", 11, "Counselor: in"),
    ]
    # The box's HTML, with the blanks between its pieces, in order.
    kinds = ["blank" if not isinstance(part, str) else "html" for part in segment.parts]
    assert kinds == ["html", "blank", "html", "blank", "html", "blank", "html"]
    assert "Dana Reyes, 555-0142" in "".join(p for p in segment.parts if isinstance(p, str))
    page = parse(segment.html)
    assert texts_of(page, "mark.district__blank") == [
        "[To be filled in by your district: the hotline's number]",
        "[To be filled in by your district: name]",
        "[To be filled in by your district: room]",
    ]


def test_the_course_lists_its_blanks_with_page_and_line(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=BLOCK)})
    course = compile_course(folder, tmp_path)
    assert [(page.key, b.key, b.description, b.file, b.line) for page, b in course.district_blanks] == [
        ("one/first-page", "cps-hotline", "the hotline's number", "demo/01-one.md", 9),
        ("one/first-page", "counselor-name", "name", "demo/01-one.md", 11),
        ("one/first-page", "counselor-room", "room", "demo/01-one.md", 11),
    ]


def test_a_blank_without_a_key_still_works_with_a_warning(tmp_path):
    body = "/// district | Contacts\n- Hotline: [DISTRICT: the hotline's number]\n///"
    folder = make_course(tmp_path, NO_CREDIT_YML, {"01-one.md": SHORT_MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    assert [str(w) for w in course.warnings] == [
        "demo/01-one.md:9: the blank 'the hotline's number' has no key, so no district can fill it in on "
        "Courseware: give it one, such as [DISTRICT: cps-hotline | the hotline's number]"
    ]
    assert course.district_blanks == []  # no district can answer it
    (segment,) = course.modules[0].pages[0].segments
    assert segment.placeholders == 1 and segment.blanks[0].key == ""


def test_a_missing_malformed_or_duplicated_key_is_a_mistake_at_its_line(tmp_path):
    body = (
        "/// district\n"
        "- A: [DISTRICT: | the hotline]\n"
        "- B: [DISTRICT: Hotline Number | the hotline]\n"
        "- C: [DISTRICT: liaison | ]\n"
        "- D: [DISTRICT: ]\n"
        "- E: [DISTRICT: liaison | the liaison]\n"
        "- F: [DISTRICT: liaison | the liaison again]\n"
        "///"
    )
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    example = "such as [DISTRICT: cps-hotline | the hotline's number]"
    assert [str(p) for p in course.problems] == [
        f"demo/01-one.md:9: the blank has no key before '|': name it, {example}",
        "demo/01-one.md:10: the blank's key 'Hotline Number' must use lowercase letters, digits and hyphens "
        f"(at most 60 characters), {example}",
        f"demo/01-one.md:11: the blank 'liaison' does not say what to fill in: write it after '|', {example}",
        f"demo/01-one.md:12: the blank says nothing: write what the district fills in, {example}",
        "demo/01-one.md:14: duplicate district blank id 'liaison' (already used at 01-one.md:13)",
    ]


def test_a_key_is_unique_across_the_course(tmp_path):
    one = MODULE.format(body="/// district\n- A: [DISTRICT: liaison | the liaison]\n///")
    two = MODULE.format(body="/// district\n- B: [DISTRICT: liaison | the liaison]\n///").replace(
        "title: One", "title: Two"
    )
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": one, "02-two.md": two})
    course = compile_course(folder, tmp_path)
    assert "demo/02-two.md:9: duplicate district blank id 'liaison' (already used at 01-one.md:9)" in [
        str(p) for p in course.problems
    ]


@pytest.mark.parametrize(
    "line",
    [
        "- Policy: [read it](https://example.org/[DISTRICT: policy | the link])",  # in a link's address
        "- Policy: [call [DISTRICT: policy | the number] now](https://example.org/)",  # in a link's text
        "- Policy: `dial [DISTRICT: policy | the number]`",  # in code
    ],
)
def test_a_blank_inside_a_link_or_code_is_a_mistake(tmp_path, line):
    body = f"/// district\n{line}\n///"
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    assert [str(p) for p in course.problems] == [
        "demo/01-one.md:8: a blank must stand in the box's text, not inside a link, code or an image"
    ]


def test_a_filled_in_block_has_no_warning(tmp_path):
    body = "/// district\n- Child protective services hotline: 1-800-555-0100\n///"
    folder = make_course(tmp_path, NO_CREDIT_YML, {"01-one.md": SHORT_MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    assert course.problems == [] and course.warnings == []
    (segment,) = course.modules[0].pages[0].segments
    assert segment.placeholders == 0 and "district__blank" not in segment.html


def test_an_empty_block_or_an_option_is_a_mistake(tmp_path):
    body = "/// district | Contacts\n///\n\n/// district\n    minutes: 3\n\nText.\n///"
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=body)})
    course = compile_course(folder, tmp_path)
    assert [str(p) for p in course.problems] == [
        "demo/01-one.md:8: the district block is empty",
        "demo/01-one.md:12: unknown option 'minutes' for a district block (options: none)",
    ]


def test_the_check_command_passes_keyed_blanks_without_a_warning(runner, tmp_path):
    folder = make_course(tmp_path, NO_CREDIT_YML, {"01-one.md": SHORT_MODULE.format(body=BLOCK)})
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "demo: ok" in result.output


def test_the_box_words_count_as_reading(tmp_path):
    folder = make_course(
        tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body="/// district\n" + "word " * 401 + "\n///")}
    )
    course = compile_course(folder, tmp_path)
    # The box's 401 words and the page title's 2.
    assert module_time(course.modules[0]).words == 403


def test_the_page_shows_the_box_with_a_heading(make_app, make_user, sign_in, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(EXAMPLE_COURSES, courses)
    module = courses / "example-course" / "01-welcome.md"
    text = module.read_text()
    first_page = text.index("\n## ")
    second_page = text.index("\n## ", first_page + 1)
    module.write_text(text[:second_page] + "\n\n" + BLOCK + "\n" + text[second_page:])
    app = make_app(COURSES_DIR=courses)
    with app.app_context():
        course = catalog().get("example-course")
        page = course.modules[0].pages[0]
        client = app.test_client()
        sign_in(client, make_user())
        response = client.get(f"/courses/example-course/{page.module.slug}/{page.slug}")
        assert response.status_code == 200
        box = one(parse(response.get_data(as_text=True)), "section.district")
        assert box["aria-label"] == "Your district's procedures: Who to call in our district"
        assert text_of(box, "h2") == "Your district's procedures: Who to call in our district"
        blanks = texts_of(box, ".district__blank")
        assert blanks == [
            "Your district has not filled this in yet (the hotline's number): ask your principal or counselor.",
            "Your district has not filled this in yet (name): ask your principal or counselor.",
            "Your district has not filled this in yet (room): ask your principal or counselor.",
        ]
        assert "[DISTRICT" not in element_text(box) and "Dana Reyes, 555-0142" in element_text(box)
