"""The compiled courses, cached in memory and recompiled when their files change."""

from __future__ import annotations

import threading
from pathlib import Path

from courseware.courses.compiler import compile_course
from courseware.courses.model import Course
from courseware.courses.problems import Problem


def _signature(course_dir: Path) -> tuple:
    """Names, sizes and modification times of every file of a course."""
    entries = []
    for path in sorted(course_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class Catalog:
    """Every course folder under ``root``; a folder is a course when it has a course.yml."""

    def __init__(
        self, root: Path, auto_reload: bool = False, designs: list[str] | None = None, profiles: list[str] | None = None
    ) -> None:
        self.root = root
        self.designs = designs
        self.profiles = profiles
        self.profile_problems: list[Problem] = []  # credit profile files that did not load
        self.auto_reload = auto_reload
        self._lock = threading.Lock()
        self._courses: dict[str, tuple[tuple, Course]] = {}
        self._slugs: list[str] | None = None

    def _course_dirs(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and (p / "course.yml").is_file())

    def slugs(self) -> list[str]:
        if self._slugs is None or self.auto_reload:
            self._slugs = [p.name for p in self._course_dirs()]
        return self._slugs

    def get(self, slug: str) -> Course | None:
        """The compiled course, or None when there is no such course folder."""
        if slug not in self.slugs():
            return None
        cached = self._courses.get(slug)
        if cached is not None and not self.auto_reload:
            return cached[1]
        course_dir = self.root / slug
        signature = _signature(course_dir)
        if cached is not None and cached[0] == signature:
            return cached[1]
        with self._lock:
            cached = self._courses.get(slug)
            if cached is None or cached[0] != signature:
                cached = (signature, compile_course(course_dir, self.root, self.designs, self.profiles))
                self._courses[slug] = cached
        return cached[1]

    def all(self) -> list[Course]:
        return [course for slug in self.slugs() if (course := self.get(slug)) is not None]

    def published(self) -> list[Course]:
        """Courses learners may take: published and free of mistakes."""
        return [c for c in self.all() if c.published and not c.is_broken]
