"""A compiled quiz: plain data that can be stored as a version and graded later."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true-false"
SHORT_ANSWER = "short-answer"
QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, SHORT_ANSWER)
SHORT_ANSWER_MAX = 500

# When a learner is shown the right answers, the feedback on choices and the explanations.
REVEAL_AFTER_EACH_ATTEMPT = "after-each-attempt"
REVEAL_AFTER_PASSING = "after-pass-or-last-attempt"  # after a pass, or once every attempt is used
REVEAL_NEVER = "never"
REVEAL_POLICIES = (REVEAL_AFTER_EACH_ATTEMPT, REVEAL_AFTER_PASSING, REVEAL_NEVER)
WAIT_MAX = 10080  # minutes: a week

# A quiz's part in measuring growth (the quiz option ``growth``): the pre-check a learner takes at the
# start, and the growth check at the end that asks about the same skills.
GROWTH_BEFORE = "before"
GROWTH_AFTER = "after"
GROWTH_ROLES = (GROWTH_BEFORE, GROWTH_AFTER)


@dataclass
class Choice:
    id: str
    html: str
    correct: bool
    feedback_html: str = ""


@dataclass
class Question:
    id: str
    type: str
    prompt_html: str
    details_html: str = ""
    choices: list[Choice] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # accepted short answers
    explanation_html: str = ""
    skill: str = ""  # the skill it measures, in a pre-check or growth check (course.yml's growth.skills)

    @property
    def is_choice(self) -> bool:
        return self.type != SHORT_ANSWER

    @property
    def input_type(self) -> str:
        return "checkbox" if self.type == MULTIPLE else "radio"

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class QuizSettings:
    """The course-wide quiz settings of course.yml (its ``quizzes`` section); a quiz may set its own."""

    shuffle: bool = True
    attempts: int | None = None  # None: unlimited
    wait: int = 0  # minutes before the next attempt, after one that did not pass
    reveal: str = REVEAL_AFTER_EACH_ATTEMPT


# Rules about when an attempt may be made and what its result shows. They are not part of a
# stored version: the quiz's current rules always apply, whatever version was answered.
RULES_OUTSIDE_VERSION = ("wait", "reveal", "growth")


@dataclass
class Quiz:
    id: str
    title: str
    intro_html: str
    questions: list[Question]
    pass_mark: int
    attempts: int | None  # None: unlimited
    shuffle: bool
    line: int = 0
    draw: int | None = None  # each attempt asks this many questions, drawn from all; None: every question
    wait: int = 0
    reveal: str = REVEAL_AFTER_EACH_ATTEMPT
    growth: str = ""  # GROWTH_BEFORE: the course's pre-check; GROWTH_AFTER: its growth check; "": neither

    @property
    def is_pre_check(self) -> bool:
        return self.growth == GROWTH_BEFORE

    @property
    def is_growth_check(self) -> bool:
        return self.growth == GROWTH_AFTER

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def asked(self, question_ids: list[str] | None) -> list[Question]:
        """The questions one attempt asks, in the quiz's order; ``None`` (an attempt without a draw): all."""
        if question_ids is None:
            return list(self.questions)
        wanted = set(question_ids)
        return [q for q in self.questions if q.id in wanted]

    def content(self) -> dict:
        """Everything that grading depends on, as stored with each version."""
        data = asdict(self)
        for name in ("line", *RULES_OUTSIDE_VERSION):
            data.pop(name)
        for question in data["questions"]:
            if not question["skill"]:
                del question["skill"]  # so that a quiz without skills keeps the version it always had
        return data

    @property
    def version(self) -> str:
        """A hash of the content: a learner's attempt is graded against the version they saw."""
        canonical = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @classmethod
    def from_content(cls, data: dict) -> Quiz:
        questions = [Question(**{**q, "choices": [Choice(**c) for c in q["choices"]]}) for q in data["questions"]]
        return cls(**{**data, "questions": questions})


@dataclass(frozen=True)
class QuizSegment:
    """The place of a quiz on a page. The quiz itself is never sent to the browser as is."""

    quiz: Quiz
    kind: str = "quiz"
    minutes: int | None = None  # declared by the author; kept out of the quiz's content, so not in its version
