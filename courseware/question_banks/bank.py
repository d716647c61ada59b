"""A question bank as read from a file: plain questions, and what could not be imported.

Texts stay as the bank wrote them (``Text``: a format and the text); ``markup`` turns them into
Markdown when the quiz blocks are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true-false"
SHORT_ANSWER = "short-answer"

# The formats a text can be written in. "moodle" is Moodle's own auto-format: text in which HTML
# tags are allowed, shown like HTML; "plain" is shown exactly as typed.
HTML = "html"
MOODLE = "moodle"
MARKDOWN = "markdown"
PLAIN = "plain"
FORMATS = (HTML, MOODLE, MARKDOWN, PLAIN)

MAX_FILE_BYTES = 10 * 1024 * 1024  # a bank larger than this is refused before it is read


class BankError(Exception):
    """The file cannot be read as a question bank at all: nothing is written."""


@dataclass(frozen=True)
class Text:
    format: str
    text: str


@dataclass
class Choice:
    text: Text
    correct: bool
    feedback: Text | None = None


@dataclass
class Question:
    kind: str  # SINGLE, MULTIPLE, TRUE_FALSE or SHORT_ANSWER
    stem: Text
    where: str  # "line 12" or "question 3 ('Name')": where the bank has it
    title: str = ""
    choices: list[Choice] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # accepted short answers
    answer_feedback: list[tuple[str, Text]] = field(default_factory=list)  # a short answer's own feedback
    explanation: Text | None = None  # the general feedback, shown whatever was answered


@dataclass
class Quiz:
    """The questions of one category of the bank (or of the whole bank, if it names none)."""

    category: str
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    where: str
    message: str


@dataclass
class Bank:
    quizzes: list[Quiz] = field(default_factory=list)
    skipped: list[Report] = field(default_factory=list)  # questions not imported, and why
    notes: list[Report] = field(default_factory=list)  # imported, but something the bank had is left out

    def quiz(self, category: str) -> Quiz:
        """The quiz of a category, started when the bank names the category."""
        if not self.quizzes or self.quizzes[-1].category != category or self.quizzes[-1].questions:
            self.quizzes.append(Quiz(category))
        return self.quizzes[-1]

    def current(self) -> Quiz:
        return self.quizzes[-1] if self.quizzes else self.quiz("")

    @property
    def questions(self) -> list[Question]:
        return [q for quiz in self.quizzes for q in quiz.questions]


def read_bank_file(path, kind: str) -> bytes:
    """The file's bytes, refused (``BankError``) when missing, empty or too large."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BankError(
                f"{path}: the file is {size // (1024 * 1024)} MB; a {kind} file of at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB is accepted (split the bank into smaller files)"
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BankError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_FILE_BYTES:
        raise BankError(f"{path}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise BankError(f"{path}: the file is empty")
    return data


def decode_utf8(data: bytes, path) -> str:
    """The text of a file that must be UTF-8 (a byte order mark is allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(
            f"{path}:{line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8 and try again"
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def set_choices(
    bank: Bank, question: Question, offered: list[tuple[Choice, float]], single: bool, *, credit: str, fix: str = ""
) -> None:
    """Make ``question`` a single- or multiple-choice question from the choices a bank offers, each with the
    credit it gives (a percentage; ``credit`` names it as the bank does: "weight", "fraction"), or report it
    as not imported (``question.kind`` emptied) when Courseware cannot ask it as the bank meant. A right choice
    gives full credit in a single-choice question, and any credit in a multiple-choice one; part credit in a
    single-choice question is noted, the choice becoming a wrong one. ``fix`` ends the message of a
    single-choice question with several right choices (how to mend it in that format)."""
    named = f" '{question.title}'" if question.title else ""
    right = [choice for choice, given in offered if (given >= 100 if single else given > 0)]
    problem = ""
    if len(offered) < 2:
        problem = f"the question{named} has fewer than two choices"
    elif not right:
        why = "no answer gives full credit" if single else f"no answer has a positive {credit}"
        problem = f"the question{named} has no right choice: {why}"
    elif single and len(right) > 1:
        problem = (
            f"the question{named} gives full credit for {len(right)} answers, and a single-choice question "
            f"in Courseware has one right choice{fix}"
        )
    if problem:
        bank.skipped.append(Report(question.where, problem))
        question.kind = ""
        return
    for choice, given in offered:
        if single and 0 < given < 100:
            bank.notes.append(
                Report(
                    question.where,
                    f"the choice '{choice.text.text}' gave {given:g}% credit; Courseware gives no part credit, "
                    "so it is a wrong choice",
                )
            )
    question.kind = SINGLE if single else MULTIPLE
    question.choices = [Choice(choice.text, choice in right, choice.feedback) for choice, _ in offered]


def accept_short_answer(bank: Bank, question: Question, text: str, feedback: Text | None) -> None:
    """Add ``text`` to the answers a short-answer question accepts, with its own feedback; an answer
    with Moodle's wildcard is left out, with a note, since Courseware matches answers exactly."""
    if "*" in text:
        bank.notes.append(
            Report(question.where, f"the answer '{text}' has a wildcard '*', which Courseware cannot match: left out")
        )
        return
    question.answers.append(text)
    if feedback:
        question.answer_feedback.append((text, feedback))
