"""Splitting a module file into front matter, pages and blocks, keeping line numbers.

Blocks use the generic-block syntax of pymdown-extensions::

    /// note | Optional title
        id: optional-options-as-indented-yaml

    Markdown body
    ///

Fenced code is left alone: a ``##`` or ``///`` inside a code fence is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

HEADER_RE = re.compile(r"^///\s*([A-Za-z][\w-]*)?\s*(?:\|\s*(.*?))?\s*$")
CLOSE_RE = re.compile(r"^///\s*$")
PAGE_RE = re.compile(r"^##(?!#)\s*(.*?)\s*$")
# "## Title {#page-id}", "## Title {tracks: classroom, support}" or both, "{#page-id tracks: classroom}".
PAGE_ID_RE = re.compile(r"\s*\{\s*(?:#([A-Za-z0-9_-]+))?\s*(?:tracks\s*:\s*([^{}]*?))?\s*\}\s*$")
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


@dataclass
class Line:
    number: int
    text: str


@dataclass
class RawBlock:
    name: str
    title: str
    options: dict
    body: list[Line]
    line: int


@dataclass
class RawPage:
    title: str
    explicit_id: str | None
    line: int
    parts: list = field(default_factory=list)  # list[list[Line] | RawBlock]
    tracks: list[str] | None = None  # "{tracks: a, b}" after the title: the page is for those tracks only


@dataclass
class SourceError(Exception):
    line: int
    message: str


def split_front_matter(text: str) -> tuple[dict, list[Line], list[SourceError]]:
    """Return the YAML front matter, the remaining lines (numbered from 1) and any errors."""
    lines = text.removeprefix("\ufeff").splitlines()
    numbered = [Line(i + 1, t) for i, t in enumerate(lines)]
    if not lines or lines[0].strip() != "---":
        return {}, numbered, [SourceError(1, "a module starts with YAML front matter between '---' lines")]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."})
    except StopIteration:
        return {}, numbered, [SourceError(1, "front matter is not closed by a '---' line")]
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        return {}, numbered[end + 1 :], [SourceError(line, f"front matter is not valid YAML: {_yaml_reason(exc)}")]
    if not isinstance(data, dict):
        return {}, numbered[end + 1 :], [SourceError(2, "front matter must be a set of 'key: value' lines")]
    return data, numbered[end + 1 :], []


def _yaml_reason(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or exc).strip()


def split_pages(lines: list[Line]) -> tuple[list[RawPage], list[SourceError]]:
    """Cut the body at each level-2 heading and find the blocks within each page."""
    pages: list[RawPage] = []
    errors: list[SourceError] = []
    fence: str | None = None
    fence_line = 0
    current: RawPage | None = None
    block: RawBlock | None = None
    buffer: list[Line] = []

    def flush_text() -> None:
        if buffer and current is not None:
            current.parts.append(list(buffer))
        buffer.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        i += 1
        fence_match = FENCE_RE.match(text)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            (block.body if block else buffer).append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            fence_line = line.number
            (block.body if block else buffer).append(line)
            continue

        if block is not None:
            assert current is not None  # a block only opens inside a page
            nested = HEADER_RE.match(text)
            if CLOSE_RE.match(text):
                current.parts.append(block)
                block = None
            elif nested and nested.group(1):
                errors.append(
                    SourceError(line.number, "blocks cannot be nested; close the open block with '///' first")
                )
            elif PAGE_RE.match(text):
                errors.append(
                    SourceError(block.line, f"'{block.name}' block is not closed with '///' before the next page")
                )
                current.parts.append(block)
                block = None
                i -= 1
            else:
                block.body.append(line)
            continue

        page_match = PAGE_RE.match(text)
        if page_match:
            flush_text()
            title = page_match.group(1)
            id_match = PAGE_ID_RE.search(title)
            explicit = tracks = None
            if id_match and (id_match.group(1) or id_match.group(2) is not None):
                explicit = id_match.group(1)
                tracks = split_tracks(id_match.group(2)) if id_match.group(2) is not None else None
                title = title[: id_match.start()].strip()
            if not title:
                errors.append(SourceError(line.number, "a page heading needs a title after '##'"))
            current = RawPage(title=title, explicit_id=explicit, line=line.number, tracks=tracks)
            pages.append(current)
            continue

        header = HEADER_RE.match(text)
        if header is None and text.startswith("///"):
            errors.append(SourceError(line.number, "a block starts with a line like '/// note | Optional title'"))
            continue
        if header:
            if current is None:
                errors.append(SourceError(line.number, "a block must be inside a page (after a '##' heading)"))
                continue
            if not header.group(1):
                errors.append(SourceError(line.number, "'///' closes a block, but no block is open"))
                continue
            flush_text()
            options, consumed, error = _read_options(lines, i)
            if error:
                errors.append(error)
            i += consumed
            block = RawBlock(header.group(1).lower(), (header.group(2) or "").strip(), options, [], line.number)
            continue

        if current is None:
            if text.strip():
                if text.startswith("# "):
                    errors.append(
                        SourceError(
                            line.number, "use '##' for page titles; the module title comes from the front matter"
                        )
                    )
                else:
                    errors.append(
                        SourceError(line.number, "text before the first '##' page heading belongs to no page")
                    )
            continue
        if re.match(r"^#(?!#)\s", text):
            errors.append(SourceError(line.number, "use '##' to start a page and '###' for a section within it"))
        buffer.append(line)

    if fence is not None:
        errors.append(SourceError(fence_line, f"a code block opened with {fence} is never closed"))
    if block is not None:
        assert current is not None  # a block only opens inside a page
        errors.append(SourceError(block.line, f"'{block.name}' block is not closed with '///'"))
        current.parts.append(block)
    flush_text()
    return pages, errors


def split_tracks(text: str) -> list[str]:
    """``"classroom, support"`` or ``"[classroom, support]"`` -> ``["classroom", "support"]``."""
    return [part.strip() for part in text.strip().strip("[]").split(",") if part.strip()]


def _read_options(lines: list[Line], start: int) -> tuple[dict, int, SourceError | None]:
    """Read the indented YAML options that directly follow a block header."""
    option_lines: list[Line] = []
    j = start
    while j < len(lines) and lines[j].text.startswith("    ") and lines[j].text.strip():
        option_lines.append(lines[j])
        j += 1
    if not option_lines:
        return {}, 0, None
    try:
        data = yaml.safe_load("\n".join(line.text[4:] for line in option_lines)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = option_lines[0].number + (mark.line if mark else 0)
        return {}, len(option_lines), SourceError(line, f"block options are not valid YAML: {_yaml_reason(exc)}")
    if not isinstance(data, dict):
        return {}, len(option_lines), SourceError(option_lines[0].number, "block options must be 'key: value' lines")
    data["__lines__"] = {
        key: next((ln.number for ln in option_lines if ln.text[4:].startswith(f"{key}:")), option_lines[0].number)
        for key in data
    }
    return data, len(option_lines), None
