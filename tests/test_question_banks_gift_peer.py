"""The GIFT samples read by an independent parser, gift-pegjs (npm, run with Node), and by ours, question
by question: the kind, the title, the stem, the choices and which are right, the feedback and the category.

gift-pegjs is installed by ``npm ci`` in tests/peers/gift/. Where it and Moodle name things differently,
Moodle's reading is ours, and the mapping is written out below.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from courseware.question_banks.bank import MULTIPLE, SHORT_ANSWER, SINGLE, TRUE_FALSE, Question, Text, decode_utf8
from courseware.question_banks.gift import parse_gift

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "tests" / "peers" / "gift"
SAMPLES = sorted((ROOT / "tests" / "fixtures" / "question_banks").glob("*.gift"))
# What our report says first about a question Courseware does not import, by gift-pegjs's type.
UNSUPPORTED = {
    "Matching": "a matching question",
    "Numerical": "a numerical question",
    "Essay": "an essay question",
    "Description": "a description",
}


def peer_questions() -> dict[str, list[dict]]:
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the GIFT comparison runs gift-pegjs with node")
    if not (PEER / "node_modules" / "gift-pegjs").is_dir():
        pytest.skip("gift-pegjs is not installed: run 'npm ci' in tests/peers/gift")
    done = subprocess.run(
        ["node", str(PEER / "parse.js"), *map(str, SAMPLES)], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def words(text: dict | Text | None) -> str | None:
    """A text with its spaces and line breaks made single spaces (gift-pegjs keeps an HTML text's lines)."""
    if text is None:
        return None
    value = text["text"] if isinstance(text, dict) else text.text
    return " ".join(value.split()) or None


def expected(question: dict) -> dict:
    """What our reading must find, from gift-pegjs's."""
    found = {"title": question["title"], "stem": (question["stem"]["format"], words(question["stem"]))}
    found["explanation"] = words(question.get("globalFeedback"))
    kind = question["type"]
    if kind == "TF":
        # gift-pegjs calls the two feedbacks of {T#...#...} "trueFeedback" and "falseFeedback" by their
        # place; Moodle reads the first as the feedback on a wrong answer and the second on a right one.
        right, wrong = (True, False) if question["isTrue"] else (False, True)
        found |= {"kind": TRUE_FALSE, "right": [right, wrong]}
        found["feedback"] = [words(question["falseFeedback"]), words(question["trueFeedback"])]
        if not question["isTrue"]:
            found["feedback"].reverse()
        return found
    choices = question["choices"]
    if kind == "Short":
        # Part credit is not Courseware's: an answer with a weight under 100 is left out.
        accepted = [c for c in choices if c["weight"] in (None, 100)]
        return found | {"kind": SHORT_ANSWER, "answers": [words(c["text"]) for c in accepted]}
    # Moodle: an '=' makes one answer right; without one, learners pick every answer with a positive weight.
    single = any(c["isCorrect"] for c in choices)
    right = [c["isCorrect"] or c["weight"] == 100 if single else (c["weight"] or 0) > 0 for c in choices]
    return found | {
        "kind": SINGLE if single else MULTIPLE,
        "choices": [(c["text"]["format"], words(c["text"])) for c in choices],
        "right": right,
        "feedback": [words(c["feedback"]) for c in choices],
    }


def ours(question: Question) -> dict:
    found = {
        "title": question.title or None,
        "stem": (question.stem.format, words(question.stem)),
        "explanation": words(question.explanation),
        "kind": question.kind,
    }
    if question.kind == SHORT_ANSWER:
        return found | {"answers": question.answers}
    found |= {"right": [c.correct for c in question.choices], "feedback": [words(c.feedback) for c in question.choices]}
    if question.kind != TRUE_FALSE:
        found["choices"] = [(c.text.format, words(c.text)) for c in question.choices]
    return found


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_our_gift_reading_agrees_with_gift_pegjs(sample):
    peer = peer_questions()[str(sample)]
    assert "error" not in peer, f"gift-pegjs cannot read {sample.name}: {peer}"
    bank = parse_gift(decode_utf8(sample.read_bytes(), sample), str(sample))

    theirs: list[tuple[str, dict]] = []  # (category, question) in the file's order
    category = ""
    for question in peer:
        if question["type"] == "Category":
            category = question["title"]
        else:
            theirs.append((category, question))
    imported = [(quiz.category, q) for quiz in bank.quizzes for q in quiz.questions]
    skipped = list(bank.skipped)

    assert len(theirs) == len(imported) + len(skipped)
    for category, question in theirs:
        if question["type"] in UNSUPPORTED:
            report = skipped.pop(0)
            assert report.message.startswith(UNSUPPORTED[question["type"]]), (question, report)
            if question["type"] != "Description":
                assert f"'{question['title']}'" in report.message
            continue
        our_category, our_question = imported.pop(0)
        assert our_category == category
        assert ours(our_question) == expected(question), question["title"]
    assert imported == [] and skipped == []
