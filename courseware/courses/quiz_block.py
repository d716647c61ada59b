"""The ``/// quiz`` block: questions written as ``###`` headings, choices as a task list.

/// quiz | Check your understanding
    id: stress-check
    pass_mark: 80

### Which part of the brain takes over under threat? {#alarm}

- [ ] The planning part
    Planning goes quiet under threat.
- [x] The alarm system
    Right: it acts first and thinks later.

Explanation: Under threat the brain's alarm system reacts before reasoning can.
///
"""

from __future__ import annotations

import re
from typing import Any

from courseware.courses.blocks import (
    BlockContext,
    BlockType,
    Option,
    flag_option,
    minutes_option,
    register,
    slug_option,
    slugify,
    split_id,
)
from courseware.courses.quiz import (
    GROWTH_BEFORE,
    GROWTH_ROLES,
    MULTIPLE,
    QUESTION_TYPES,
    REVEAL_POLICIES,
    SHORT_ANSWER,
    SINGLE,
    TRUE_FALSE,
    WAIT_MAX,
    Choice,
    Question,
    Quiz,
    QuizSegment,
)
from courseware.courses.quiz_warnings import quiz_warnings
from courseware.courses.source import Line, RawBlock

QUESTION_RE = re.compile(r"^###(?!#)\s*(.*?)\s*$")
CHOICE_RE = re.compile(r"^[-*+]\s+\[( |x|X)\]\s+(.*?)\s*$")
FIELD_RE = re.compile(r"^(Answer|Explanation|Type|Skill)\s*:\s*(.*)$", re.IGNORECASE)
# Options a pre-check may not take: it is taken once, has no pass mark, and asks every question.
NOT_FOR_A_PRE_CHECK = ("pass_mark", "attempts", "draw")


