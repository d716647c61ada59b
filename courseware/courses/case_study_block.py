"""The ``/// case-study`` block: a situation to respond to, then a model response and a rubric to score against.

/// case-study | The late bus
    id: m1-late-bus
    minutes: 12

### The situation
The bus is forty minutes late, and Maya gets off it shouting ...

### Your response
From your own role, what would you do in the first five minutes, and why?

### A model response
I would greet Maya by name, keep my voice low ...

### Rubric
- Names what Maya's behavior may be telling the adults {#behavior-as-message}
- Puts safety and calm before consequences
- Says who else to involve, and how
///

The four sections are required, once each; the rubric lists 3 to 6 criteria, one ``- `` line each,
each with an optional ``{#id}`` (otherwise made from its text). The learner's self-scores are recorded
against the criteria's ids.
"""

from __future__ import annotations

import re
from typing import Any

from courseware.courses.blocks import (
    SLUG_RE,
    BlockContext,
    BlockType,
    Option,
    minutes_option,
    register,
    slug_option,
    slugify,
    split_id,
)
from courseware.courses.case_study import (
    DEFAULT_MINUTES,
    FEWEST_CRITERIA,
    MOST_CRITERIA,
    CaseStudy,
    CaseStudySegment,
    Criterion,
)
from courseware.courses.source import Line, RawBlock

SECTION_RE = re.compile(r"^###(?!#)\s*(.*?)\s*:?\s*$")
CRITERION_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*?)\s*$")
# The sections of a case study, by their heading (capitals and a closing colon do not matter).
SECTIONS = {
    "the situation": "situation",
    "your response": "prompt",
    "a model response": "model",
    "rubric": "rubric",
}
HEADINGS = ("The situation", "Your response", "A model response", "Rubric")
CRITERION_MAX = 300  # characters: a criterion is one line a learner can score at a glance


@register
class CaseStudyBlock(BlockType):
    name = "case-study"
    options = {"id": Option(slug_option, required=True), "minutes": Option(minutes_option)}

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> CaseStudySegment | None:
        sections = self._sections(block, ctx)
        if sections is None:
            return None
        criteria = self._criteria(sections["rubric"], ctx)
        if criteria is None:
            return None
        if not ctx.claim_id("case study", options["id"], block.line):
            return None
        case_study = CaseStudy(
            id=options["id"],
            title=block.title or "Case study",
            situation_html=ctx.render_lines(sections["situation"][1]),
            prompt_html=ctx.render_lines(sections["prompt"][1]),
            model_html=ctx.render_lines(sections["model"][1]),
            criteria=criteria,
            minutes=options.get("minutes", DEFAULT_MINUTES),
            line=block.line,
        )
        return CaseStudySegment(case_study, declared="minutes" in options)

    def _sections(self, block: RawBlock, ctx: BlockContext) -> dict[str, tuple[int, list[Line]]] | None:
        """Each section's heading line and its lines, or None after reporting what is wrong."""
        found: dict[str, tuple[int, list[Line]]] = {}
        current: list[Line] | None = None
        ok = True
        for line in block.body:
            heading = SECTION_RE.match(line.text)
            if heading:
                name = " ".join(heading.group(1).lower().split())
                key = SECTIONS.get(name)
                if key is None:
                    ctx.report(
                        line.number,
                        f"unknown section '### {heading.group(1)}' in a case study (sections: {', '.join(HEADINGS)})",
                    )
                    ok, current = False, None
                elif key in found:
                    ctx.report(line.number, f"the section '### {heading.group(1)}' is given twice in this case study")
                    ok, current = False, None
                else:
                    current = []
                    found[key] = (line.number, current)
                continue
            if current is None:
                if line.text.strip() and ok and not found:
                    ctx.report(line.number, "a case study starts with its first section, '### The situation'")
                    ok = False
                continue
            current.append(line)
        missing = [title for title, key in zip(HEADINGS, SECTIONS.values(), strict=True) if key not in found]
        if missing and ok:
            ctx.report(
                block.line,
                f"a case study needs the section{'s' if len(missing) > 1 else ''} "
                f"{', '.join(f'### {h}' for h in missing)}",
            )
            ok = False
        for title, key in zip(HEADINGS, SECTIONS.values(), strict=True):
            if key in found and not any(line.text.strip() for line in found[key][1]):
                ctx.report(found[key][0], f"the section '### {title}' of this case study is empty")
                ok = False
        return found if ok else None

    def _criteria(self, rubric: tuple[int, list[Line]], ctx: BlockContext) -> list[Criterion] | None:
        heading_line, lines = rubric
        criteria: list[Criterion] = []
        ok = True
        for line in lines:
            if not line.text.strip():
                continue
            item = CRITERION_RE.match(line.text)
            if item is None:
                ctx.report(
                    line.number,
                    "each criterion of a rubric is one line starting with '- ' (a criterion cannot run on to a "
                    "second line)",
                )
                ok = False
                continue
            text, explicit = split_id(item.group(1))
            criterion_id = explicit or slugify(text)
            if not text:
                ctx.report(line.number, "a criterion needs its text after '- '")
                ok = False
            elif len(text) > CRITERION_MAX:
                ctx.report(line.number, f"keep a criterion to {CRITERION_MAX} characters (this has {len(text)})")
                ok = False
            elif not SLUG_RE.match(criterion_id):
                ctx.report(line.number, f"criterion id '{criterion_id}' must use lowercase letters, digits and hyphens")
                ok = False
            elif any(c.id == criterion_id for c in criteria):
                ctx.report(
                    line.number, f"two criteria of this rubric have the id '{criterion_id}' (add '{{#another-id}}')"
                )
                ok = False
            else:
                criteria.append(Criterion(criterion_id, text, ctx.render_inline(text)))
        if ok and not FEWEST_CRITERIA <= len(criteria) <= MOST_CRITERIA:
            ctx.report(
                heading_line,
                f"a rubric lists {FEWEST_CRITERIA} to {MOST_CRITERIA} criteria, one '- ' line each "
                f"(this one has {len(criteria)})",
            )
            ok = False
        return criteria if ok else None
