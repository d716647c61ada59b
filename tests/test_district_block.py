"""The district block: local contacts, a warning at each blank still to fill in, and its box on the page."""

from __future__ import annotations

import shutil

from courseware.courses import catalog, compile_course
from courseware.courses.time_model import module_time
from tests.conftest import EXAMPLE_COURSES
from tests.helpers.html import one, parse, text_of, texts_of
from tests.test_compiler import GOOD_YML, MODULE, make_course

SHORT_MODULE = MODULE.replace("minutes: 30", "minutes: 1")  # a page with just the box: a minute's reading
NO_CREDIT_YML = "title: Demo\n"
BLOCK = """\
/// district | Who to call in our district
- Child protective services hotline: [DISTRICT: the hotline's number]
- Homeless liaison: Dana Reyes, 555-0142
- Counselor: [DISTRICT: name] in [DISTRICT: room]
///"""


def test_the_block_compiles_to_a_box_with_its_blanks_marked(tmp_path):
    folder = make_course(tmp_path, GOOD_YML, {"01-one.md": MODULE.format(body=BLOCK)})
    course = compile_course(folder, tmp_path)
    assert course.problems == []
    (segment,) = course.modules[0].pages[0].segments
    assert segment.kind == "district" and segment.title == "Who to call in our district"
    assert segment.label == "Your district's procedures" and segment.placeholders == 3
    page = parse(segment.html)
    assert texts_of(page, "mark.district__blank") == [
        "[To be filled in by your district: the hotline's number]",
        "[To be filled in by your district: name]",
        "[To be filled in by your district: room]",
    ]
    assert "Dana Reyes, 555-0142" in text_of(page, "ul")


def test_the_check_warns_at_each_line_with_a_blank(tmp_path):
    folder = make_course(tmp_path, NO_CREDIT_YML, {"01-one.md": SHORT_MODULE.format(body=BLOCK)})
    course = compile_course(folder, tmp_path)
    assert course.credit_problems == []
    assert [str(w) for w in course.warnings] == [
        "demo/01-one.md:9: the district has still to fill this in: the hotline's number",
        "demo/01-one.md:11: the district has still to fill this in: name; room",
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


def test_the_check_command_prints_the_warning_and_passes(runner, tmp_path):
    folder = make_course(tmp_path, NO_CREDIT_YML, {"01-one.md": SHORT_MODULE.format(body=BLOCK)})
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{folder.name}/01-one.md:9: the district has still to fill this in: the hotline's number" in result.output


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
        assert len(box.select("mark.district__blank")) == 3
