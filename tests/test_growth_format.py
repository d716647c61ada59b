"""The pre-check and the growth check in the course format: course.yml's growth.skills, the quiz option
``growth``, a ``Skill:`` on each question, and the mistakes, each at its file and line."""

from __future__ import annotations

import pytest

from courseware.courses import compile_course
from tests.test_compiler import make_course

YML = """\
title: Demo
growth:
  skills:
    noticing: Noticing stress
    responding: Responding calmly
"""

PRE_CHECK = """
/// quiz | Before you start
    id: pre
    growth: before{options}

### A first question {{#one}}
Skill: noticing

- [x] Yes
    Yes.
- [ ] No
    No.

Explanation: Because.

### A second question {{#two}}
Skill: responding

- [x] Yes
    Yes.
- [ ] No
    No.

Explanation: Because.
///
"""

GROWTH_CHECK = """
/// quiz | Looking back
    id: post
    growth: after{options}

### Another first question {{#one}}
Skill: noticing

- [ ] Yes
    Yes.
- [x] No
    No.

Explanation: Because.

### Another second question {{#two}}
Skill: {second_skill}

- [ ] Yes
    Yes.
- [x] No
    No.

Explanation: Because.
///
"""

MODULE = """
---
title: {title}
minutes: 10
---

## A page {{#page}}

Text.
{quiz}
"""


def course_files(pre_options="", post_options="", second_skill="responding", first=None, second=None):
    return {
        "01-start.md": MODULE.format(
            title="Start", quiz=first if first is not None else PRE_CHECK.format(options=pre_options)
        ),
        "02-end.md": MODULE.format(
            title="End",
            quiz=second if second is not None else GROWTH_CHECK.format(options=post_options, second_skill=second_skill),
        ),
    }


def problems(tmp_path, yml=YML, **kwargs) -> list[str]:
    course = compile_course(make_course(tmp_path, yml, course_files(**kwargs)), tmp_path)
    return [str(p) for p in course.problems]


def test_a_pre_check_and_a_growth_check_compile(tmp_path):
    course = compile_course(make_course(tmp_path, YML, course_files()), tmp_path)
    assert course.problems == []
    assert [(s.id, s.title, s.line) for s in course.skills] == [
        ("noticing", "Noticing stress", 4),
        ("responding", "Responding calmly", 5),
    ]
    before, after = course.growth_checks()
    assert (before.quiz.id, after.quiz.id) == ("pre", "post")
    # the pre-check is taken once and has no pass mark; the growth check is an ordinary quiz
    assert (before.quiz.pass_mark, before.quiz.attempts, before.quiz.is_pre_check) == (0, 1, True)
    assert (after.quiz.pass_mark, after.quiz.attempts, after.quiz.is_growth_check) == (80, None, True)
    assert [q.skill for q in after.quiz.questions] == ["noticing", "responding"]
    # the skill is graded content (stored with each version); the growth role is a rule, like reveal
    content = before.quiz.content()
    assert "growth" not in content and content["questions"][0]["skill"] == "noticing"


def test_a_quiz_without_skills_keeps_its_version(tmp_path):
    """Questions without a skill store no 'skill' key, so quizzes written before growth keep their versions."""
    course = compile_course(make_course(tmp_path, "title: Demo\n", {"01-start.md": MODULE.format(
        title="Start", quiz=PRE_CHECK.format(options="").replace("    growth: before\n", "").replace(
            "Skill: noticing\n", "").replace("Skill: responding\n", ""))}), tmp_path)  # fmt: skip
    assert course.problems == []
    assert all("skill" not in q for q in course.pages[0].blocks("quiz")[0].quiz.content()["questions"])


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"pre_options": "\n    pass_mark: 50"},
         "demo/01-start.md:13: option 'pass_mark' of a quiz block: a pre-check is taken once"),
        ({"pre_options": "\n    attempts: 2"},
         "demo/01-start.md:13: option 'attempts' of a quiz block: a pre-check is taken once"),
        ({"post_options": "\n    draw: 1"},
         "demo/02-end.md:13: option 'draw' of a quiz block: a growth check asks every question"),
        ({"second_skill": "calming"},
         "demo/02-end.md:25: unknown skill 'calming' (skills in course.yml: noticing, responding)"),
        ({"second_skill": "noticing"},
         "demo/02-end.md:10: the growth check asks nothing about the skill 'responding', which the pre-check does"),
        ({"second": ""}, "demo/01-start.md:10: the pre-check 'pre' has no growth check"),
        ({"first": "", "second": GROWTH_CHECK.format(options="", second_skill="responding")},
         "demo/02-end.md:10: the growth check 'post' has no pre-check"),
        ({"first": GROWTH_CHECK.format(options="", second_skill="responding"),
          "second": PRE_CHECK.format(options="")},
         "demo/01-start.md:10: the growth check comes before the pre-check 'pre'"),
        ({"second": PRE_CHECK.format(options="").replace("id: pre", "id: pre-again")},
         "demo/02-end.md:10: the course has two pre-checks ('pre' is one)"),
        ({"post_options": "\n    growth: sometime"},
         "demo/02-end.md:12: option 'growth' of a quiz block: use before (the course's pre-check) or after"),
        ({"second": GROWTH_CHECK.format(options="", second_skill="responding").replace("Skill: noticing\n", "")},
         "demo/02-end.md:14: each question of a pre-check or growth check names its skill"),
        ({"second": GROWTH_CHECK.format(options="", second_skill="responding").replace("    growth: after\n", "")},
         "demo/02-end.md:14: 'Skill:' belongs to the questions of a pre-check or growth check"),
    ],
)  # fmt: skip
def test_mistakes_point_at_their_line(tmp_path, kwargs, expected):
    found = problems(tmp_path, **kwargs)
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    ("yml", "expected"),
    [
        ("title: Demo\n", "demo/01-start.md:12: a pre-check or growth check measures the skills listed in course.yml"),
        (YML + "    calming: Calming down\n", "demo/course.yml:6: no question measures the skill 'calming'"),
        (YML.replace("noticing:", "Noticing Now:"), "demo/course.yml:4: skill id 'Noticing Now' must use lowercase"),
        ("title: Demo\ngrowth:\n  skills: [noticing]\n", "demo/course.yml:3: 'growth.skills' lists the skills"),
        (YML + "  scale: 5\n", "demo/course.yml:6: unknown setting 'scale' in 'growth' (expected one of: skills)"),
    ],
)  # fmt: skip
def test_mistakes_in_course_yml_growth_point_at_their_line(tmp_path, yml, expected):
    found = problems(tmp_path, yml=yml)
    assert any(expected in p for p in found), found


def test_skills_without_a_pre_check_are_a_mistake(tmp_path):
    found = problems(tmp_path, first="", second="")
    assert any("demo/course.yml:4: 'growth.skills' lists skills, but no quiz measures them" in p for p in found)


TRACKS_YML = (
    YML
    + """\
tracks:
  - id: a
    title: A
  - id: b
    title: B
"""
)


def test_the_pre_check_belongs_to_the_shared_core(tmp_path):
    found = problems(tmp_path, yml=TRACKS_YML, pre_options="\n    tracks: a")
    assert any("demo/01-start.md:10: the pre-check belongs to the shared core" in p for p in found), found
