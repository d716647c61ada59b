"""The block registry: each kind of ``/// name`` block a course may use.

A block type declares its options and turns a parsed block into a segment of the
compiled page. Quizzes and worksheets register here the same way callouts do; a
block name that is not registered is a mistake that ``flask courses check`` reports.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from courseware.courses.source import RawBlock

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MOST_MINUTES = 600  # ten hours: one activity, not a course of its own


class BlockContext:
    """What a block type needs from the compiler: rendering, reporting mistakes and warnings, ids."""

    def __init__(
        self,
        render: Callable[[str], str],
        report: Callable[[int, str], None],
        claim_id,
        course,
        warn: Callable[[int, str], None],
        file: str = "",
    ) -> None:
        self.render = render
        self.report = report
        self.claim_id = claim_id
        self.course = course
        self.warn = warn
        self.file = file  # the file being compiled, as problems name it

    def render_inline(self, text: str) -> str:
        """Markdown for a single line (a question, a choice), without the surrounding paragraph."""
        html = self.render(text).strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    def render_lines(self, lines) -> str:
        return self.render("\n".join(line.text for line in lines))


@dataclass(frozen=True)
class Option:
    """A declared block option: a converter that raises ValueError with a readable reason."""

    convert: Callable[[Any], Any]
    required: bool = False


class BlockType(ABC):
    name: ClassVar[str]
    options: ClassVar[dict[str, Option]] = {}

    @abstractmethod
    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> Any:
        """The segment of the compiled page; report mistakes through ``ctx`` and return None."""

    def parse_options(self, block: RawBlock, ctx: BlockContext) -> dict[str, Any] | None:
        lines = block.options.get("__lines__", {})
        values: dict[str, Any] = {}
        ok = True
        for key, raw in block.options.items():
            if key == "__lines__":
                continue
            option = self.options.get(key)
            if option is None:
                known = ", ".join(sorted(self.options)) or "none"
                ctx.report(
                    lines.get(key, block.line), f"unknown option '{key}' for a {self.name} block (options: {known})"
                )
                ok = False
                continue
            try:
                values[key] = option.convert(raw)
            except (TypeError, ValueError) as exc:
                ctx.report(lines.get(key, block.line), f"option '{key}' of a {self.name} block: {exc}")
                ok = False
        for key, option in self.options.items():
            if option.required and key not in values and key not in block.options:
                ctx.report(block.line, f"a {self.name} block needs the option '{key}'")
                ok = False
        return values if ok else None


REGISTRY: dict[str, BlockType] = {}


def registry() -> dict[str, BlockType]:
    """Every block type; ``courseware.courses.compiler`` imports the quiz and worksheet blocks, which register."""
    return REGISTRY


def register(block_type: type[BlockType]) -> type[BlockType]:
    REGISTRY[block_type.name] = block_type()
    return block_type


def slugify(text: str) -> str:
    """An id from a title: lowercase ASCII letters, digits and hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "page"


ID_SUFFIX_RE = re.compile(r"\s*\{\s*#([^}\s]+)\s*\}\s*$")


def split_id(text: str) -> tuple[str, str | None]:
    """``'Prompt {#an-id}'`` -> ``('Prompt', 'an-id')``; without a suffix the id is None."""
    match = ID_SUFFIX_RE.search(text)
    if not match:
        return text, None
    return text[: match.start()].rstrip(), match.group(1)


def flag_option(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("use true or false")
    return value


def minutes_option(value: Any) -> int:
    """The ``minutes`` a block's activity takes, counted in its module's time estimate."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MOST_MINUTES:
        raise ValueError(f"use a whole number of minutes from 1 to {MOST_MINUTES}")
    return value


def slug_option(value: Any) -> str:
    value = str(value)
    if not SLUG_RE.match(value):
        raise ValueError(f"'{value}' is not an id (use lowercase letters, digits and hyphens)")
    return value


@dataclass(frozen=True)
class CalloutSegment:
    style: str
    label: str
    title: str
    html: str
    kind: str = "callout"
    minutes: int | None = None  # declared by the author; a callout is otherwise read, not done


class Callout(BlockType):
    label: ClassVar[str]
    options = {"minutes": Option(minutes_option)}

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> CalloutSegment:
        if not any(line.text.strip() for line in block.body):
            ctx.report(block.line, f"the {self.name} block is empty")
        html = ctx.render_lines(block.body)
        return CalloutSegment(self.name, self.label, block.title, html, minutes=options.get("minutes"))


@register
class Note(Callout):
    name = "note"
    label = "Note"


@register
class Tip(Callout):
    name = "tip"
    label = "Tip"


@register
class Warning(Callout):
    name = "warning"
    label = "Warning"


@register
class TryThis(Callout):
    name = "try-this"
    label = "Try this"
