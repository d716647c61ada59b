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


SUSPEND_DATA_MAX = 4096  # characters of cmi.suspend_data in SCORM 1.2; the runtime saves nothing longer
UNLIMITED_TRIES = 9999  # what the estimate allows for a quiz without an attempt limit


def suspend_data_estimate(course: Course) -> int:
    """The most characters the runtime (sco.js ``suspendData``) can keep in cmi.suspend_data for the course:
    the package's id, the pages read (four to a hexadecimal digit), and each quiz's best score (at most
    100) and attempts used (its limit, or UNLIMITED_TRIES)."""
    quizzes = quizzes_of(course)
    entries = [f'"{index}":[100,{quiz.attempts or UNLIMITED_TRIES}]' for index, quiz in enumerate(quizzes)]
    read = "f" * -(-len(course.pages) // 4)
    return len(f'{{"p":{json.dumps(package_id(course), ensure_ascii=False)},"h":"{read}","q":{{{",".join(entries)}}}}}')


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
