"""``flask courses export-scorm``: a course as a SCORM 1.2 package for a district's own LMS."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from courseware.scorm.export import ExportRefused, course_to_export, default_output, write_package
from courseware.scorm.quiz_data import SUSPEND_DATA_MAX, suspend_data_estimate


class Refused(click.ClickException):
    """Bad input (a course, track or path that does not work): the message, and exit status 2."""

    exit_code = 2


@click.command("export-scorm")
@click.argument("course_slug", metavar="COURSE")
@click.option(
    "--track", "track_id", metavar="TRACK", help="The role track to export (required for a course with tracks)."
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.zip",
    help="Where to write the package (default: COURSE[-TRACK]-scorm12.zip in the current folder).",
)
@with_appcontext
def export_scorm(course_slug: str, track_id: str | None, output: Path | None) -> None:
    """Write COURSE as a SCORM 1.2 package: its pages work offline, and report completion and score to the LMS.

    Its quizzes are graded in the browser, so their answers are in the package; worksheets, case
    studies, practice logs and discussions become prompts to work through in one's own notes.
    See docs/scorm.md.
    """
    try:
        course = course_to_export(course_slug, track_id)
        output = output or default_output(course)
        files = write_package(course, output)
    except ExportRefused as exc:
        raise Refused(str(exc)) from exc
    pages = f"{len(course.pages)} page{'s' if len(course.pages) != 1 else ''}"
    click.echo(f"{output}: SCORM 1.2 package of '{course.slug}', {pages}, {len(files)} files")
    if any(page.blocks("quiz") for page in course.pages):
        click.echo("note: its quizzes are graded in the browser, so their answers are in the package", err=True)
    estimate = suspend_data_estimate(course)
    if estimate > SUSPEND_DATA_MAX:
        click.echo(
            f"warning: what the package keeps of a learner's progress (cmi.suspend_data) may reach {estimate} "
            f"characters, more than the {SUSPEND_DATA_MAX} SCORM 1.2 allows: once it does, the LMS keeps no "
            "newer pages read or quiz scores for resuming (the status and score are still sent). Split the "
            "course, or export it one track at a time.",
            err=True,
        )
    if course.offers_credit:
        click.echo("note: the package earns no credit and no certificate: see docs/scorm.md", err=True)
