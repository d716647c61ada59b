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

    @property
    def is_choice(self) -> bool:
        return self.type != SHORT_ANSWER

    @property
    def input_type(self) -> str:
        return "checkbox" if self.type == MULTIPLE else "radio"

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


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

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def content(self) -> dict:
        """Everything that grading depends on, as stored with each version."""
        data = asdict(self)
        data.pop("line")
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
