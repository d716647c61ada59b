"""``flask courses``: check and list courses, and show how long their modules take."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courseware.courses import catalog
from courseware.courses.checks import app_checks, credit_checks
from courseware.courses.compiler import compile_course, hours
from courseware.courses.model import Course
from courseware.courses.time_model import TOLERANCE_PERCENT, CourseTime, ModuleTime, course_time

courses_cli = AppGroup("courses", help="Check and list the courses in the courses folder.")

COLUMNS = ("stated", "estimated", "reading", "activities")


def _course_dirs(path: Path) -> list[Path]:
    if (path / "course.yml").is_file():
        return [path]
    if path.is_file() and path.suffix == ".md":
        return [path.parent]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / "course.yml").is_file()) if path.is_dir() else []


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _counts(mistakes: int, credit: int) -> str:
    found = [plural(mistakes, "mistake")] if mistakes else []
    found += [plural(credit, "credit problem")] if credit else []
    return " and ".join(found)


def hours_table(course: Course, time: CourseTime, activities: bool = False) -> list[str]:
    """Lines of a table of minutes per module: stated, estimated, reading and activities, then the total."""
    width = max([len("total"), *(len(m.source.name) for m in course.modules)])

    def row(name: str, item: ModuleTime | CourseTime, note: str = "") -> str:
        cells = (item.stated, item.estimated, item.reading, item.activity_minutes)
        numbers = "  ".join(f"{value:>{len(title)}}" for value, title in zip(cells, COLUMNS, strict=True))
        return f"{name:<{width}}  {numbers}{note}".rstrip()

    track = course.track_named(course.track)
    named = f", track '{track.id}' ({track.title})" if track else ""
    lines = [f"{course.slug}{named}: minutes per module", f"{'module':<{width}}  {'  '.join(COLUMNS)}"]
    for module, module_time in zip(course.modules, time.modules, strict=True):
        apart = f"  more than {TOLERANCE_PERCENT} % apart" if not module_time.fits else ""
        lines.append(row(module.source.name, module_time, apart))
        if activities:
            lines += [f"    {_activity(a)}" for a in module_time.activities]
    lines.append(row("total", time))
    if course.offers_credit:
        credit = course.credit
        unit = credit.credit_type.removesuffix("s") if credit.hours == 1 else credit.credit_type
        lines.append(f"credit: {credit.hours:g} {unit} ({credit.hours * 60:g} minutes)")
    return lines


def track_views(course: Course) -> list[Course]:
    """The course as each of its tracks takes it, or the course itself when it has none."""
    return [course.for_track(t.id) for t in course.tracks] or [course]


def _activity(activity) -> str:
    source = "declared" if activity.declared else "default"
    title = f" '{activity.title}'" if activity.title else ""
    return f"{activity.kind}{title}: {activity.minutes} min ({source})"


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check(path: Path | None) -> None:
    """Check every course (or the one at PATH): mistakes, credit problems and warnings, each as file:line: message.

    Fails on mistakes (the course is hidden) and on credit problems (no certificate is issued);
    warnings are printed and pass. Credit problems include what the app knows: a provider key no
    admin has set up, or a provider that lacks a detail one of the course's credit profiles requires.
    """
    root = path or current_app.config["COURSES_DIR"]
    if not root.exists():
        raise click.ClickException(f"{root} does not exist")
    course_dirs = _course_dirs(root)
    if not course_dirs:
        raise click.ClickException(f"no course found at {root} (a course is a folder with a course.yml)")
    mistakes = credit = 0
    notes: list[str] = []
    base = Path.cwd()
    designs, profiles = catalog().designs, catalog().profiles
    for course_dir in course_dirs:
        root = base if course_dir.resolve().is_relative_to(base) else None
        course = compile_course(course_dir, root, designs, profiles)
        warnings = course.warnings
        if not course.problems:  # what the app knows: the course's provider, the districts' answers
            course.credit_problems = sorted({*course.credit_problems, *credit_checks(course)})
            found, said = app_checks(course)
            warnings = sorted({*warnings, *found})
            notes += [note for note in said if note not in notes]
        for problem in [*course.problems, *course.credit_problems]:
            click.echo(str(problem), err=True)
        for problem in warnings:
            click.echo(f"warning: {problem}", err=True)
        mistakes += len(course.problems)
        credit += len(course.credit_problems)
        if course.problems:
            continue
        for view in track_views(course):
            time = course_time(view)
            if not time.fits:
                click.echo("\n".join(hours_table(view, time)))
        if course.credit_problems:
            count = len(course.credit_problems)
            click.echo(
                f"{course.slug}: {plural(count, 'credit problem')}: no certificates are issued for this course "
                f"until {'it is' if count == 1 else 'they are'} fixed"
            )
        else:
            counts = f"{plural(len(course.modules), 'module')}, {plural(len(course.pages), 'page')}"
            if course.tracks:  # each track adds up to the course's hours, or that is a mistake
                counts += f", {plural(len(course.tracks), 'track')}"
            summary = f"{counts}, {hours(track_views(course)[0].minutes / 60)}"
            counted = f", {plural(len(warnings), 'warning')}" if warnings else ""
            click.echo(f"{course.slug}: ok ({summary}){counted}")
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for problem in catalog().profile_problems:
        click.echo(f"{problem} (credit profile not loaded)", err=True)
    mistakes += len(catalog().profile_problems)
    if mistakes or credit:
        raise click.ClickException(f"{_counts(mistakes, credit)} found")


@courses_cli.command("hours")
@click.argument("course_name", metavar="[COURSE]", required=False)
@click.option("--activities", is_flag=True, help="List each module's activities and their minutes.")
def hours_command(course_name: str | None, activities: bool) -> None:
    """How long each module of every course (or of COURSE, an id or a folder) takes: stated and estimated minutes."""
    courses = _courses(course_name)
    failed = 0
    for index, course in enumerate(courses):
        if index:
            click.echo()
        if course.problems:
            click.echo(
                f"{course.slug}: {plural(len(course.problems), 'mistake')} to fix first "
                "(run 'flask courses check'): a block with a mistake is left out of the estimate",
                err=True,
            )
            failed += 1
            continue
        for number, view in enumerate(track_views(course)):
            if number:
                click.echo()
            click.echo("\n".join(hours_table(view, course_time(view), activities)))
    if failed:
        raise click.ClickException(f"{plural(failed, 'course')} with mistakes")


def _courses(course_name: str | None) -> list[Course]:
    if course_name is None:
        found = catalog().all()
        if not found:
            raise click.ClickException(f"no course found in {current_app.config['COURSES_DIR']}")
        return found
    path = Path(course_name)
    if path.exists():
        course_dirs = _course_dirs(path)
        if not course_dirs:
            raise click.ClickException(f"no course found at {path} (a course is a folder with a course.yml)")
        base = Path.cwd()
        return [
            compile_course(d, base if d.resolve().is_relative_to(base) else None, catalog().designs, catalog().profiles)
            for d in course_dirs
        ]
    course = catalog().get(course_name)
    if course is None:
        known = ", ".join(catalog().slugs()) or "none"
        raise click.ClickException(f"no course '{course_name}' (courses: {known})")
    return [course]


@courses_cli.command("list")
def list_courses() -> None:
    """List the courses with their status."""
    for course in catalog().all():
        status = "broken" if course.is_broken else ("published" if course.published else "draft")
        click.echo(f"{course.slug}\t{status}\t{course.minutes} min\t{course.title}")
