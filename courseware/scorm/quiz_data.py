"""What the package's runtime needs to grade a quiz in the browser: its rules and its right answers.

The package has no server, so the answers travel with it (docs/scorm.md says so). The questions'
wording, feedback and explanations are in the page itself; this is the part the runtime reads.
"""

from __future__ import annotations

import json

from courseware.courses.model import Course
from courseware.courses.quiz import SHORT_ANSWER, Quiz
from courseware.scorm.manifest import package_id


def quizzes_of(course: Course) -> list[Quiz]:
    return [segment.quiz for page in course.pages for segment in page.blocks("quiz")]


def counts_toward_score(quiz: Quiz) -> bool:
    """Every quiz but the pre-check, which has no pass mark and measures where a learner starts."""
    return not quiz.is_pre_check


def mastery_score(course: Course) -> int | None:
    """The course's pass mark, when it has a quiz whose score the LMS receives; else None (no score)."""
    return course.completion.pass_mark if any(counts_toward_score(q) for q in quizzes_of(course)) else None


def quiz_rules(quiz: Quiz) -> dict:
    return {
        "passMark": quiz.pass_mark,
        "attempts": quiz.attempts,
        "shuffle": quiz.shuffle,
        "draw": quiz.draw,
        "reveal": quiz.reveal,
        "scored": counts_toward_score(quiz),
        "questions": {
            question.id: {
                "type": question.type,
                "right": [choice.id for choice in question.choices if choice.correct],
                "answers": list(question.answers) if question.type == SHORT_ANSWER else [],
            }
            for question in quiz.questions
        },
    }


def runtime_data(course: Course) -> str:
    """JSON for a ``<script type="application/json">`` element: the pages in order and each quiz's rules.
    ``<`` is escaped so that no text of the course can close the element."""
    data = {
        "package": package_id(course),  # what the LMS kept is read back only by the export that wrote it
        "pages": [page.key for page in course.pages],
        "masteryScore": mastery_score(course),
        "quizzes": {quiz.id: quiz_rules(quiz) for quiz in quizzes_of(course)},
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
