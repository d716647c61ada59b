"""A course's facilitator and leader guide: ``guide.md`` beside the modules, compiled with the same
Markdown pipeline as the pages.

The file starts with its title (``# Leader's guide``); each ``## `` heading starts a section, listed
in the guide's contents; ``### `` starts a part of a section. Images come from the course's media
folder, as on pages. Mistakes are reported with the file and line, like a module's.
"""

from __future__ import annotations

import re
from pathlib import Path

from courseware.courses.blocks import slugify
from courseware.courses.model import Guide
from courseware.courses.problems import ProblemList
from courseware.courses.render import MarkdownRenderer, find_images, media_file

GUIDE_FILE = "guide.md"
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")


def compile_guide(course_dir: Path, renderer: MarkdownRenderer, problems: ProblemList) -> Guide | None:
    """The course's guide, or None when it has none (or one too broken to show)."""
    path = course_dir / GUIDE_FILE
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        problems.add(path, 1, "the guide cannot be read: save it as UTF-8 text")
        return None
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        problems.add(path, 1, "the guide is empty: start it with its title, like '# Leader's guide'")
        return None
    heading = HEADING_RE.match(lines[first])
    if heading is None or len(heading.group(1)) != 1 or not heading.group(2):
        problems.add(path, first + 1, "the guide starts with its title on one line, like '# Leader's guide'")
        return None
    body: list[str] = []
    sections: list[tuple[str, str]] = []
    seen: set[str] = set()
    fenced = False
    for number, line in enumerate(lines[first + 1 :], start=first + 2):
        if FENCE_RE.match(line):
            fenced = not fenced
        found = None if fenced else HEADING_RE.match(line)
        if found is None:
            body.append(line)
            continue
        level, title = len(found.group(1)), found.group(2)
        if level == 1:
            problems.add(
                path, number, "the guide has one title: start its sections with '## ', their parts with '### '"
            )
            continue
        if not title:
            problems.add(path, number, "a heading needs its text, like '## Session plans'")
            continue
        if level == 2:
            anchor = slugify(title) or f"section-{len(sections) + 1}"
            while anchor in seen:
                anchor += "-2"
            seen.add(anchor)
            sections.append((anchor, title))
            body.append(f"### {title} {{#{anchor}}}")  # rendered as <h2>, under the page's <h1>
        else:
            body.append("#" * (level + 1) + " " + title)
    for offset, alt, src in find_images(text):
        target = media_file(course_dir, src)
        if not alt:
            problems.add(path, offset + 1, f"image '{src}' needs alt text: ![what the image shows]({src})")
        if target is None or not target.is_file():
            problems.add(path, offset + 1, f"image '{src}' was not found in {course_dir.name}/media/")
    if not sections:
        problems.warn(path, first + 1, "the guide has no sections: start each one with a '## ' heading")
    return Guide(heading.group(2), renderer.render("\n".join(body)), sections)
