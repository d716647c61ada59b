"""Reading GIFT, Moodle's plain-text question format, into a ``Bank``.

Questions are separated by blank lines; a line starting with ``//`` is a comment wherever it is.
What is read, as Moodle reads it:

- ``$CATEGORY: path`` starts a new quiz; ``::title::`` names a question; ``[html]``, ``[moodle]``,
  ``[markdown]`` or ``[plain]`` before a text gives its format (the question's format is the default
  of its answers);
- ``\\~ \\= \\# \\{ \\} \\: \\\\`` are the characters themselves, ``\\n`` a line break;
- ``{=right ~wrong}`` is a single-choice question, ``~%50%`` an answer's weight; without any ``=``
  the answers with a positive weight are right, and learners pick all of them (multiple choice);
- ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` is true or false, with ``#feedback for a wrong answer
  #feedback for a right one``;
- ``{=answer =another}`` (no ``~``) is a short-answer question; text after the closing brace makes
  the braces a blank in the sentence (``_____``);
- ``#feedback`` after an answer, ``####general feedback`` at the end of the answers.

Matching (``->``), numerical (``{#...}``), essay (``{}``) and description (text without braces)
items, and questions with more than one set of braces, are reported with their line, not imported.
Braces that do not pair up, or answers that cannot be read, make the file unreadable (``BankError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from courseware.question_banks.bank import (
    MOODLE,
    SHORT_ANSWER,
    SINGLE,
    TRUE_FALSE,
    Bank,
    BankError,
    Choice,
    Question,
    Report,
    Text,
    accept_short_answer,
    set_choices,
)

# Escaped characters are swapped for private-use characters while the question is taken apart.
ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005"}
ESCAPES |= {"\\~": "\ue006", "\\n": "\ue007"}
RESTORED = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}", "\ue006": "~"}
RESTORED |= {"\ue007": "\n"}
ESCAPE_RE = re.compile(r"\\[\\:#={}~n]")
PLACEHOLDERS = str.maketrans("", "", "".join(RESTORED))
TITLE_RE = re.compile(r"\s*::(.*?)::", re.DOTALL)
FORMAT_RE = re.compile(r"\s*\[(html|moodle|markdown|plain)\]")
WEIGHT_RE = re.compile(r"\s*%\s*(-?\d+(?:\.\d+)?)\s*%")
TRUE_FALSE_RE = re.compile(r"(T|TRUE|F|FALSE)")
BLANK = "_____"


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    weight: float | None
    text: Text
    feedback: Text | None

    @property
    def full_credit(self) -> bool:
        return (self.marker == "=" and self.weight is None) or self.weight == 100


def _restore(text: str) -> str:
    return "".join(RESTORED.get(char, char) for char in text)


def _text(raw: str, default_format: str) -> Text:
    """A text as GIFT writes it: its own [format] or the question's; moodle and plain text on one line."""
    found = FORMAT_RE.match(raw)
    text_format = found.group(1) if found else default_format
    body = raw[found.end() :] if found else raw
    if text_format in (MOODLE, "plain"):
        body = re.sub(r"\s+", " ", body)  # a line break in the file is a space, \n a real one
    return Text(text_format, _restore(body).strip())


def _chunks(text: str) -> list[tuple[int, str]]:
    """Each question's text with the number of its first line; comments left out."""
    chunks: list[tuple[int, str]] = []
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if lines:
                chunks.append((start, "\n".join(lines)))
                lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        chunks.append((start, "\n".join(lines)))
    return chunks


def parse_gift(text: str, source: str = "") -> Bank:
    """The questions of a GIFT file (already decoded), each unsupported one reported with its line."""
    text = ESCAPE_RE.sub(lambda m: ESCAPES[m.group(0)], text.translate(PLACEHOLDERS))
    bank = Bank()
    for start, chunk in _chunks(text):
        stripped = chunk.lstrip()
        if stripped.startswith("$CATEGORY:"):
            first, _, rest = stripped.partition("\n")
            bank.quiz(_restore(first.removeprefix("$CATEGORY:")).strip())
            if not rest.strip():
                continue
            start, chunk = start + 1, rest
        _question(bank, start, chunk, source)
    if not bank.questions and not bank.skipped:
        raise BankError(f"{source}: no GIFT questions found (a question is text followed by answers in braces)")
    return bank


def _line_of(chunk: str, index: int, start: int) -> int:
    return start + chunk.count("\n", 0, index)


