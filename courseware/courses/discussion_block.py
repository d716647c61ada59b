"""The ``/// discussion`` block: prompts the learner discusses with their cohort, in the module's circle.

/// discussion | Talk it over with your colleagues
    id: first-week
    required: true
    minutes: 15

- What did you notice when you tried this in your school?
- What would you do differently next time?
///

Each prompt is a ``- `` line (a longer prompt goes on in indented lines below it). ``required``
makes posting at least once in the module's circle part of the module's work, for learners in a
cohort that has the course assigned; a learner taking the course alone has no circle, and a
discussion never holds them back. ``minutes`` counts in the module's time estimate.
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
)
from courseware.courses.discussion import PROMPT_MAX, Discussion, DiscussionSegment
from courseware.courses.source import RawBlock

PROMPT_RE = re.compile(r"^[-*+]\s+(.*?)\s*$")
CONTINUATION_RE = re.compile(r"^\s{2,}(\S.*?)\s*$")


@register
class DiscussionBlock(BlockType):
    name = "discussion"
    options = {
        "id": Option(slug_option, required=True),
        "required": Option(flag_option),
        "minutes": Option(minutes_option),
    }

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> DiscussionSegment | None:
        prompts: list[tuple[int, str]] = []
        for line in block.body:
            if not line.text.strip():
                continue
            prompt = PROMPT_RE.match(line.text)
            more = CONTINUATION_RE.match(line.text)
            if prompt:
                prompts.append((line.number, prompt.group(1)))
            elif more and prompts:
                number, text = prompts[-1]
                prompts[-1] = (number, f"{text} {more.group(1)}")
            else:
                ctx.report(line.number, "write each prompt of a discussion as a '- ' line (a question to discuss)")
                return None
        if not prompts:
            ctx.report(block.line, "a discussion needs at least one prompt, written as a '- ' line")
            return None
        for number, text in prompts:
            if not text:
                ctx.report(number, "this prompt is empty: write the question after '- '")
                return None
            if len(text) > PROMPT_MAX:
                ctx.report(number, f"this prompt is {len(text)} characters long; use at most {PROMPT_MAX}")
                return None
        if not ctx.claim_id("discussion", options["id"], block.line):
            return None
        discussion = Discussion(
            id=options["id"],
            title=block.title or "Discuss with your cohort",
            prompts=[text for _, text in prompts],
            prompts_html=[ctx.render_inline(text) for _, text in prompts],
            required=options.get("required", False),
            line=block.line,
        )
        return DiscussionSegment(discussion, minutes=options.get("minutes"))
