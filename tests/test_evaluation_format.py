"""The evaluation section of course.yml: defaults, what is read, and mistakes (no app, no database)."""

from __future__ import annotations

import pytest

from courseware.courses.course_yml import read_course_yml
from courseware.courses.evaluation import DEFAULT_ATTESTATION, DEFAULT_COMMENTS, DEFAULT_ITEMS
from courseware.courses.problems import ProblemList


def read_yml(tmp_path, text: str):
    folder = tmp_path / "demo"
    folder.mkdir(exist_ok=True)
    (folder / "course.yml").write_text(text, encoding="utf-8")
    problems = ProblemList(tmp_path)
    course, _ = read_course_yml(folder, problems)
    return course, [str(p) for p in problems.sorted()]


def test_a_course_with_credit_always_has_the_default_evaluation(tmp_path):
    course, problems = read_yml(tmp_path, "title: Demo\ncredit:\n  hours: 2\n")
    assert problems == []
    assert course.evaluation.items == DEFAULT_ITEMS and len(DEFAULT_ITEMS) == 6
    assert course.evaluation.comments == DEFAULT_COMMENTS
    assert course.evaluation.attestation == DEFAULT_ATTESTATION
    assert DEFAULT_ATTESTATION == "I completed this course myself, and the time recorded is mine."


@pytest.mark.parametrize(
    ("section", "asked"),
    [("", False), ("evaluation: false\n", False), ("evaluation:\n", True), ("evaluation: true\n", True)],
)
def test_a_course_without_credit_has_one_only_when_course_yml_asks(tmp_path, section, asked):
    course, problems = read_yml(tmp_path, f"title: Demo\n{section}")
    assert problems == []
    assert (course.evaluation is not None) == asked
    if asked:
        assert course.evaluation.items == DEFAULT_ITEMS


def test_items_comments_and_attestation_are_read(tmp_path):
    course, problems = read_yml(
        tmp_path,
        """\
title: Demo
evaluation:
  items:
    - The examples fit my school.
    - id: pace
      text: "  The pace   suited me.  "
  comments:
    - What will you try first?
    - id: missing
      text: What was missing?
  attestation: I did this work myself.
""",
    )
    assert problems == []
    evaluation = course.evaluation
    assert [(i.id, i.text) for i in evaluation.items] == [
        ("the-examples-fit-my-school", "The examples fit my school."),
        ("pace", "The pace suited me."),
    ]
    assert [(q.id, q.text) for q in evaluation.comments] == [
        ("what-will-you-try-first", "What will you try first?"),
        ("missing", "What was missing?"),
    ]
    assert evaluation.attestation == "I did this work myself."


def test_only_the_parts_given_replace_the_defaults(tmp_path):
    course, problems = read_yml(tmp_path, "title: Demo\ncredit:\n  hours: 1\nevaluation:\n  attestation: Mine.\n")
    assert problems == []
    assert (course.evaluation.items, course.evaluation.comments) == (DEFAULT_ITEMS, DEFAULT_COMMENTS)
    assert course.evaluation.attestation == "Mine."


def test_mistakes_in_the_evaluation_point_at_their_line(tmp_path):
    long = "x" * 301
    _, problems = read_yml(
        tmp_path,
        f"""\
title: Demo
credit:
  hours: 1
evaluation:
  items:
    - Useful.
    - id: Not An Id
      text: Something
    - id: useful
      text: Useful again.
    - {long}
    - id: empty
  comments: just one question
  attestation: [a, list]
  rating: 5
""",
    )
    assert problems == [
        "demo/course.yml:7: the id 'Not An Id' of statement 2 of 'evaluation.items' must use lowercase letters, "
        "digits and hyphens (at most 60 characters)",
        "demo/course.yml:9: two statements of 'evaluation.items' have the id 'useful' (give one of them an 'id' "
        "of its own)",
        "demo/course.yml:11: statement 4 of 'evaluation.items' is 301 characters long; keep it to 300",
        "demo/course.yml:12: statement 5 of 'evaluation.items' needs its text: write the statement itself, or "
        "'text: ...' beside its 'id'",
        "demo/course.yml:13: 'evaluation.comments' must be a list of one or more questions, one per '- ' line",
        "demo/course.yml:14: 'evaluation.attestation' must be the sentence the learner attests",
        "demo/course.yml:15: unknown setting 'rating' in 'evaluation' (expected one of: attestation, comments, items)",
    ]


def test_a_course_with_credit_cannot_turn_the_evaluation_off(tmp_path):
    course, problems = read_yml(tmp_path, "title: Demo\ncredit:\n  hours: 1\nevaluation: false\n")
    assert problems == [
        "demo/course.yml:4: a course that offers credit always asks for the evaluation and attestation: remove "
        "'evaluation: false' (the default items are used) or list your own"
    ]
    assert course.evaluation.items == DEFAULT_ITEMS


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("evaluation: yes please\n", "demo/course.yml:2: 'evaluation' must be a set of 'key: value' lines"),
        ("evaluation:\n  items: []\n", "demo/course.yml:3: 'evaluation.items' must be a list of one or more"),
        ("evaluation:\n  attestation: '   '\n", "demo/course.yml:3: 'evaluation.attestation' must be the sentence"),
        ("evaluation:\n  items:\n    - id: a\n      text: A\n      scale: 7\n", "demo/course.yml:6: unknown setting"),
    ],
)
def test_odd_evaluation_sections(tmp_path, section, message):
    _, problems = read_yml(tmp_path, f"title: Demo\n{section}")
    assert len(problems) == 1 and problems[0].startswith(message), problems
