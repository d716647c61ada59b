"""How each kind of interactive block is shown on a page, registered by the area that owns it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from courseware.courses import Course, Page
from courseware.models import User


@dataclass(frozen=True)
class BlockView:
    """``forms(user, course, page, overrides)`` reads the learner's state of every block of this kind on
    the page, by block id, for the template (as ``<kind>_forms``); it never writes. ``on_view(user, course,
    page)``, if given, runs inside the page view's transaction (quizzes store the version shown to the
    learner there)."""

    kind: str
    forms: Callable[[User, Course, Page, dict | None], dict[str, Any]]
    on_view: Callable[[User, Course, Page], None] | None = None


VIEWS: dict[str, BlockView] = {}


def register_block_view(view: BlockView) -> BlockView:
    VIEWS[view.kind] = view
    return view
