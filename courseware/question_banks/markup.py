"""A bank's texts as Markdown that shows them as the bank did, and nothing more.

HTML (and Moodle's auto-format, which allows HTML) is read with the standard library's parser and
written as Markdown: paragraphs, line breaks, lists, bold, italics, code, and links to web and mail
addresses. Scripts, styles, forms and every other tag are left out with their attributes; an image
becomes its description (and a note says so). Plain text is escaped, so that ``*`` or ``<b>`` show
as typed. Markdown is kept as written.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from courseware.question_banks.bank import HTML, MARKDOWN, MOODLE, Text

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg", "math", "select"}
EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`", "tt": "`", "kbd": "`"}
SAFE_LINK_RE = re.compile(r"^(https?://|mailto:)[^\s<>()]+$", re.IGNORECASE)
MARKDOWN_SPECIALS = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "{": "\\{",
        "}": "\\}",
        "<": "&lt;",
        "&": "&amp;",
    }
)
LINE_START_RE = re.compile(r"^(\s*)([#>+\-|:]|\d+[.)])(?=\s|$|#)", re.MULTILINE)


def escape(text: str) -> str:
    """Plain text as Markdown that shows it as typed."""
    escaped = text.translate(MARKDOWN_SPECIALS)
    return LINE_START_RE.sub(lambda m: m.group(1) + _escape_start(m.group(2)), escaped)


def _escape_start(start: str) -> str:
    if start[0].isdigit():
        return start[:-1] + "\\" + start[-1]
    return "&#58;" if start == ":" else "\\" + start


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.skipping = 0
        self.lists: list[list[int]] = []  # each open list: [number of the next item] or [] when bulleted
        self.link: str | None = None
        self.link_start = 0
        self.images: list[str] = []
        self.pre = 0
        self.code = 0
        self.opened: list[int] = []  # where each open emphasis marker is in the line

    def _break(self, paragraph: bool) -> None:
        text = "".join(self.line).strip()
        self.line = []
        if text:
            self.blocks.append(text)
        if paragraph and self.blocks and self.blocks[-1] != "":
            self.blocks.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
            return
        if self.skipping:
            return
        attributes = dict(attrs)
        if tag == "br":
            self._break(paragraph=False)
        elif tag in ("ul", "ol"):
            self._break(paragraph=not self.lists)
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._break(paragraph=False)
            numbering = self.lists[-1] if self.lists else []
            if numbering:
                self.line.append(f"{numbering[0]}. ")
                numbering[0] += 1
            else:
                self.line.append("- ")
        elif tag == "pre":
            self._break(paragraph=True)
            self.pre += 1
        elif tag in BLOCK_TAGS:
            self._break(paragraph=True)
        elif tag in EMPHASIS:
            self.opened.append(len(self.line))
            self.line.append(EMPHASIS[tag])
            if tag in ("code", "tt", "kbd"):
                self.code += 1  # code is shown as typed: nothing in it is escaped
        elif tag in ("td", "th"):
            self.line.append(" ")
        elif tag == "a":
            href = (attributes.get("href") or "").strip()
            self.link = href if SAFE_LINK_RE.match(href) else None
            self.link_start = len(self.line)
        elif tag == "img":
            alt = (attributes.get("alt") or "").strip()
            self.images.append(alt)
            if alt:
                self.line.append(escape(f"(image: {alt})"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag in ("ul", "ol"):
            self._break(paragraph=False)
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._break(paragraph=True)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break(paragraph=True)
        elif tag == "li":
            self._break(paragraph=False)
        elif tag in BLOCK_TAGS:
            self._break(paragraph=True)
        elif tag in EMPHASIS:
            marker = EMPHASIS[tag]
            if marker == "`":
                self.code = max(0, self.code - 1)
            if self.opened:
                self.opened.pop()
            if self.line and self.line[-1] == marker:  # nothing between the two: leave both out
                self.line.pop()
            elif self.line and self.line[-1] != self.line[-1].rstrip():  # "<b>bold </b>": the space goes outside
                self.line[-1] = self.line[-1].rstrip()
                self.line += [marker, " "]
            else:
                self.line.append(marker)
        elif tag == "a" and self.link:
            label = "".join(self.line[self.link_start :]).strip()
            del self.line[self.link_start :]
            self.line.append(f"[{label or escape(self.link)}](<{self.link}>)")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            for number, part in enumerate(data.split("\n")):
                if number:
                    self._break(paragraph=False)
                self.line.append(escape(part))
            return
        data = re.sub(r"\s+", " ", data)
        if self.opened and self.opened[-1] == len(self.line) - 1 and data.startswith(" "):
            self.line.insert(-1, " ")  # "<b> bold</b>": the space goes before the marker
            self.opened[-1] += 1
            data = data.lstrip()
        self.line.append(data.replace("`", "'") if self.code else escape(data))

    def markdown(self) -> str:
        self._break(paragraph=True)
        while self.blocks and self.blocks[-1] == "":
            self.blocks.pop()
        return "\n".join(self.blocks)


def html_to_markdown(html: str) -> tuple[str, list[str]]:
    """Markdown for an HTML fragment, and the descriptions of the images it left out."""
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    return parser.markdown(), parser.images


def to_markdown(text: Text) -> tuple[str, list[str]]:
    """A bank's text as Markdown (paragraphs separated by blank lines), and the images it left out."""
    if text.format == MOODLE:  # Moodle's auto-format: HTML in which a line break is a line break
        return html_to_markdown(text.text.replace("\n", "<br>"))
    if text.format == HTML:
        return html_to_markdown(text.text)
    if text.format == MARKDOWN:
        return text.text.strip(), []
    return "\n".join(escape(line) for line in text.text.strip().split("\n")), []
