"""Checks of a course's pre-check and growth check, which only the whole course can make.

Each quiz checks its own questions (quiz_block); here: one of each, in that order, in the shared core
of a course with tracks, measuring the same skills, every skill listed in course.yml measured.
"""

from __future__ import annotations

from pathlib import Path

from courseware.courses.model import Course
from courseware.courses.problems import ProblemList
from courseware.courses.quiz import GROWTH_AFTER, GROWTH_BEFORE, Quiz

NAMES = {GROWTH_BEFORE: "pre-check", GROWTH_AFTER: "growth check"}


def check_growth(course: Course, problems: ProblemList) -> None:
    found: dict[str, tuple[tuple[Path, int], Quiz]] = {}
    order: list[str] = []
    for module in course.modules:
        for page in module.pages:
            for index, segment in enumerate(page.segments):
                if segment.kind != "quiz" or not segment.quiz.growth:
                    continue
                quiz = segment.quiz
                where = (module.source, quiz.line)
                name = NAMES[quiz.growth]
                if quiz.growth in found:
                    other = found[quiz.growth]
                    problems.add(
                        *where, f"the course has two {name}s ('{other[1].id}' is one): a course has at most one"
                    )
                    continue
                if module.tracks is not None or page.tracks is not None or index in page.segment_tracks:
                    problems.add(
                        *where,
                        f"the {name} belongs to the shared core, which every track takes: do not mark it, its page "
                        "or its module for some tracks",
                    )
                found[quiz.growth] = (where, quiz)
                order.append(quiz.growth)
    yml = course.path / "course.yml"
    if not found:
        if course.skills:
            problems.add(
                yml,
                course.skills[0].line,
                "'growth.skills' lists skills, but no quiz measures them: mark one quiz 'growth: before' and "
                "one 'growth: after'",
            )
        return
    if len(found) == 1:
        role, (where, quiz) = next(iter(found.items()))
        missing = NAMES[GROWTH_AFTER if role == GROWTH_BEFORE else GROWTH_BEFORE]
        problems.add(*where, f"the {NAMES[role]} '{quiz.id}' has no {missing}: mark another quiz with 'growth:'")
        return
    (before_where, before), (after_where, after) = found[GROWTH_BEFORE], found[GROWTH_AFTER]
    if order[0] != GROWTH_BEFORE:
        problems.add(*after_where, f"the growth check comes before the pre-check '{before.id}': move it after")
    before_skills = {q.skill for q in before.questions}
    after_skills = {q.skill for q in after.questions}
    for skill_id in sorted(before_skills - after_skills):
        problems.add(
            *after_where, f"the growth check asks nothing about the skill '{skill_id}', which the pre-check does"
        )
    for skill_id in sorted(after_skills - before_skills):
        problems.add(
            *before_where, f"the pre-check asks nothing about the skill '{skill_id}', which the growth check does"
        )
    for skill in course.skills:
        if skill.id not in before_skills | after_skills:
            problems.add(yml, skill.line, f"no question measures the skill '{skill.id}': ask about it or remove it")
