"""Quiz answers a learner could guess without knowing them: the warnings of ``flask courses check``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from courseware.courses import compile_course
from courseware.courses.quiz import MULTIPLE, SHORT_ANSWER, SINGLE, TRUE_FALSE, Choice, Question, Quiz
from courseware.courses.quiz_warnings import quiz_warnings

MODULES = Path(__file__).resolve().parent.parent / "modules"


def question(qid: str, *choices: str, right: int = 0, kind: str = SINGLE) -> Question:
    """A question whose choices are labelled as given; ``id:label`` pins a choice's id."""
    made = []
    for index, text in enumerate(choices):
        cid, _, label = text.rpartition(":")
        label_id = "-".join(label.lower().split())
        made.append(Choice(cid or label_id, label, index == right or (kind == MULTIPLE and index <= right)))
    return Question(qid, kind, "Which one?", choices=made)


def quiz(*questions: Question, shuffle: bool = False) -> Quiz:
    return Quiz("check", "Check", "", list(questions), pass_mark=80, attempts=None, shuffle=shuffle)


def messages(found) -> list[str]:
    return [w.message for w in found]


LONG = "the answer that says the most about the matter"


def test_a_right_answer_that_is_the_longest_choice_in_most_questions_is_flagged():
    found = quiz_warnings(
        quiz(
            question("q-one", "short", LONG, right=1),
            question("q-two", LONG, "brief", right=0),
            question("q-three", "tiny", "little", LONG, right=2),
            question("q-four", "a choice long enough to win", "small", right=1),
        )
    )
    assert messages(found) == [
        "in 3 of the 4 single-choice questions of this quiz, the right answer is the longest choice, so learners "
        "can pick it without knowing it: give the wrong choices as much detail as the right one"
    ]
    assert found[0].question is None


def test_the_longest_choice_in_half_the_questions_or_a_tie_is_not_a_pattern():
    half = quiz(
        question("q-one", "short", LONG, right=1),
        question("q-two", "brief", LONG, right=0),
        question("q-three", LONG, "small", right=1),
        question("q-four", "tiny", LONG, right=1),
        shuffle=True,
    )
    assert quiz_warnings(half) == []
    ties = quiz(*(question(f"q-{n}", "same", "also", "more", right=n % 3) for n in range(4)))
    assert quiz_warnings(ties) == []


def test_fewer_than_three_single_choice_questions_prove_nothing():
    found = quiz_warnings(
        quiz(
            question("q-one", "short", LONG, right=1),
            question("q-two", "brief", LONG, right=1),
            question("q-three", "true", "false", right=0, kind=TRUE_FALSE),
            question("q-four", "one", "two longer", "three", right=1, kind=MULTIPLE),
            Question("q-five", SHORT_ANSWER, "Name it", answers=["it"]),
        )
    )
    assert found == []


def test_a_right_answer_in_the_same_place_in_most_questions_is_flagged_unless_choices_are_shuffled():
    questions = [
        question("q-one", "aaa", "bbb", "ccc", right=1),
        question("q-two", "ddd", "eee", "fff", right=1),
        question("q-three", "ggg", "hhh", "iii", right=1),
        question("q-four", "jjj", "kkk", "lll", right=0),
    ]
    assert messages(quiz_warnings(quiz(*questions))) == [
        "in 3 of the 4 single-choice questions of this quiz, the right answer is the second choice, so learners "
        "can pick it without knowing it: move the right answers around, or let the quiz shuffle its choices "
        "(the default; remove 'shuffle: false')"
    ]
    assert quiz_warnings(quiz(*questions, shuffle=True)) == []
    questions[2] = question("q-three", "ggg", "hhh", "iii", right=2)
    assert quiz_warnings(quiz(*questions)) == []


@pytest.mark.parametrize("given", ["correct", "right", "wrong-1", "incorrect", "the-answer", "distractor2"])
def test_a_choice_id_that_says_whether_it_is_right_is_flagged(given):
    found = quiz_warnings(quiz(question("walk", f"{given}:The teacher", "The office", right=0)))
    assert [(w.question, w.message) for w in found] == [
        (
            "walk",
            f"the id of the choice '{given}' says whether it is right, and learners can see ids in the page: use an "
            "id that names the choice, such as 'the-teacher'",
        )
    ]


