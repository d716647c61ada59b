"""Posts as HTML: Markdown-lite (paragraphs, line breaks, bold, italic, links), and nothing else.

Whatever HTML a post holds is escaped before the Markdown is read, so it shows as the text that was
typed; the result then goes through an allow-list (nh3): only ``p``, ``br``, ``strong``, ``em`` and
``a`` with an http or https address, marked ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import html
import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

BODY_MAX = 5000  # characters of one post
TAGS = {"p", "br", "strong", "em", "a"}
ATTRIBUTES = {"a": {"href"}}
LINK_REL = "nofollow ugc noopener"


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread (a converter is not safe to share between threads)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["nl2br"], output_format="html")
    return converter


@lru_cache(maxsize=1024)
def post_html(body: str) -> Markup:
    """The post's text as safe HTML. Cached by text: a page of a busy discussion shows the same posts
    to every member."""
    converter = _markdown()
    converter.reset()
    rendered = converter.convert(html.escape(body, quote=False))
    clean = nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https"}, link_rel=LINK_REL)
    return Markup(clean)  # noqa: S704 (escaped, then cleaned by nh3's allow-list)


def excerpt(body: str, limit: int = 300) -> str:
    """The post's opening words, as plain text for an email."""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
