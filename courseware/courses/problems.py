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
    """Collects problems for one course; files are shown relative to the courses folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        try:
            shown = str(path.relative_to(self.root))
        except ValueError:
            shown = str(path)
        self.items.append(Problem(shown, max(line, 1), message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))
