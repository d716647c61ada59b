"""The ``/// district`` block: the district's own contacts and procedures, filled in on Courseware.

/// district | Who to call in our district
- Child protective services hotline: [DISTRICT: cps-hotline | the hotline's number]
- Our homeless liaison: [DISTRICT: homeless-liaison | name, phone and email]
///

A course written for many districts leaves blanks that each district fills in before its staff
take the course. A blank is written ``[DISTRICT: key | what to fill in]``: the key (lowercase
letters, digits and hyphens, unique in the course) names the blank, so that each district's
leaders can answer it on their page "Our district's procedures", and what to fill in is shown to
them as the question. Learners see their own district's answer in its place.

A blank without a key (``[DISTRICT: what to fill in]``) still compiles, but no district can answer
it on Courseware: ``flask courses check`` warns at its line. A key that is malformed or used twice,
or a blank that says nothing, is a mistake. The box is read as part of the page.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from typing import Any

from courseware.courses.blocks import SLUG_RE, BlockContext, BlockType, register
from courseware.courses.source import RawBlock

LABEL = "Your district's procedures"
PLACEHOLDER_RE = re.compile(r"\[DISTRICT:\s*([^\]]*?)\s*\]")
KEY_LENGTH = 60
# What stands for a blank while the box's Markdown is rendered: letters and digits only, which
# Markdown leaves as they are, so that the blank can be found again in the HTML.
_STAND_IN = "zqdistrictblank{}zq"
_STAND_IN_RE = re.compile(r"zqdistrictblank(\d+)zq")


@dataclass(frozen=True)
class DistrictBlank:
    """One blank of a district box. ``key`` is "" for a blank written without one (no district can answer it)."""

    key: str
    description: str
    line: int
    file: str = ""  # the module file, as problems name it
    lead: str = ""  # the words before it on its line ("Child protective services hotline"), to name it to leaders


@dataclass(frozen=True)
class DistrictSegment:
    title: str
    html: str  # the box with each blank as "[To be filled in by your district: ...]", for reading and search
    placeholders: int  # blanks to be filled in by each district
    parts: tuple[str | DistrictBlank, ...] = field(default=(), compare=False)  # HTML and blanks, in order
    label: str = LABEL
    kind: str = "district"

    @property
    def blanks(self) -> list[DistrictBlank]:
        return [part for part in self.parts if isinstance(part, DistrictBlank)]


def _lead(before: str) -> str:
    """The plain words before a blank on its line: no list marker, emphasis, other blanks or closing colon."""
    text = PLACEHOLDER_RE.sub(" ", before)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split()).rstrip(" :\u2013\u2014-")  # colon, dashes


def _read_blank(inside: str, line: int, ctx: BlockContext, lead: str = "") -> DistrictBlank | None:
    """The blank written ``[DISTRICT: inside]``, or None after reporting what is wrong with it."""
    example = "[DISTRICT: cps-hotline | the hotline's number]"
    if "|" not in inside:
        if not inside:
            ctx.report(line, f"the blank says nothing: write what the district fills in, such as {example}")
            return None
        ctx.warn(
            line,
            f"the blank '{inside}' has no key, so no district can fill it in on Courseware: give it one, "
            f"such as {example}",
        )
        return DistrictBlank("", inside, line, ctx.file, lead)
    key, description = (part.strip() for part in inside.split("|", 1))
    if not key:
        ctx.report(line, f"the blank has no key before '|': name it, such as {example}")
        return None
    if not SLUG_RE.match(key) or len(key) > KEY_LENGTH:
        ctx.report(
            line,
            f"the blank's key '{key}' must use lowercase letters, digits and hyphens "
            f"(at most {KEY_LENGTH} characters), such as {example}",
        )
        return None
    if not description:
        ctx.report(line, f"the blank '{key}' does not say what to fill in: write it after '|', such as {example}")
        return None
    if not ctx.claim_id("district blank", key, line):
        return None
    return DistrictBlank(key, description, line, ctx.file, lead)


@register
class DistrictBlock(BlockType):
    name = "district"

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> DistrictSegment | None:
        if not any(line.text.strip() for line in block.body):
            ctx.report(block.line, "the district block is empty")
            return None
        blanks: list[DistrictBlank] = []
        texts = []
        broken = False
        for line in block.body:

            def token(match: re.Match[str], number: int = line.number, text: str = line.text) -> str:
                nonlocal broken
                blank = _read_blank(match.group(1), number, ctx, _lead(text[: match.start()]))
                if blank is None:
                    broken = True
                    return ""
                blanks.append(blank)
                return _STAND_IN.format(len(blanks) - 1)

            texts.append(PLACEHOLDER_RE.sub(token, line.text))
        if broken:
            return None
        html = ctx.render("\n".join(texts))
        pieces = _STAND_IN_RE.split(html)
        parts = [blanks[int(piece)] if number % 2 else piece for number, piece in enumerate(pieces)]
        inside_a_tag = any(piece.rfind("<") > piece.rfind(">") for piece in pieces[:-1:2])
        # Text before each blank with a link or code still open: an answer there would be a link in a link.
        before = ["".join(pieces[: number + 1]).lower() for number in range(0, len(pieces) - 1, 2)]
        inside_a_link = any(
            text.count("<a ") + text.count("<a>") > text.count("</a>") or text.count("<code") > text.count("</code>")
            for text in before
        )
        if inside_a_tag or inside_a_link or sorted(int(piece) for piece in pieces[1::2]) != list(range(len(blanks))):
            ctx.report(block.line, "a blank must stand in the box's text, not inside a link, code or an image")
            return None
        marked = "".join(
            f'<mark class="district__blank">[To be filled in by your district: {html_lib.escape(p.description)}]</mark>'
            if isinstance(p, DistrictBlank)
            else p
            for p in parts
        )
        return DistrictSegment(block.title, marked, len(blanks), tuple(p for p in parts if p != ""))
