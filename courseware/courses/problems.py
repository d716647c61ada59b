"""Mistakes found in a course, each pointing at a file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ProblemList:
    """Collects what is wrong with one course; files are shown relative to the courses folder.

    Three kinds, from worst to mildest:

    - ``items`` (``add``): mistakes. The course cannot be compiled as written and is hidden from
      learners until they are fixed.
    - ``credit`` (``add_credit``): the course works, but its credit cannot be trusted as written
      (hours not backed by the work, provider details missing). Learners can take it and complete
      it; no certificate is issued until they are fixed. ``flask courses check`` fails on them.
    - ``warnings`` (``warn``): worth a look (a quiz whose right answers are easy to guess).
      ``flask courses check`` prints them and passes.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []
        self.credit: list[Problem] = []
        self.warnings: list[Problem] = []

    def shown(self, path: Path) -> str:
        """The file as problems name it: relative to the courses folder when it is inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def _problem(self, path: Path, line: int, message: str) -> Problem:
        return Problem(self.shown(path), max(line, 1), message)

    def add(self, path: Path, line: int, message: str) -> None:
        self.items.append(self._problem(path, line, message))

    def add_credit(self, path: Path, line: int, message: str) -> None:
        self.credit.append(self._problem(path, line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(self._problem(path, line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self, kind: str = "items") -> list[Problem]:
        return sorted(set(getattr(self, kind)))
