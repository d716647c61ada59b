"""Reading a Moodle XML question bank into a ``Bank``.

The file is parsed with defusedxml, which refuses a document type declaration's entities and
external references, so that nothing is fetched or expanded. The root must be ``<quiz>``; each
``<question type="category">`` starts a new quiz. Read: ``multichoice`` (single or multiple answers,
by ``<single>``), ``truefalse`` and ``shortanswer``, with the question's text, its general feedback
and each answer's fraction and feedback. Every other type (matching, numerical, essay, cloze,
calculated, drag and drop, description, ...) is reported by its place in the bank (question 3,
'its name') and not imported.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from courseware.question_banks.bank import (
    HTML,
    MARKDOWN,
    MOODLE,
    PLAIN,
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
    decode_utf8,
    set_choices,
)

ENCODING_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
FORMATS = {"html": HTML, "moodle_auto_format": MOODLE, "plain_text": PLAIN, "markdown": MARKDOWN}
TYPE_NAMES = {
    "matching": "a matching question",
    "numerical": "a numerical question",
    "essay": "an essay question",
    "multianswer": "an embedded-answers (cloze) question",
    "calculated": "a calculated question",
    "calculatedsimple": "a simple calculated question",
    "calculatedmulti": "a calculated multiple-choice question",
    "ddwtos": "a drag-and-drop into text question",
    "ddimageortext": "a drag-and-drop onto image question",
    "ddmarker": "a drag-and-drop markers question",
    "gapselect": "a select-missing-words question",
    "randomsamatch": "a random short-answer matching question",
    "ordering": "an ordering question",
    "random": "a random question",
}


def _text(element: Element | None, default: str = HTML) -> Text | None:
    """The ``<text>`` of an element such as ``<questiontext format="html">``, or None when empty."""
    if element is None:
        return None
    body = element.findtext("text") or ""
    if not body.strip():
        return None
    return Text(FORMATS.get(element.get("format", ""), default), body.strip())


def _fraction(answer: Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def parse_moodle_xml(data: bytes, source: str = "") -> Bank:
    """The questions of a Moodle XML file, each unsupported one reported by its number and name."""
    declared = ENCODING_RE.match(data)
    if declared is None or declared.group(1).decode("ascii").lower().replace("_", "-") in ("utf-8", "utf8"):
        decode_utf8(data, source)  # says where a file that should be UTF-8 is not
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise BankError(f"{source}: the file declares a document type or entities, which are refused ({exc})") from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise BankError(f"{source}:{line}: not well-formed XML (column {column + 1})") from exc
    if root.tag != "quiz":
        raise BankError(f"{source}: not a Moodle XML question bank: its root element is <{root.tag}>, not <quiz>")
    bank = Bank()
    number = 0
    for element in root.findall("question"):
        kind = element.get("type", "")
        if kind == "category":
            bank.quiz((element.findtext("category/text") or "").strip())
            continue
        number += 1
        name = " ".join((element.findtext("name/text") or "").split())
        where = f"question {number}" + (f" '{name}'" if name else "")
        _question(bank, element, kind, where, name)
    if not bank.questions and not bank.skipped:
        raise BankError(f"{source}: the Moodle XML file has no questions")
    return bank


def _question(bank: Bank, element: Element, kind: str, where: str, name: str) -> None:
    if kind == "description":
        bank.skipped.append(Report(where, "a description, not a question: its text is not imported"))
        return
    if kind not in ("multichoice", "truefalse", "shortanswer"):
        described = TYPE_NAMES.get(kind, f"a question of type '{kind}'" if kind else "a question with no type")
        bank.skipped.append(Report(where, f"{described}: Courseware has no such questions"))
        return
    stem = _text(element.find("questiontext"))
    if stem is None:
        bank.skipped.append(Report(where, "the question has no text"))
        return
    question = Question(SINGLE, stem, where, name, explanation=_text(element.find("generalfeedback")))
    answers = element.findall("answer")
    if kind == "shortanswer":
        _short_answer(bank, question, answers)
    elif kind == "truefalse":
        _true_false(bank, question, answers)
    else:
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        _choices(bank, question, answers, single)
    if question.kind:
        bank.current().questions.append(question)


def _choice(answer: Element, correct: bool) -> Choice | None:
    text = _text(answer, default=MOODLE)
    if text is None:
        return None
    return Choice(text, correct, _text(answer.find("feedback")))


def _choices(bank: Bank, question: Question, answers: list[Element], single: bool) -> None:
    choices = [_choice(a, False) for a in answers]
    if any(c is None for c in choices):
        bank.skipped.append(Report(question.where, "an answer of the question has no text"))
        question.kind = ""
        return
    offered = [(c, _fraction(a)) for a, c in zip(answers, choices, strict=True) if c is not None]
    set_choices(bank, question, offered, single, credit="fraction")


def _true_false(bank: Bank, question: Question, answers: list[Element]) -> None:
    by_value: dict[str, Element] = {}
    for answer in answers:
        value = (answer.findtext("text") or "").strip().lower()
        by_value[value] = answer
    if set(by_value) != {"true", "false"}:
        bank.skipped.append(Report(question.where, "a true/false question needs the answers 'true' and 'false'"))
        question.kind = ""
        return
    is_true = _fraction(by_value["true"]) >= 100
    if is_true == (_fraction(by_value["false"]) >= 100):
        bank.skipped.append(Report(question.where, "a true/false question needs exactly one answer with full credit"))
        question.kind = ""
        return
    question.kind = TRUE_FALSE
    question.choices = [
        Choice(Text(PLAIN, "True"), is_true, _text(by_value["true"].find("feedback"))),
        Choice(Text(PLAIN, "False"), not is_true, _text(by_value["false"].find("feedback"))),
    ]


def _short_answer(bank: Bank, question: Question, answers: list[Element]) -> None:
    for answer in answers:
        text = " ".join((answer.findtext("text") or "").split())
        fraction = _fraction(answer)
        if not text:
            continue
        if fraction < 100:
            if fraction > 0:
                bank.notes.append(
                    Report(
                        question.where,
                        f"the answer '{text}' gave {fraction:g}% credit; Courseware gives no part credit, so it is "
                        "left out",
                    )
                )
            else:
                bank.notes.append(
                    Report(
                        question.where,
                        f"the wrong answer '{text}' and its feedback are left out: Courseware lists "
                        "only the answers it accepts",
                    )
                )
            continue
        accept_short_answer(bank, question, text, _text(answer.find("feedback")))
    if not question.answers:
        bank.skipped.append(Report(question.where, "the short-answer question has no answer with full credit"))
        question.kind = ""
        return
    question.kind = SHORT_ANSWER
