"""Importing question banks: GIFT and Moodle XML into Markdown quiz blocks that the course check accepts."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courseware.courses import compile_course
from courseware.courses.quiz import MULTIPLE, SHORT_ANSWER, SINGLE, TRUE_FALSE
from courseware.question_banks import bank as bank_module
from courseware.question_banks.bank import BankError
from courseware.question_banks.gift import parse_gift
from courseware.question_banks.markup import escape, html_to_markdown
from courseware.question_banks.moodle_xml import parse_moodle_xml
from courseware.question_banks.quiz_markdown import write_quizzes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "question_banks"
GIFT = FIXTURES / "trauma-informed-basics.gift"
STAFF_GIFT = FIXTURES / "school-staff.gift"
MOODLE_XML = FIXTURES / "safety-and-relationships.xml"


def gift(text: str):
    return parse_gift(textwrap.dedent(text).strip() + "\n", "bank.gift")


def course_with(tmp_path: Path, quizzes: str, minutes: int = 30) -> Path:
    """A course whose one page holds the imported quiz blocks, as an author would paste them."""
    folder = tmp_path / "imported"
    folder.mkdir()
    (folder / "course.yml").write_text("title: Imported questions\n")
    module = f"---\ntitle: Imported\nminutes: {minutes}\n---\n\n## Check your understanding\n\n{quizzes}"
    (folder / "01-imported.md").write_text(module, encoding="utf-8")
    return folder


def compiled_quizzes(tmp_path: Path, quizzes: str):
    course = compile_course(course_with(tmp_path, quizzes), tmp_path)
    assert [str(p) for p in course.problems] == []
    return [segment.quiz for page in course.pages for segment in page.segments if getattr(segment, "quiz", None)]


# --- GIFT -------------------------------------------------------------------------------------------------------


def test_each_kind_of_gift_question_is_read_with_its_feedback():
    bank = gift(
        """
        // a comment before the category
        $CATEGORY: $course$/top/Core ideas

        ::Alarm::Which part of the brain takes over under threat? {
          ~The planning part#It goes quiet.
          =The alarm system#Yes.
          ####It acts before reasoning can.
        }

        ::Records::Records always arrive before the student. {F#They can take weeks.#Right.}

        ::Signs::Which are signs of stress? {~%50%Clenched fists ~%50%Hiding ~%-100%A question}

        ::ACEs::ACEs stands for {=Adverse Childhood Experiences#Right. =adverse childhood experience}
        """
    )
    assert bank.skipped == [] and bank.notes == []
    [quiz] = bank.quizzes
    assert quiz.category == "$course$/top/Core ideas"
    alarm, records, signs, aces = quiz.questions
    assert (alarm.kind, alarm.title, alarm.where, alarm.stem.text) == (
        SINGLE,
        "Alarm",
        "4",
        "Which part of the brain takes over under threat?",
    )
    assert [(c.text.text, c.correct, c.feedback and c.feedback.text) for c in alarm.choices] == [
        ("The planning part", False, "It goes quiet."),
        ("The alarm system", True, "Yes."),
    ]
    assert alarm.explanation and alarm.explanation.text == "It acts before reasoning can."
    # {F#for a wrong answer#for a right one}: the first feedback goes with the wrong choice, True.
    assert [(c.text.text, c.correct, c.feedback and c.feedback.text) for c in records.choices] == [
        ("True", False, "They can take weeks."),
        ("False", True, "Right."),
    ]
    assert records.kind == TRUE_FALSE
    assert signs.kind == MULTIPLE and [c.correct for c in signs.choices] == [True, True, False]
    assert aces.kind == SHORT_ANSWER
    assert aces.answers == ["Adverse Childhood Experiences", "adverse childhood experience"]
    assert [(a, f.text) for a, f in aces.answer_feedback] == [("Adverse Childhood Experiences", "Right.")]


def test_gift_escapes_formats_and_a_blank_in_the_sentence():
    bank = gift(
        r"""
        ::Escapes \: all::Use \= for right, \~ for wrong, \# for feedback, \{ and \} and \\ as typed.\nNext line. {
          =An equals sign \=#Right\: it marks the answer.
          ~A tilde
        }

        A quiet place to reset is a {=calm corner =reset space} used without punishment.

        ::Plain::[plain]Do <b> tags and *stars* stay as typed? {T}
        """
    )
    escapes, blank, plain = bank.questions
    assert escapes.title == "Escapes : all"
    assert escapes.stem.text == "Use = for right, ~ for wrong, # for feedback, { and } and \\ as typed.\nNext line."
    assert escapes.choices[0].text.text == "An equals sign ="
    assert escapes.choices[0].feedback and escapes.choices[0].feedback.text == "Right: it marks the answer."
    assert blank.stem.text == "A quiet place to reset is a _____ used without punishment."
    assert blank.answers == ["calm corner", "reset space"]
    assert (plain.stem.format, plain.stem.text) == ("plain", "Do <b> tags and *stars* stay as typed?")
    assert plain.choices[0].correct is True


def test_gift_questions_courseware_cannot_ask_are_reported_with_their_line_never_dropped():
    bank = gift(
        """
        ::Match::Match each response. {=Fight -> shouting =Flight -> leaving}

        ::Number::How many ACE categories? {#10}

        ::Essay::Describe your morning routine. {}

        A description between questions.

        ::Two right::Which adult? {=The teacher =The counselor ~Nobody}

        ::None right::Which adult? {~The teacher ~Nobody}

        ::Two blanks::First {=regulate}, then {=relate}.

        ::Kept::Is this imported? {T}
        """
    )
    assert [(r.where, r.message.split(":")[0]) for r in bank.skipped] == [
        ("1", "a matching question 'Match'"),
        ("3", "a numerical question 'Number'"),
        ("5", "an essay question 'Essay'"),
        ("7", "a description, not a question"),
        ("9", "the question 'Two right' gives full credit for 2 answers, and a single-choice question in "
              "Courseware has one right choice"),
        ("11", "the question 'None right' has no right choice"),
        ("13", "the question 'Two blanks' has more than one set of answers in braces (Courseware asks one)"),
    ]  # fmt: skip
    assert [q.title for q in bank.questions] == ["Kept"]


def test_part_credit_and_wildcards_are_noted_where_they_change_the_question():
    bank = gift(
        """
        ::Meet::Who should a new student meet first? {=The named adult ~%50%Any adult in the office ~A classmate}

        ::Term::The term is {=mandated reporter =%50%reporter =report*}
        """
    )
    assert [(n.where, n.message) for n in bank.notes] == [
        ("1", "the choice 'Any adult in the office' gave 50% credit; Courseware gives no part credit, so it is a "
              "wrong choice"),
        ("3", "the answer 'reporter' gave 50% credit; Courseware gives no part credit, so it is left out"),
        ("3", "the answer 'report*' has a wildcard '*', which Courseware cannot match: left out"),
    ]  # fmt: skip
    assert bank.questions[1].answers == ["mandated reporter"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Which adult? {=The teacher ~Nobody\n", "bank.gift:1: a '{' without its '}'"),
        ("Which adult?\n=The teacher ~Nobody}\n", "bank.gift:2: a '}' without its '{'"),
        ("Which {adult? {=The teacher ~Nobody}\n", "bank.gift:1: a '{' without its '}'"),
        ("Which adult? {=The teacher ~Nobody} and } more\n", "bank.gift:1: a '}' without its '{'"),
        ("Which adult? {teacher =The teacher ~Nobody}\n", "bank.gift:1: text before the first answer"),
        ("Which adult? {=The teacher ~%150%Nobody}\n", "bank.gift:1: the weight 150% is not from -100 to 100"),
        ("Which adult? {= ~Nobody}\n", "bank.gift:1: an answer with no text after '='"),
        ("// only a comment\n", "bank.gift: no GIFT questions found"),
    ],
)
def test_malformed_gift_is_refused_with_its_line(text, message):
    with pytest.raises(BankError) as error:
        parse_gift(text, "bank.gift")
    assert str(error.value).startswith(message)


# --- Moodle XML ----------------------------------------------------------------------------------------------------


def test_moodle_xml_questions_are_read_and_the_others_reported_by_number_and_name():
    bank = parse_moodle_xml(MOODLE_XML.read_bytes(), "bank.xml")
    assert [(q.category.rsplit("/", 1)[-1], [x.title for x in q.questions]) for q in bank.quizzes] == [
        ("Safety and relationships", ["First adult", "Belonging routines", "Restraint as discipline",
                                      "Mandated reporter", "Calm-down plan picture"]),
        ("Reflection", ["Relationships first"]),
    ]  # fmt: skip
    first, routines, restraint, reporter, picture = bank.quizzes[0].questions
    assert first.kind == SINGLE and [c.correct for c in first.choices] == [False, True, False]
    assert first.explanation and "welcome card" in first.explanation.text
    assert routines.kind == MULTIPLE and [c.correct for c in routines.choices] == [True, True, False]
    assert restraint.kind == TRUE_FALSE and [(c.correct, bool(c.feedback)) for c in restraint.choices] == [
        (False, True),
        (True, True),
    ]
    assert reporter.kind == SHORT_ANSWER and reporter.answers == ["mandated reporter", "mandatory reporter"]
    assert [r.where for r in bank.skipped] == [
        "question 6 'Match the role'",
        "question 7 'Minutes to calm'",
        "question 8 'Your safe adult'",
        "question 9 'Cloze: regulate, relate, reason'",
        "question 10 'Drag the steps'",
        "question 11 'About this section'",
    ]
    assert [r.message.split(":")[0] for r in bank.skipped] == [
        "a matching question",
        "a numerical question",
        "an essay question",
        "an embedded-answers (cloze) question",
        "a drag-and-drop into text question",
        "a description, not a question",
    ]
    assert picture.stem.format == "html"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<html><body>Not a bank</body></html>",
            "bank.xml: not a Moodle XML question bank: its root element is <html>",
        ),
        (b"<quiz><question type='truefalse'>", "bank.xml:1: not well-formed XML"),
        (b"<?xml version='1.0'?>\n<quiz>caf\xe9</quiz>", "bank.xml:2: the file is not UTF-8 text"),
        (b"<quiz></quiz>", "bank.xml: the Moodle XML file has no questions"),
        (
            b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><quiz>&b;</quiz>',
            "bank.xml: the file declares a document type or entities, which are refused",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "http://example.com/quiz.dtd"><quiz/>',
            "bank.xml: the file declares a document type or entities, which are refused",
        ),
    ],
)
def test_xml_that_is_not_a_moodle_bank_is_refused(data, message):
    with pytest.raises(BankError) as error:
        parse_moodle_xml(data, "bank.xml")
    assert str(error.value).startswith(message)


def test_a_moodle_xml_file_in_another_declared_encoding_is_read():
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><quiz><question type="truefalse"><name><text>Caf\xe9</text></name>'
        '<questiontext format="html"><text>The caf\xe9 is a calm place.</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question></quiz>"
    ).encode("latin-1")
    [question] = parse_moodle_xml(data, "bank.xml").questions
    assert question.stem.text == "The café is a calm place."


# --- Markdown -----------------------------------------------------------------------------------------------------


def test_html_becomes_markdown_without_scripts_unsafe_links_or_images():
    markdown, images = html_to_markdown(
        '<p>Stay <strong>calm</strong> &amp; <em>kind</em>.<script>alert("x")</script></p>'
        '<ul><li>Breathe</li><li>Wait</li></ul><p><a href="javascript:alert(1)">click</a> '
        '<a href="https://www.samhsa.gov/">SAMHSA</a> <img src="x.png" alt="a card"> 2 < 3 *</p>'
        "<style>p { color: red }</style>"
    )
    assert markdown == (
        "Stay **calm** &amp; *kind*.\n\n- Breathe\n- Wait\n\n"
        "click [SAMHSA](<https://www.samhsa.gov/>) (image: a card) 2 &lt; 3 \\*"
    )
    assert images == ["a card"]


def test_html_emphasis_code_and_tables_stay_readable_as_markdown():
    markdown, _ = html_to_markdown(
        "<p>A<b> calm </b>voice, <code>a*b_c</code>, <i></i>no marker.</p>"
        "<table><tr><th>Before</th><th>After</th></tr><tr><td>Alarm</td><td>Calm</td></tr></table>"
    )
    assert markdown == "A **calm** voice, `a*b_c`, no marker.\n\nBefore After\n\nAlarm Calm"


def test_plain_text_is_escaped_so_that_it_shows_as_typed():
    assert escape("# not a heading *or* <b>bold</b> [link](x) & more") == (
        "\\# not a heading \\*or\\* &lt;b>bold&lt;/b> \\[link\\](x) &amp; more"
    )
    assert escape("1. not a list\n- nor this\n: nor a definition") == (
        "1\\. not a list\n\\- nor this\n&#58; nor a definition"
    )


def test_the_gift_sample_passes_the_course_check_with_every_question_as_the_bank_has_it(tmp_path):
    bank = parse_gift(GIFT.read_text(encoding="utf-8"), str(GIFT))
    markdown, notes = write_quizzes(bank, GIFT.stem)
    [quiz] = compiled_quizzes(tmp_path, markdown)
    assert notes == []
    assert quiz.id == "core-ideas" and quiz.title == "Core ideas"
    assert len(quiz.questions) == len(bank.questions) == 12
    for imported, compiled in zip(bank.questions, quiz.questions, strict=True):
        assert compiled.type == imported.kind
        assert [c.correct for c in compiled.choices] == [c.correct for c in imported.choices]
        assert compiled.answers == imported.answers
        assert bool(compiled.explanation_html) == bool(imported.explanation or imported.answer_feedback)
        assert [bool(c.feedback_html) for c in compiled.choices] == [bool(c.feedback) for c in imported.choices]
    by_type = {q.prompt_html: q for q in quiz.questions}
    html = next(q for q in quiz.questions if q.prompt_html.startswith("Jaylen"))
    assert html.prompt_html.endswith(
        "puts his head down after a loud fire drill. What is the <em>best</em> first step?"
    )
    assert "<strong>slams</strong> his book shut &amp;" in html.prompt_html
    assert html.details_html == "<p>Read the situation.</p>"
    assert html.choices[0].html == "Lower your voice and offer a <em>quiet</em> choice"
    assert "In a plain-text question, do &lt;b&gt; tags and *stars* stay as typed?" in by_type
    escapes = next(q for q in quiz.questions if q.prompt_html.startswith("Which symbol"))
    assert escapes.prompt_html.endswith("as in = or ~ or { }?")


def test_the_moodle_sample_passes_the_course_check_in_two_quizzes(tmp_path):
    bank = parse_moodle_xml(MOODLE_XML.read_bytes(), str(MOODLE_XML))
    markdown, notes = write_quizzes(bank, MOODLE_XML.stem)
    safety, reflection = compiled_quizzes(tmp_path, markdown)
    assert (safety.id, reflection.id) == ("safety-and-relationships", "reflection")
    assert [q.type for q in safety.questions] == [SINGLE, MULTIPLE, TRUE_FALSE, SHORT_ANSWER, SINGLE]
    first = safety.questions[0]
    assert first.prompt_html == "Which adult should she go to <strong>first</strong>?"
    assert "Amira joined the class yesterday" in first.details_html
    picture = safety.questions[4]
    assert "<script" not in picture.details_html and "alert" not in picture.details_html
    assert "(image: A calm-down plan on a card)" in picture.details_html
    assert [n.message.split(":")[0] for n in notes] == ["an image ('A calm-down plan on a card') is left out"]
    reporter = safety.questions[3]
    assert '<a href="https://www.childwelfare.gov/"' in reporter.explanation_html
    assert ">mandated reporter</a>" in reporter.explanation_html


def test_text_that_looks_like_quiz_syntax_stays_text(tmp_path):
    bank = gift(
        r"""
        ::Tricky::[markdown]Answer\: read this first.\n\n- [x] not a choice\n\n/// not a block\n\n
        ### Which one \{#is-it\}? {
          =[plain]Explanation\: this one \{\#mine\}
          ~Type\: that one
        }

        ::Same words::### Which one \{#is-it\}? {=This ~That}
        """
    )
    markdown, _ = write_quizzes(bank, "tricky")
    [quiz] = compiled_quizzes(tmp_path, markdown)
    tricky, same = quiz.questions
    assert tricky.prompt_html == "### Which one {#is-it}?"  # shown as written, not a heading nor an id
    assert "Answer: read this first." in tricky.details_html and "- [x] not a choice" in tricky.details_html
    assert "/// not a block" in tricky.details_html
    assert [c.html for c in tricky.choices] == ["Explanation: this one {#mine}", "Type: that one"]
    assert tricky.id != same.id


# --- The commands -------------------------------------------------------------------------------------------------


def test_import_gift_writes_quiz_blocks_that_flask_courses_check_accepts(runner, tmp_path):
    output = tmp_path / "quizzes.md"
    result = runner.invoke(args=["courses", "import-gift", str(STAFF_GIFT), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "5 questions imported in 1 quiz block into" in result.output
    folder = course_with(tmp_path, output.read_text(encoding="utf-8"), minutes=10)
    checked = runner.invoke(args=["courses", "check", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "imported: ok" in checked.output


def test_import_moodle_xml_lists_what_it_did_not_import_and_exits_with_1(runner, tmp_path):
    result = runner.invoke(args=["courses", "import-moodle-xml", str(MOODLE_XML)])
    assert result.exit_code == 1
    assert "/// quiz | Safety and relationships" in result.stdout
    assert f"{MOODLE_XML}:question 6 'Match the role': not imported: a matching question" in result.stderr
    assert "6 questions imported in 2 quiz blocks; 6 questions not imported (listed above)" in result.stderr
    folder = course_with(tmp_path, result.stdout)
    assert runner.invoke(args=["courses", "check", str(folder)]).exit_code == 0


def test_import_gift_lists_unsupported_questions_with_their_lines(runner):
    result = runner.invoke(args=["courses", "import-gift", str(GIFT)])
    assert result.exit_code == 1
    assert f"{GIFT}:65: not imported: a matching question 'Match the response'" in result.stderr
    assert f"{GIFT}:71: not imported: a numerical question 'ACE score'" in result.stderr
    assert f"{GIFT}:73: not imported: an essay question 'Reflection'" in result.stderr
    assert f"{GIFT}:75: not imported: a description, not a question" in result.stderr
    assert f"{GIFT}:43: note: the choice 'Any adult in the front office' gave 50% credit" in result.stderr


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("import-gift", b"", "the file is empty"),
        ("import-gift", b"  \n\n", "the file is empty"),
        ("import-gift", b"Which adult? {=The teacher ~caf\xe9}\n", ":1: the file is not UTF-8 text (byte 0xe9)"),
        ("import-gift", b"::Q::Which adult? {=The teacher ~Nobody\n", ":1: a '{' without its '}'"),
        ("import-moodle-xml", b"<html/>", "not a Moodle XML question bank"),
        ("import-moodle-xml", b"not xml at all", ":1: not well-formed XML"),
    ],
)
def test_a_file_that_is_no_bank_exits_with_2_and_a_message(runner, tmp_path, command, content, message):
    path = tmp_path / "bank.txt"
    path.write_bytes(content)
    output = tmp_path / "out.md"
    result = runner.invoke(args=["courses", command, str(path), "--output", str(output)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert message in result.stderr and "Traceback" not in result.output
    assert not output.exists()


def test_a_missing_file_a_file_too_large_and_an_existing_output_exit_with_2(runner, tmp_path, monkeypatch):
    missing = runner.invoke(args=["courses", "import-gift", str(tmp_path / "missing.gift")])
    assert missing.exit_code == 2 and "missing.gift: cannot be read" in missing.stderr
    monkeypatch.setattr(bank_module, "MAX_FILE_BYTES", 1024)
    big = tmp_path / "big.gift"
    big.write_text("Is this file large? {T}\n\n" * 100)
    result = runner.invoke(args=["courses", "import-gift", str(big)])
    assert result.exit_code == 2 and "a GIFT file of at most" in result.stderr
    monkeypatch.undo()
    output = tmp_path / "module.md"
    output.write_text("An author's module.\n")
    result = runner.invoke(args=["courses", "import-gift", str(STAFF_GIFT), "-o", str(output)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert output.read_text() == "An author's module.\n"


# --- Any input ----------------------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["Which adult", "calm", "?", ":", "\\:", "\\=", "\\~", "\\#", "\\{", "\\}", "\\n", "\\\\", "é", "*", "_",
     "<p>", "</p>", "<b>", "&amp;", "[x]", "- [x] ", "###", "///", "Answer: ", "Type: ", "{#id}", "1.", "#", "\n", " "]
)  # fmt: skip
TEXT = st.lists(WORDS, min_size=1, max_size=6).map("".join)
FORMAT = st.sampled_from(["", "[html]", "[plain]", "[markdown]", "[moodle]"])
ANSWER = st.tuples(
    st.sampled_from(["=", "~"]), st.sampled_from(["", "%50%", "%-100%", "%100%"]), FORMAT, TEXT,
    st.sampled_from(["", "#", "#Yes\\: right", "#<b>Not</b> this"]),
).map("".join)  # fmt: skip
ANSWERS = st.one_of(
    st.sampled_from(["T", "TRUE", "F#wrong#right", "FALSE####Because.", "", "#3:1", "=a -> b =c -> d"]),
    st.lists(ANSWER, min_size=1, max_size=5).map(" ".join),
    st.tuples(st.lists(ANSWER, min_size=1, max_size=4).map(" ".join), TEXT).map(lambda a: f"{a[0]} ####{a[1]}"),
)
QUESTION = st.tuples(
    st.sampled_from(["", "::Title::", "::A \\: title::"]),
    FORMAT,
    TEXT,
    ANSWERS,
    st.sampled_from(["", " rest of it", " // note"]),
).map(lambda q: f"{q[0]}{q[1]}{q[2]} {{{q[3]}}}{q[4]}")
GIFT_TEXT = st.lists(
    st.one_of(QUESTION, st.sampled_from(["$CATEGORY: $course$/top/Core ideas", "// a comment", "A description."])),
    min_size=1, max_size=6,
).map("\n\n".join)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GIFT_TEXT)
def test_any_gift_text_is_read_or_refused_with_a_message_and_what_is_written_passes_the_check(text):
    try:
        bank = parse_gift(text, "bank.gift")
    except BankError as error:
        assert str(error).startswith("bank.gift")
        return
    markdown, _ = write_quizzes(bank, "bank")
    if not bank.questions:
        assert markdown == ""
        return
    with tempfile.TemporaryDirectory() as folder:
        course = compile_course(course_with(Path(folder), markdown, minutes=60), Path(folder))
        assert [str(p) for p in course.problems] == [], markdown
        compiled = [s.quiz for page in course.pages for s in page.segments if getattr(s, "quiz", None)]
        assert sum(len(q.questions) for q in compiled) == len(bank.questions)
