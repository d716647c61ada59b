"""What a district box on a course page shows: the learner's district's answer in place of each blank."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from courseware.cohorts.district_procedures import answers_for_learner
from courseware.courses import Course, Page
from courseware.models import User
from courseware.pages import BlockView, register_block_view

_LINK_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# Characters that change the direction of text: in an answer they could make a link read otherwise than
# where it goes.
_BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TRAILING = ".,;:!?)"  # punctuation that ends a sentence after a link, not the link


def render_answer(text: str) -> Markup:
    """An answer as HTML: escaped, its http and https addresses made links, its line breaks kept."""
    lines = []
    for line in _BIDI_RE.sub("", text).split("\n"):
        pieces = []
        last = 0
        for match in _LINK_RE.finditer(line):
            address = match.group(0).rstrip(_TRAILING)
            pieces += [
                escape(line[last : match.start()]),
                Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(address),
            ]
            last = match.start() + len(address)
        pieces.append(escape(line[last:]))
        lines.append(Markup("").join(pieces))
    return Markup("<br>\n").join(lines)


def district_answers(user: User, course: Course, page: Page, overrides: dict | None = None) -> dict[str, Markup]:
    """The answers of the learner's district, by blank key, ready to show (one query for the page)."""
    return {key: render_answer(answer) for key, answer in answers_for_learner(user, course.slug).items()}


register_block_view(BlockView("district", district_answers))