def test_a_question_id_that_speaks_of_answers_or_holds_the_right_choice_is_flagged():
    speaks = quiz_warnings(quiz(question("answer-b", "A cat", "A dog", right=1)))
    assert messages(speaks) == [
        "the question id 'answer-b' speaks of right or wrong answers, and learners can see ids in the page: use an "
        "id that names the question's subject"
    ]
    holds = quiz_warnings(quiz(question("walk-teacher", "teacher:The teacher", "office:The office", right=0)))
    assert messages(holds) == [
        "the question id 'walk-teacher' contains 'teacher', the id of its right choice, and learners can see ids in "
        "the page: use an id that names the question's subject"
    ]


def test_ids_made_from_the_text_true_false_questions_and_short_ids_are_left_alone():
    made_from_text = Question(
        "which-is-the-right-answer",
        SINGLE,
        "Which is the <em>right</em> answer?",
        choices=[Choice("the-right-one", "The right one", True), Choice("the-wrong-one", "The wrong one", False)],
    )
    true_false = question("correct-or-not", "right:True", "wrong:False", right=0, kind=TRUE_FALSE)
    short_id = question("what-is-a-trigger", "a:A cue", "b:A wish", right=0)
    both = question("teacher-or-office", "teacher:The teacher", "office:The office", right=0)
    assert quiz_warnings(quiz(made_from_text, true_false, short_id, both, shuffle=True)) == []


def write_course(tmp_path: Path, quiz_text: str) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Demo\n")
    module = "---\ntitle: One\nminutes: 5\n---\n\n## Check\n\n" + textwrap.dedent(quiz_text).strip() + "\n"
    (folder / "01-one.md").write_text(module)
    return folder


def test_the_compiler_reports_warnings_at_the_quiz_or_the_question(tmp_path):
    folder = write_course(
        tmp_path,
        """
        /// quiz | Check
            id: check
            shuffle: false

        ### One? {#one}

        - [ ] Nope
        - [x] Yes {#correct}

        ### Two? {#two}

        - [ ] Nope
        - [x] Yes

        ### Three? {#three}

        - [ ] Nope
        - [x] Yes
        ///
        """,
    )
    course = compile_course(folder, tmp_path)
    assert course.problems == [] and course.credit_problems == []
    assert [str(w) for w in course.warnings] == [
        "demo/01-one.md:8: in 3 of the 3 single-choice questions of this quiz, the right answer is the second "
        "choice, so learners can pick it without knowing it: move the right answers around, or let the quiz "
        "shuffle its choices (the default; remove 'shuffle: false')",
        "demo/01-one.md:12: the id of the choice 'correct' says whether it is right, and learners can see ids in "
        "the page: use an id that names the choice, such as 'yes'",
    ]


def test_the_reference_course_quizzes_give_nothing_away():
    course = compile_course(MODULES / "compassionate-schools")
    assert course.problems == []
    # None of its warnings is about a quiz: they are the blanks its district box leaves for each district to
    # fill in, and a table's header row (tests/test_compiler.py lists them all).
    assert course.warnings and all(
        "the district has still to fill this in" in w.message or "the table's header row" in w.message
        for w in course.warnings
    )


def test_a_short_answer_question_whose_id_holds_an_accepted_answer_is_flagged():
    telling = Question("mtss-abbreviation", SHORT_ANSWER, "Which abbreviation?", answers=["MTSS", "M.T.S.S."])
    assert messages(quiz_warnings(quiz(telling))) == [
        "the question id 'mtss-abbreviation' contains 'mtss', an accepted answer, and learners can see ids in the "
        "page: use an id that names the question's subject"
    ]
    neutral = Question("tiered-support-abbreviation", SHORT_ANSWER, "Which abbreviation?", answers=["MTSS"])
    assert quiz_warnings(quiz(neutral)) == []
