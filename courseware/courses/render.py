"""Markdown to safe HTML for course pages.

Headings shift down one level (a page's ``###`` becomes ``<h2>``, under the page
title's ``<h1>``), images point at the course's media route, and the result is
sanitised with nh3 so that no script or raw HTML from a course file reaches a page.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "sane_lists", "def_list", "abbr"]

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan", "align", "style"},
    "td": {"colspan", "rowspan", "align", "style"},
    "ol": {"start"},
    "abbr": {"title"},
}
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SAFE_STYLE = re.compile(r"^text-align:\s*(left|right|center);?$")
INLINE_TAG_RE = re.compile(r"</?(?:a|abbr|code|del|em|kbd|mark|s|span|strong|sub|sup)\b[^>]*>")
TAG_RE = re.compile(r"<[^>]*>")
CONTENT_TABLE_RE = re.compile(r'<table class="content-table">.*?</table>', re.DOTALL)
THEAD_RE = re.compile(r"<thead>(.*?)</thead>", re.DOTALL)
TH_RE = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


class _CourseTreeprocessor(Treeprocessor):
    def __init__(self, md, media_url: str) -> None:
        super().__init__(md)
        self.media_url = media_url

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{max(2, int(element.tag[1]) - 1)}"
            elif element.tag == "img":
                src = element.get("src", "")
                if src.startswith("media/"):
                    element.set("src", self.media_url + src.removeprefix("media/"))
                element.set("loading", "lazy")
            elif element.tag == "table":
                element.set("class", (element.get("class", "") + " content-table").strip())


class _CourseExtension(Extension):
    def __init__(self, media_url: str) -> None:
        super().__init__()
        self.media_url = media_url

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_CourseTreeprocessor(md, self.media_url), "courseware", 5)


def _attribute_filter(media_url: str):
    def keep_safe_attribute(tag: str, name: str, value: str) -> str | None:
        if name == "style":
            return value if SAFE_STYLE.match(value.strip()) else None
        if tag == "img" and name == "src":
            # Images come only from the course's own media folder, never from another site.
            return value if value.startswith(media_url) and ":" not in value and ".." not in value else None
        return value

    return keep_safe_attribute


class MarkdownRenderer:
    """Renders Markdown fragments of one course. Not shared between threads."""

    def __init__(self, media_url: str) -> None:
        self.media_url = media_url
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _CourseExtension(media_url)],
            output_format="html",
        )

    def render(self, text: str) -> str:
        self._md.reset()
        html = self._md.convert(text)
        return scrolling_tables(sanitise(html, self.media_url))


def scrolling_tables(html: str) -> str:
    """Put each table in a box of its own that scrolls sideways when the table is wider than the
    page (on a phone), rather than the page. The box can be focused, so that it scrolls with the
    keyboard too, and is named after the table's column headings."""

    def wrap(match: re.Match) -> str:
        table = match.group(0)
        head = THEAD_RE.search(table)
        headings = [plain_text(cell) for cell in TH_RE.findall(head.group(1))] if head else []
        named = ", ".join(h for h in headings if h)
        label = f"Table: {named}" if named else "Table"
        if len(label) > 120:
            label = label[:117].rstrip(" ,") + "..."
        return (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{html_lib.escape(label)}">{table}</div>'
        )

    return CONTENT_TABLE_RE.sub(wrap, html)


def sanitise(html: str, media_url: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"img"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_filter(media_url),
    )


def plain_text(html: str) -> str:
    """The text a reader sees in rendered HTML: tags dropped, entities decoded, spaces collapsed.

    Inline tags (emphasis, links) vanish; block tags (paragraphs, cells) separate words.
    """
    text = TAG_RE.sub(" ", INLINE_TAG_RE.sub("", html))
    return " ".join(html_lib.unescape(text).split())


def find_images(text: str) -> list[tuple[int, str, str]]:
    """(line offset, alt text, source) for each inline image in a Markdown fragment."""
    found = []
    for offset, line in enumerate(text.splitlines()):
        for match in IMAGE_RE.finditer(line):
            found.append((offset, match.group(1).strip(), match.group(2)))
    return found


def empty_header_cells(text: str) -> list[tuple[int, int]]:
    """(line offset, column number from 1) of each empty cell in the header row of a Markdown table.

    A table starts a paragraph: a row with ``|`` followed by a row of dashes. Tables inside fenced
    code are examples, not tables.
    """
    found = []
    lines = text.splitlines()
    fence = ""
    for offset, line in enumerate(lines):
        opening = FENCE_RE.match(line)
        if opening:
            marker = opening.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if fence or "|" not in line or offset + 1 >= len(lines) or not TABLE_RULE_RE.match(lines[offset + 1]):
            continue
        if offset > 0 and lines[offset - 1].strip():
            continue
        found += [(offset, number) for number, cell in enumerate(_cells(line), 1) if not cell.strip()]
    return found


def _cells(row: str) -> list[str]:
    """A table row's cells: split at each ``|`` that is not escaped or inside code."""
    cells, cell, code = [], "", False
    text = row.strip()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            cell += text[index : index + 2]
            index += 2
            continue
        if char == "`":
            code = not code
        if char == "|" and not code:
            cells.append(cell)
            cell = ""
        else:
            cell += char
        index += 1
    cells.append(cell)
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|") and cells:
        cells = cells[:-1]
    return cells


def media_file(course_dir: Path, src: str) -> Path | None:
    """The file an image refers to, if it is inside the course's media folder."""
    if not src.startswith("media/"):
        return None
    media = (course_dir / "media").resolve()
    target = (course_dir / src).resolve()
    return target if target.is_relative_to(media) else None