def _question(bank: Bank, start: int, chunk: str, source: str) -> None:
    where = str(start)
    rest, title = chunk, ""
    titled = TITLE_RE.match(rest)
    if titled:
        title = _restore(re.sub(r"\s+", " ", titled.group(1))).strip()
        rest = rest[titled.end() :]
    named = f" '{title}'" if title else ""
    found = FORMAT_RE.match(rest)
    question_format = found.group(1) if found else MOODLE
    offset = len(chunk) - len(rest)
    opening, closing = rest.find("{"), rest.find("}")
    if closing != -1 and (opening == -1 or closing < opening):
        line = _line_of(chunk, offset + closing, start)
        raise BankError(f"{source}:{line}: a '}}' without its '{{' (write \\}} for the character itself)")
    if opening == -1:
        if rest.strip():
            bank.skipped.append(Report(where, f"a description{named}, not a question: no answers in braces"))
        else:
            bank.skipped.append(Report(where, f"the question{named} has no text and no answers"))
        return
    closing = rest.find("}", opening)
    inner = rest[opening + 1 : closing] if closing != -1 else rest[opening + 1 :]
    if closing == -1 or "{" in inner:
        line = _line_of(chunk, offset + opening, start)
        raise BankError(f"{source}:{line}: a '{{' without its '}}' (write \\{{ for the character itself)")
    before, after = rest[:opening], rest[closing + 1 :]
    if "{" in after:
        bank.skipped.append(
            Report(where, f"the question{named} has more than one set of answers in braces (Courseware asks one)")
        )
        return
    if "}" in after:
        line = _line_of(chunk, offset + closing + 1 + after.find("}"), start)
        raise BankError(f"{source}:{line}: a '}}' without its '{{' (write \\}} for the character itself)")
    stem = _text(before, question_format)
    after_text = "" if after.strip().startswith("//") else _text(after, question_format).text
    if after_text:  # the answers fill a blank in the sentence
        stem = Text(stem.format, f"{stem.text} {BLANK} {after_text}".strip())
    if not stem.text:
        bank.skipped.append(Report(where, f"the question{named} has no text before its answers"))
        return
    question = Question(SINGLE, stem, where, title)
    answers, _, general = inner.partition("####")
    if general.strip():
        question.explanation = _text(general, question_format)
    kind = _read_answers(bank, question, answers, question_format, source, _line_of(chunk, offset + opening, start))
    if kind is not None:
        bank.skipped.append(Report(where, f"{kind}{named}: Courseware has no such questions"))
        return
    if question.kind:
        bank.current().questions.append(question)


def _read_answers(bank: Bank, question: Question, answers: str, text_format: str, source: str, line: int) -> str | None:
    """Fill in the question from what its braces hold; returns the kind of an unsupported question."""
    answers = answers.strip()
    if not answers:
        return "an essay question"
    if answers.startswith("#"):
        return "a numerical question"
    if "->" in answers and "=" in answers:
        return "a matching question"
    head = answers.split("#", 1)[0].strip()
    if TRUE_FALSE_RE.fullmatch(head):
        _true_false(question, answers, text_format)
        return None
    parsed = _answers(answers, text_format, source, line)
    if "~" in answers:
        _choices(bank, question, parsed)
    else:
        _short_answer(bank, question, parsed)
    return None


def _true_false(question: Question, answers: str, text_format: str) -> None:
    parts = answers.split("#", 2)
    is_true = parts[0].strip() in ("T", "TRUE")
    wrong = _text(parts[1], text_format) if len(parts) > 1 and parts[1].strip() else None
    right = _text(parts[2], text_format) if len(parts) > 2 and parts[2].strip() else None
    question.kind = TRUE_FALSE
    question.choices = [
        Choice(Text("plain", "True"), is_true, right if is_true else wrong),
        Choice(Text("plain", "False"), not is_true, wrong if is_true else right),
    ]


def _answers(answers: str, text_format: str, source: str, line: int) -> list[_Answer]:
    pieces = re.split(r"(?=[=~])", answers)
    lead = pieces[0].strip()
    if lead and ("=" in answers or "~" in answers):
        raise BankError(f"{source}:{line}: text before the first answer: start each answer with '=' or '~'")
    if lead:  # {answer}: a short answer written without '='
        pieces[0] = "=" + pieces[0]
    else:
        pieces = pieces[1:]
    found: list[_Answer] = []
    for piece in pieces:
        marker, body = piece[0], piece[1:]
        weight = WEIGHT_RE.match(body)
        if weight:
            body = body[weight.end() :]
        text, _, feedback = body.partition("#")
        answer = _Answer(
            marker,
            float(weight.group(1)) if weight else None,
            _text(text, text_format),
            _text(feedback, text_format) if feedback.strip() else None,
        )
        if not answer.text.text:
            raise BankError(f"{source}:{line}: an answer with no text after '{marker}'")
        if answer.weight is not None and not -100 <= answer.weight <= 100:
            raise BankError(f"{source}:{line}: the weight {weight.group(1) if weight else ''}% is not from -100 to 100")
        found.append(answer)
    return found


def _percent(weight: float | None) -> str:
    return f"{weight:g}%"


def _choices(bank: Bank, question: Question, answers: list[_Answer]) -> None:
    offered = [(Choice(a.text, False, a.feedback), 100.0 if a.full_credit else (a.weight or 0.0)) for a in answers]
    fix = ": mark one with '=' and the others '~', or make it a multiple-choice question with weights"
    set_choices(bank, question, offered, any(a.marker == "=" for a in answers), credit="weight", fix=fix)


def _short_answer(bank: Bank, question: Question, answers: list[_Answer]) -> None:
    named = f" '{question.title}'" if question.title else ""
    for answer in answers:
        text = answer.text.text
        if not answer.full_credit:
            bank.notes.append(
                Report(
                    question.where,
                    f"the answer '{text}' gave {_percent(answer.weight)} credit; Courseware gives no part credit, "
                    "so it is left out",
                )
            )
            continue
        accept_short_answer(bank, question, text, answer.feedback)
    if not question.answers:
        bank.skipped.append(Report(question.where, f"the short-answer question{named} has no answer with full credit"))
        question.kind = ""
        return
    question.kind = SHORT_ANSWER