def _percent(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError("use a whole number from 0 to 100")
    return value


def _attempts(value: Any) -> int | None:
    """A limit, or ``unlimited`` (None) where course.yml sets a limit this quiz does not want."""
    if isinstance(value, str) and value.strip().lower() == "unlimited":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("use a whole number of at least 1, or unlimited")
    return value


def _wait(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= WAIT_MAX:
        raise ValueError(f"use a whole number of minutes from 0 to {WAIT_MAX}")
    return value


def _reveal(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() not in REVEAL_POLICIES:
        raise ValueError(f"use one of: {', '.join(REVEAL_POLICIES)}")
    return value.strip().lower()


def _growth(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() not in GROWTH_ROLES:
        raise ValueError("use before (the course's pre-check) or after (its growth check)")
    return value.strip().lower()


def _draw(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("use a whole number of at least 1: how many questions each attempt asks")
    return value


class _Draft:
    """A question while its lines are read."""

    def __init__(self, line: int, prompt: str, explicit_id: str | None) -> None:
        self.line, self.prompt, self.explicit_id = line, prompt, explicit_id
        self.details: list[str] = []
        self.choices: list[tuple[int, bool, str, str | None, list[str]]] = []
        self.answers: list[tuple[int, str]] = []
        self.explanation: list[str] = []
        self.type: tuple[int, str] | None = None
        self.skill: tuple[int, str] | None = None
        self.in_explanation = False


@register
class QuizBlock(BlockType):
    name = "quiz"
    options = {
        "id": Option(slug_option, required=True),
        "pass_mark": Option(_percent),
        "attempts": Option(_attempts),
        "shuffle": Option(flag_option),
        "wait": Option(_wait),
        "reveal": Option(_reveal),
        "draw": Option(_draw),
        "minutes": Option(minutes_option),
        "growth": Option(_growth),
    }

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> QuizSegment | None:
        intro, drafts = self._read(block.body, ctx)
        if not drafts:
            ctx.report(block.line, "a quiz needs at least one question, starting with a '### ' line")
            return None
        if not ctx.claim_id("quiz", options["id"], block.line):
            return None
        questions = [q for q in (self._question(d, ctx) for d in drafts) if q is not None]
        seen: dict[str, int] = {}
        for draft, question in zip(drafts, questions, strict=False):
            if question.id in seen:
                ctx.report(
                    draft.line, f"two questions in this quiz have the id '{question.id}' (add '{{#another-id}}')"
                )
            seen[question.id] = draft.line
        if len(questions) != len(drafts) or len(seen) != len(questions):
            return None
        draw = options.get("draw")
        if draw is not None and draw > len(questions):
            line = block.options.get("__lines__", {}).get("draw", block.line)
            count = f"{len(questions)} question{'s' if len(questions) != 1 else ''}"
            ctx.report(line, f"option 'draw' of a quiz block: the quiz has {count}, so it cannot draw {draw}")
            return None
        growth = options.get("growth", "")
        if not self._check_growth(block, options, drafts, ctx):
            return None
        settings = ctx.course.quizzes
        pre_check = growth == GROWTH_BEFORE
        quiz = Quiz(
            id=options["id"],
            title=block.title or "Knowledge check",
            intro_html=ctx.render("\n".join(intro)) if any(t.strip() for t in intro) else "",
            questions=questions,
            # A pre-check has no pass mark (taking it is what counts) and is taken once in each round.
            pass_mark=0 if pre_check else options.get("pass_mark", ctx.course.completion.pass_mark),
            attempts=1 if pre_check else options.get("attempts", settings.attempts),  # "unlimited" is None
            shuffle=options.get("shuffle", settings.shuffle),
            line=block.line,
            draw=draw,
            wait=options.get("wait", settings.wait),
            reveal=options.get("reveal", settings.reveal),
            growth=growth,
        )
        lines = {question.id: draft.line for draft, question in zip(drafts, questions, strict=True)}
        for warning in quiz_warnings(quiz):
            ctx.warn(lines.get(warning.question or "", block.line), warning.message)
        return QuizSegment(quiz, minutes=options.get("minutes"))

    def _read(self, body: list[Line], ctx: BlockContext) -> tuple[list[str], list[_Draft]]:
        intro: list[str] = []
        drafts: list[_Draft] = []
        for line in body:
            text = line.text
            heading = QUESTION_RE.match(text)
            if heading:
                prompt, explicit = split_id(heading.group(1))
                if not prompt:
                    ctx.report(line.number, "a question needs its text after '###'")
                drafts.append(_Draft(line.number, prompt, explicit))
                continue
            if not drafts:
                intro.append(text)
                continue
            draft = drafts[-1]
            choice = CHOICE_RE.match(text)
            field = FIELD_RE.match(text)
            if choice:
                label, explicit = split_id(choice.group(2))
                draft.choices.append((line.number, choice.group(1) != " ", label, explicit, []))
                draft.in_explanation = False
            elif field:
                key, value = field.group(1).lower(), field.group(2).strip()
                draft.in_explanation = key == "explanation"
                if key == "answer":
                    draft.answers.append((line.number, value))
                elif key == "explanation":
                    draft.explanation.append(value)
                elif key == "skill":
                    draft.skill = (line.number, value)
                else:
                    draft.type = (line.number, value.lower().replace(" ", "-"))
            elif draft.in_explanation and text.strip():
                draft.explanation.append(text)
            elif draft.choices and text.startswith((" ", "\t")) and text.strip():
                draft.choices[-1][4].append(text.strip())
            elif not text.strip() and (draft.choices or draft.answers or draft.in_explanation):
                draft.in_explanation = False
            elif draft.choices or draft.answers:
                ctx.report(
                    line.number, "text after the choices belongs in 'Explanation: ...' or indented under a choice"
                )
            elif text.strip() or draft.details:
                draft.details.append(text)  # blank lines keep the details' paragraphs apart
        return intro, drafts

    def _question(self, draft: _Draft, ctx: BlockContext) -> Question | None:
        qid = draft.explicit_id or slugify(draft.prompt)
        ok = True
        if draft.explicit_id and not re.match(r"^[a-z0-9][a-z0-9-]*$", qid):
            ctx.report(draft.line, f"question id '{qid}' must use lowercase letters, digits and hyphens")
            ok = False
        kind = self._type(draft, ctx)
        if kind is None:
            return None
        choices: list[Choice] = []
        seen: set[str] = set()
        for number, correct, label, explicit, feedback in draft.choices:
            cid = explicit or slugify(label)
            if explicit and not re.match(r"^[a-z0-9][a-z0-9-]*$", explicit):
                ctx.report(number, f"choice id '{explicit}' must use lowercase letters, digits and hyphens")
                ok = False
            if cid in seen:
                ctx.report(number, f"two choices of this question have the id '{cid}' (add '{{#another-id}}')")
                ok = False
            seen.add(cid)
            choices.append(
                Choice(cid, ctx.render_inline(label), correct, ctx.render(" ".join(feedback)) if feedback else "")
            )
        if not ok:
            return None
        return Question(
            id=qid,
            type=kind,
            prompt_html=ctx.render_inline(draft.prompt),
            details_html=ctx.render("\n".join(draft.details)) if any(t.strip() for t in draft.details) else "",
            choices=choices,
            answers=[answer for _, answer in draft.answers],
            explanation_html=ctx.render("\n".join(draft.explanation)) if draft.explanation else "",
            skill=draft.skill[1] if draft.skill else "",
        )

    def _check_growth(self, block: RawBlock, options: dict[str, Any], drafts: list[_Draft], ctx) -> bool:
        """A pre-check or growth check names a skill on every question, each listed in course.yml; other
        quizzes name none. (That the course has one of each, measuring the same skills, the compiler checks.)"""
        lines = block.options.get("__lines__", {})
        growth = options.get("growth", "")
        ok = True
        if growth == GROWTH_BEFORE:
            for name in NOT_FOR_A_PRE_CHECK:
                if name in options:
                    ctx.report(
                        lines.get(name, block.line),
                        f"option '{name}' of a quiz block: a pre-check is taken once, asks every question and has "
                        "no pass mark, so it takes no 'pass_mark', 'attempts' or 'draw'",
                    )
                    ok = False
        elif growth and "draw" in options:
            ctx.report(
                lines.get("draw", block.line),
                "option 'draw' of a quiz block: a growth check asks every question, so that each skill is measured "
                "as the pre-check measured it",
            )
            ok = False
        skills = {skill.id for skill in ctx.course.skills}
        if growth and not skills:
            ctx.report(
                lines.get("growth", block.line),
                "a pre-check or growth check measures the skills listed in course.yml: add 'growth:' with "
                "'skills:' and one 'skill-id: Title' line for each",
            )
            return False
        for draft in drafts:
            if draft.skill is None:
                if growth:
                    ctx.report(draft.line, "each question of a pre-check or growth check names its skill: 'Skill: ...'")
                    ok = False
                continue
            line, skill = draft.skill
            if not growth:
                ctx.report(
                    line, "'Skill:' belongs to the questions of a pre-check or growth check (quiz option 'growth')"
                )
                ok = False
            elif skill not in skills:
                ctx.report(line, f"unknown skill '{skill}' (skills in course.yml: {', '.join(sorted(skills))})")
                ok = False
        return ok

    def _type(self, draft: _Draft, ctx: BlockContext) -> str | None:
        correct = sum(1 for c in draft.choices if c[1])
        if draft.type:
            line, stated = draft.type
            if stated not in QUESTION_TYPES:
                ctx.report(line, f"unknown question type '{stated}' (types: {', '.join(QUESTION_TYPES)})")
                return None
        elif draft.answers and not draft.choices:
            stated = SHORT_ANSWER
        elif sorted(c[2].lower() for c in draft.choices) == ["false", "true"]:
            stated = TRUE_FALSE
        else:
            stated = MULTIPLE if correct > 1 else SINGLE
        if stated == SHORT_ANSWER:
            if draft.choices:
                ctx.report(draft.line, "a short-answer question has 'Answer:' lines, not choices")
                return None
            if not draft.answers or not all(a for _, a in draft.answers):
                ctx.report(draft.line, "a short-answer question needs at least one 'Answer: ...' line")
                return None
            return stated
        if draft.answers:
            ctx.report(draft.answers[0][0], "'Answer:' lines belong to short-answer questions; mark choices with [x]")
            return None
        if len(draft.choices) < 2:
            ctx.report(draft.line, "a question needs at least two choices ('- [x] right' and '- [ ] wrong')")
            return None
        if correct == 0:
            ctx.report(draft.line, "no correct choice: mark at least one choice with [x]")
            return None
        if stated in (SINGLE, TRUE_FALSE) and correct > 1:
            kind = "true/false" if stated == TRUE_FALSE else "single-choice"
            ctx.report(draft.line, f"a {kind} question has exactly one correct choice, but {correct} are marked [x]")
            return None
        return stated
