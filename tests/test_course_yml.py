"""Reading course.yml on its own: values kept, defaults, and odd files (no app, no database).

Mistakes found while compiling a whole course are tested in test_compiler.py.
"""

from __future__ import annotations

import pytest

from courseware.courses.course_yml import read_course_yml
from courseware.courses.problems import ProblemList


def read(tmp_path, text: str | bytes):
    folder = tmp_path / "demo"
    folder.mkdir(exist_ok=True)
    path = folder / "course.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    problems = ProblemList(tmp_path)
    course, order = read_course_yml(folder, problems)
    return course, order, [str(p) for p in problems.sorted()]


def test_every_setting_is_read(tmp_path):
    course, order, problems = read(
        tmp_path,
        """\
title: "  Calm classrooms  "
summary: Short.
audience: Teachers
version: "2.1"
published: false
credit:
  hours: 7.5
  type: clock hours
provider:
  name: District
  approval_number: A-1
  contact: pd@district.org
completion:
  pass_mark: 70
  worksheets_required: true
  min_seat_minutes: 45
certificate:
  design: district
  validity_months: 24
modules:
  - second
  - first
""",
    )
    assert problems == []
    assert (course.title, course.summary, course.audience, course.version) == (
        "Calm classrooms",
        "Short.",
        "Teachers",
        "2.1",
    )
    assert course.published is False
    assert (course.credit.hours, course.credit.credit_type, course.credit.ceu) == (7.5, "clock hours", 0.75)
    assert (course.provider.name, course.provider.approval_number, course.provider.contact) == (
        "District",
        "A-1",
        "pd@district.org",
    )
    assert (course.completion.pass_mark, course.completion.worksheets_required, course.completion.min_seat_minutes) == (
        70,
        True,
        45,
    )
    assert (course.certificate_design, course.validity_months) == ("district", 24)
    assert order == ["second", "first"]


def test_defaults(tmp_path):
    course, order, problems = read(tmp_path, "title: Demo\n")
    assert problems == [] and order is None
    assert (course.version, course.published, course.certificate_design, course.validity_months) == (
        "1",
        True,
        "classic",
        None,
    )
    assert (course.credit.hours, course.credit.credit_type, course.credit.ceu) == (0.0, "contact hours", 0.0)
    assert course.completion == type(course.completion)(
        pass_mark=80, worksheets_required=False, min_seat_minutes=0, active_time=0
    )  # a course without credit requires no active time unless it says so


def test_a_course_with_credit_requires_active_time_by_default(tmp_path):
    course, _, problems = read(tmp_path, "title: Demo\ncredit:\n  hours: 1\n")
    assert problems == [] and course.completion.active_time == 80
    course, _, problems = read(tmp_path, "title: Demo\ncredit:\n  hours: 1\ncompletion:\n  active_time: 0\n")
    assert [p.split(": ", 1)[1] for p in problems] == [
        "'completion.active_time' may be 0 only for a course that offers no credit: a credit-bearing course "
        "requires active time (the default is 80 %)"
    ]


def test_a_whole_number_version_is_text(tmp_path):
    course, _, problems = read(tmp_path, "title: Demo\nversion: 3\n")
    assert problems == [] and course.version == "3"


