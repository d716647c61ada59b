"""A compiled discussion block: prompts that a cohort's members discuss together, module by module."""

from __future__ import annotations

from dataclasses import dataclass

PROMPT_MAX = 1000  # characters of one prompt


@dataclass(frozen=True)
class Discussion:
    id: str
    title: str
    prompts: list[str]  # plain text, as written by the author
    prompts_html: list[str]
    required: bool = False  # posting once in the module's circle is part of the module's work, for cohort members
    line: int = 0


@dataclass(frozen=True)
class DiscussionSegment:
    """The place of a discussion block on a page."""

    discussion: Discussion
    kind: str = "discussion"
    minutes: int | None = None  # declared by the author, for the module's time estimate
