"""Choosing the course (and track) to export, and writing its SCORM 1.2 package as a zip."""

from __future__ import annotations

import os
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from flask import current_app

from courseware.courses import Course, catalog
from courseware.scorm.content import MissingMedia, launch_page
from courseware.scorm.manifest import LAUNCH, manifest_xml
from courseware.scorm.quiz_data import mastery_score

# The runtime and the package's own styles, copied as they are; the app's stylesheet beside them.
ASSETS = {"js/sco.js": "sco.js", "css/sco.css": "sco.css"}
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # every entry's date in the zip: the same course gives the same bytes


class ExportRefused(Exception):
    """The course cannot be exported as asked; the message says why and what to do."""


def course_to_export(slug: str, track_id: str | None) -> Course:
    """The course as the package's learners take it: the whole course, or one track of a course with tracks."""
    course = catalog().get(slug)
    if course is None:
        known = ", ".join(catalog().slugs()) or "none"
        raise ExportRefused(f"no course '{slug}' (courses: {known})")
    if course.is_broken:
        count = len(course.problems)
        raise ExportRefused(
            f"course '{slug}' has {count} mistake{'s' if count != 1 else ''}: run 'flask courses check' and fix "
            "them before exporting it"
        )
    tracks = ", ".join(f"{t.id} ({t.title})" for t in course.tracks)
    if course.tracks and track_id is None:
        raise ExportRefused(f"course '{slug}' has role tracks: choose one with --track (tracks: {tracks})")
    if track_id is not None and not course.tracks:
        raise ExportRefused(f"course '{slug}' has no role tracks: leave out --track")
    if track_id is not None and course.track_named(track_id) is None:
        raise ExportRefused(f"course '{slug}' has no track '{track_id}' (tracks: {tracks})")
    return course.for_track(track_id) if track_id else course


def default_output(course: Course) -> Path:
    track = f"-{course.track}" if course.track else ""
    return Path(f"{course.slug}{track}-scorm12.zip")


def write_package(course: Course, output: Path) -> list[str]:
    """Write the package to ``output`` (replaced whole, or left as it was if writing fails) and return the
    paths inside it. Raises ExportRefused when an image is missing or ``output`` cannot be written."""
    try:
        page = launch_page(course)
    except MissingMedia as exc:
        raise ExportRefused(f"{exc}: run 'flask courses check'") from exc
    entries: dict[str, bytes] = {LAUNCH: page.html.encode("utf-8")}
    assets = resources.files("courseware.scorm") / "assets"
    for path, name in ASSETS.items():
        entries[path] = (assets / name).read_bytes()
    entries["css/app.css"] = (Path(current_app.static_folder or "static") / "css" / "app.css").read_bytes()
    for name, source in sorted(page.media.items()):
        entries[f"media/{name}"] = source.read_bytes()
    files = list(entries)
    entries = {"imsmanifest.xml": manifest_xml(course, files, mastery_score(course)), **entries}
    _write_zip(output, entries)
    return list(entries)


def _write_zip(output: Path, entries: dict[str, bytes]) -> None:
    folder = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        raise ExportRefused(f"{output} is a folder: name the zip file to write, such as {output / 'course.zip'}")
    if not folder.is_dir():
        raise ExportRefused(f"cannot write {output}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".scorm-", suffix=".zip", dir=folder)
    except OSError as exc:
        raise ExportRefused(f"cannot write {output}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                package.writestr(info, data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a package is for sharing
        os.replace(temporary, output)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ExportRefused(f"cannot write {output}: {exc.strerror or exc}") from exc