def test_ceu_given_is_kept_and_the_credit_type_is_matched_in_any_case(tmp_path):
    course, _, problems = read(tmp_path, "title: Demo\ncredit:\n  hours: 10\n  type: CEU\n  ceu: 1.5\n")
    assert problems == [] and (course.credit.credit_type, course.credit.ceu) == ("CEU", 1.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "demo/course.yml:1: 'title' is required"),
        ("- title: Demo\n", "demo/course.yml:1: course.yml must be a set of 'key: value' lines"),
        ("just words\n", "demo/course.yml:1: course.yml must be a set of 'key: value' lines"),
        ("title: Demo\ncredit: 3\n", "demo/course.yml:2: 'credit' must be a set of 'key: value' lines"),
        (
            "title: Demo\ncertificate: district\n",
            "demo/course.yml:2: 'certificate' must be a set of 'key: value' lines",
        ),
        ("title: [a, b]\n", "demo/course.yml:1: 'title' must be text"),
        ("title: Demo\npublished: maybe\n", "demo/course.yml:2: 'published' must be true or false"),
        ("title: Demo\ncredit:\n  hours: true\n", "demo/course.yml:3: 'credit.hours' must be a number"),
        ("title: Demo\ncredit:\n  hours: -1\n", "demo/course.yml:3: 'credit.hours' must be between 0 and 1000"),
        (
            "title: Demo\ncompletion:\n  min_seat_minutes: 1.5\n",
            "demo/course.yml:3: 'completion.min_seat_minutes' must be a whole number",
        ),
        (
            "title: Demo\ncertificate:\n  validity_months: 0\n",
            "demo/course.yml:3: 'certificate.validity_months' must be between 1 and 120",
        ),
        (
            "title: Demo\ncertificate:\n  validity_months: 121\n",
            "demo/course.yml:3: 'certificate.validity_months' must be between 1 and 120",
        ),
        ("title: Demo\nmodules: first\n", "demo/course.yml:2: 'modules' must be a list of module ids"),
        ("title: Demo\nmodules:\n  - 1\n", "demo/course.yml:2: 'modules' must be a list of module ids"),
        ("title: Demo\ncompletion:\n  colour: red\n", "demo/course.yml:3: unknown setting 'colour' in 'completion'"),
    ],
)
def test_each_mistake_points_at_its_line(tmp_path, text, expected):
    _, _, problems = read(tmp_path, text)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_file_that_is_not_utf8_is_named_as_such(tmp_path):
    course, order, problems = read(tmp_path, "title: Café\n".encode("cp1252"))
    assert problems == ["demo/course.yml:1: course.yml must be saved as UTF-8"]
    assert course.title == "demo" and order is None


def test_a_missing_file(tmp_path):
    (tmp_path / "demo").mkdir()
    problems = ProblemList(tmp_path)
    course, order = read_course_yml(tmp_path / "demo", problems)
    assert [str(p) for p in problems.sorted()] == ["demo/course.yml:1: course.yml is missing"]
    assert course.title == "demo" and order is None


def test_a_wrong_value_falls_back_to_the_default(tmp_path):
    course, _, problems = read(tmp_path, "title: Demo\ncompletion:\n  pass_mark: 120\n  min_seat_minutes: lots\n")
    assert len(problems) == 2
    assert (course.completion.pass_mark, course.completion.min_seat_minutes) == (80, 0)


def test_team_plan_sections_are_read_and_default_to_the_five(tmp_path):
    course, _, problems = read(tmp_path, "title: T\n")
    assert problems == []
    assert [s.id for s in course.team_plan] == ["priorities", "actions", "owners", "measures", "supports"]
    course, _, problems = read(
        tmp_path,
        """\
title: T
team_plan:
  sections:
    - id: goals
      title: Our goals
      prompt: What will change for students?
    - id: steps
      title: Next steps
""",
    )
    assert problems == []
    assert [(s.id, s.title, s.prompt) for s in course.team_plan] == [
        ("goals", "Our goals", "What will change for students?"),
        ("steps", "Next steps", ""),
    ]


def test_team_plan_mistakes_are_reported_with_their_line(tmp_path):
    _, _, problems = read(
        tmp_path,
        """\
title: T
team_plan:
  sections:
    - id: Goals!
      title: Goals
    - id: steps
    - id: steps
      title: Steps
      colour: red
    - id: steps
      title: Again
  extra: 1
""",
    )
    assert problems == [
        "demo/course.yml:4: the id 'Goals!' of section 1 of 'team_plan.sections' must use lowercase letters, "
        "digits and hyphens (at most 60 characters)",
        "demo/course.yml:6: section 2 of 'team_plan.sections' needs a 'title'",
        "demo/course.yml:9: unknown setting 'colour' in section 3 of 'team_plan.sections' (expected id, title and "
        "prompt)",
        "demo/course.yml:10: two sections of 'team_plan.sections' have the id 'steps'",
        "demo/course.yml:12: unknown setting 'extra' in 'team_plan' (expected one of: sections)",
    ]
    _, _, problems = read(tmp_path, "title: T\nteam_plan:\n  sections: []\n")
    assert problems == [
        "demo/course.yml:3: 'team_plan.sections' must be a list of one or more sections, each with an id and a title"
    ]
    _, _, problems = read(tmp_path, "title: T\nteam_plan: yes\n")
    assert problems == ["demo/course.yml:2: 'team_plan' must be a set of 'key: value' lines (sections)"]
