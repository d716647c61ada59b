"""Writing a bank's questions as ``/// quiz`` blocks, in the format of docs/authoring.md.

One quiz block for each category of the bank (or one for a bank without categories), its id made
from the category's name (or the file's). A question's last paragraph (the question itself, in most
banks) is its ``###`` line and the paragraphs before it (a scenario) the text under it; choices are
``- [x]`` and ``- [ ]`` lines with their feedback indented under them; short answers are
``Answer:`` lines; the general feedback is the ``Explanation:``. Every line is written so that the
quiz block reads it as the text it is (a line of the question's text that starts like a choice, a
field or a heading is escaped), and an id is written only where the one made from the text would
clash or be misread.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from courseware.courses.blocks import slugify, split_id
from courseware.courses.quiz_block import CHOICE_RE, FIELD_RE
from courseware.question_banks.bank import HTML, MOODLE, MULTIPLE, SHORT_ANSWER, Bank, Question, Report, Text
from courseware.question_banks.markup import escape, to_markdown

FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
BLOCK_START_RE = re.compile(r"^(?:([#>+*-])|(\d+)([.)]))(?=\s|$|#)")


def _paragraphs(markdown: str) -> list[list[str]]:
    found: list[list[str]] = [[]]
    for line in markdown.split("\n"):
        if line.strip():
            found[-1].append(line.rstrip())
        elif found[-1]:
            found.append([])
    return [p for p in found if p]


def _guard(line: str) -> str:
    """A line of text inside a quiz block that the block reads as text, whatever it starts with."""
    stripped = line.lstrip()
    if stripped.startswith(("#", "///")) or FENCE_RE.match(line):
        return line[: len(line) - len(stripped)] + "\\" + stripped
    if CHOICE_RE.match(line):
        return "\\" + line
    if FIELD_RE.match(line):
        return line.replace(":", "&#58;", 1)
    return line


def _one_line(markdown: str) -> str:
    """Markdown on one line (a question, a choice, feedback) that stays inline: not a heading or a list."""
    line = " ".join(" ".join(p) for p in _paragraphs(markdown)).strip()
    found = BLOCK_START_RE.match(line)
    if found is None:
        return line
    if found.group(1):
        return "\\" + line
    return found.group(2) + "\\" + line[len(found.group(2)) :]


class _Plain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(text: Text) -> str:
    """A text as the words a learner would type: HTML tags left out, on one line."""
    value = text.text
    if text.format in (HTML, MOODLE):
        parser = _Plain()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    return re.sub(r"\s+", " ", value).strip()


class _Writer:
    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.notes: list[Report] = []

    def markdown(self, text: Text, question: Question) -> str:
        markdown, images = to_markdown(text)
        for alt in images:
            described = f" ('{alt}')" if alt else ""
            self.notes.append(
                Report(
                    question.where,
                    f"an image{described} is left out: add it to the course's media folder and to the question by hand",
                )
            )
        return markdown

    def question(self, question: Question, number: int, seen: set[str]) -> list[str]:
        # The question itself is usually the stem's last paragraph; a scenario before it goes under it.
        paragraphs = _paragraphs(self.markdown(question.stem, question))
        prompt = _one_line("\n".join(paragraphs.pop())) if paragraphs else question.title or f"Question {number}"
        question_id = slugify(prompt)
        if question_id in seen or split_id(prompt)[1] is not None:
            question_id = next(
                f"question-{n}" for n in range(number, 2 * number + len(seen)) if f"question-{n}" not in seen
            )
            prompt += f" {{#{question_id}}}"
        seen.add(question_id)
        lines = [f"### {prompt}"]
        for index, paragraph in enumerate(paragraphs):
            lines += ([""] if index else []) + [_guard(line) for line in paragraph]
        if question.kind == MULTIPLE and sum(c.correct for c in question.choices) < 2:
            lines.append("Type: multiple")
        lines.append("")
        choice_ids: set[str] = set()
        for index, choice in enumerate(question.choices, start=1):
            label = _one_line(self.markdown(choice.text, question)) or f"Choice {index}"
            choice_id = slugify(label)
            if choice_id in choice_ids or split_id(label)[1] is not None:
                choice_id = f"choice-{index}"
                label += f" {{#{choice_id}}}"
            choice_ids.add(choice_id)
            lines.append(f"- [{'x' if choice.correct else ' '}] {label}")
            if choice.feedback:
                feedback = _one_line(self.markdown(choice.feedback, question))
                if feedback:
                    lines.append(f"    {feedback}")
        if question.kind == SHORT_ANSWER:
            lines += [f"Answer: {answer}" for answer in question.answers]
        explanation = self.explanation(question)
        if explanation:
            lines += ["", f"Explanation: {explanation[0]}", *explanation[1:]]
        return lines

    def explanation(self, question: Question) -> list[str]:
        """The general feedback, and a short answer's feedback on each accepted answer, as one paragraph."""
        lines: list[str] = []
        if question.explanation:
            lines += [line for p in _paragraphs(self.markdown(question.explanation, question)) for line in p]
        for answer, feedback in question.answer_feedback:
            said = _one_line(self.markdown(feedback, question))
            if said:
                lines.append(f"For the answer *{escape(answer)}*: {said}")
        return [_guard(line) for line in lines]


def quiz_title(category: str) -> str:
    """The last part of a category's path: '$course$/top/Trauma-informed schools/Core ideas' -> 'Core ideas'."""
    parts = [p.strip() for p in category.split("/") if p.strip() and p.strip() not in ("$course$", "$system$", "top")]
    return re.sub(r"\s+", " ", parts[-1]).replace("|", "/") if parts else ""


def write_quizzes(bank: Bank, name: str) -> tuple[str, list[Report]]:
    """The bank's questions as quiz blocks, and notes on what they leave out. ``name`` (the file's)
    names a quiz whose category has no name."""
    writer = _Writer(bank)
    blocks: list[str] = []
    quiz_ids: set[str] = set()
    for quiz in bank.quizzes:
        if not quiz.questions:
            continue
        title = quiz_title(quiz.category)
        base = slugify(title or name)
        quiz_id = base
        count = 1
        while quiz_id in quiz_ids:
            count += 1
            quiz_id = f"{base}-{count}"
        quiz_ids.add(quiz_id)
        lines = [f"/// quiz | {title}" if title else "/// quiz", f"    id: {quiz_id}", ""]
        seen: set[str] = set()
        for number, question in enumerate(quiz.questions, start=1):
            lines += [*writer.question(question, number, seen), ""]
        lines[-1] = "///"
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else ""), writer.notes
