"""The ``/// practice`` block: an activity the learner does in their school and then logs.

/// practice | Try a two-by-ten
    id: two-by-ten
    minutes: 40
    entry_max: 20

For ten school days in a row, spend two minutes talking with one student about anything but
school work. Log each conversation: when, how long, what you tried and what you noticed.
///

``minutes`` is the time the activity is expected to take: the module's time estimate counts it,
and the learner's logged minutes count toward the module's required time up to it. ``entry_max``
is the most one logged entry may claim.
"""

from __future__ import annotations

from typing import Any

from courseware.courses.blocks import BlockContext, BlockType, Option, minutes_option, register, slug_option
from courseware.courses.practice import DEFAULT_ENTRY_MAX, DEFAULT_MINUTES, Practice, PracticeSegment
from courseware.courses.source import RawBlock


@register
class PracticeBlock(BlockType):
    name = "practice"
    options = {
        "id": Option(slug_option, required=True),
        "minutes": Option(minutes_option),
        "entry_max": Option(minutes_option),
    }

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> PracticeSegment | None:
        if not any(line.text.strip() for line in block.body):
            ctx.report(block.line, "a practice block needs instructions: what to try in school, and what to notice")
            return None
        if not ctx.claim_id("practice", options["id"], block.line):
            return None
        minutes = options.get("minutes", DEFAULT_MINUTES)
        entry_max = options.get("entry_max", min(DEFAULT_ENTRY_MAX, minutes))
        if entry_max > minutes:
            lines = block.options.get("__lines__", {})
            ctx.report(
                lines.get("entry_max", block.line),
                f"option 'entry_max' of a practice block ({entry_max}) cannot be more than its 'minutes' ({minutes})",
            )
            return None
        practice = Practice(
            id=options["id"],
            title=block.title or "Practice in your school",
            instructions_html=ctx.render_lines(block.body),
            minutes=minutes,
            entry_max=entry_max,
            line=block.line,
        )
        return PracticeSegment(practice)
