"""The ``/// district`` block: the district's own contacts and procedures, filled in locally.

/// district | Who to call in our district
- Child protective services hotline: [DISTRICT: the hotline's number]
- Our homeless liaison: [DISTRICT: name, phone and email]
///

A course written for many districts leaves blanks that each district fills in before its staff
take the course. A blank is written ``[DISTRICT: what to fill in]``. It is shown on the page as a
marked blank, and ``flask courses check`` warns at each line that still holds one, so that a
course is not offered with its local contacts missing. The box is read as part of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from courseware.courses.blocks import BlockContext, BlockType, register
from courseware.courses.source import RawBlock

LABEL = "Your district's procedures"
PLACEHOLDER_RE = re.compile(r"\[DISTRICT:\s*([^\]]*?)\s*\]")


@dataclass(frozen=True)
class DistrictSegment:
    title: str
    html: str
    placeholders: int  # blanks still to be filled in
    label: str = LABEL
    kind: str = "district"


def mark_placeholders(html: str) -> str:
    """Each ``[DISTRICT: ...]`` blank in rendered HTML, wrapped so that the page shows it as a blank."""
    return PLACEHOLDER_RE.sub(
        lambda m: f'<mark class="district__blank">[To be filled in by your district: {m.group(1)}]</mark>', html
    )


@register
class DistrictBlock(BlockType):
    name = "district"

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> DistrictSegment | None:
        if not any(line.text.strip() for line in block.body):
            ctx.report(block.line, "the district block is empty")
            return None
        placeholders = 0
        for line in block.body:
            found = PLACEHOLDER_RE.findall(line.text)
            if found:
                placeholders += len(found)
                what = "; ".join(text or "a detail" for text in found)
                ctx.warn(line.number, f"the district has still to fill this in: {what}")
        html = mark_placeholders(ctx.render_lines(block.body))
        return DistrictSegment(block.title, html, placeholders)
