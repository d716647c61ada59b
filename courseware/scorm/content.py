"""The package's launch page: every page of the course in one static HTML document.

The pages are the compiled course's own HTML (sanitised Markdown, callouts, district boxes), rendered
by ``templates/scorm/``; images point into the package's ``media/`` folder instead of the app, and a
link to a page of the app becomes its text, so that nothing in the package reaches for a server.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from flask import current_app

from courseware.courses.model import Course
from courseware.courses.render import media_file
from courseware.scorm.quiz_data import mastery_score, runtime_data

APP_LINK_RE = re.compile(r'<a href="/[^"]*"[^>]*>(.*?)</a>', re.DOTALL)


class MissingMedia(Exception):
    """An image the course shows is not in its media folder (``flask courses check`` reports it too)."""


@dataclass(frozen=True)
class LaunchPage:
    html: str
    media: dict[str, Path]  # name inside the package's media/ folder: the course's file


def launch_page(course: Course) -> LaunchPage:
    template = current_app.jinja_env.get_template("scorm/index.html")
    page_html = template.render(
        course=course,
        track=course.track_named(course.track),
        mastery_score=mastery_score(course),
        runtime_data=runtime_data(course),
    )
    return _offline(course, page_html)


def _offline(course: Course, page_html: str) -> LaunchPage:
    """Images from the package's media folder, and links to the app as plain text."""
    prefix = f"/courses/{course.slug}/media/"
    found = re.compile(r'src="' + re.escape(prefix) + r'([^"]+)"')
    media: dict[str, Path] = {}
    for name in {html.unescape(m.group(1)) for m in found.finditer(page_html)}:
        path = media_file(course.path, "media/" + unquote(name))
        if path is None or not path.is_file():
            raise MissingMedia(f"the image media/{name} is not in {course.path / 'media'}")
        media[unquote(name)] = path
    page_html = found.sub(lambda m: f'src="media/{m.group(1)}"', page_html)
    page_html = APP_LINK_RE.sub(lambda m: m.group(1), page_html)
    return LaunchPage(page_html, media)
