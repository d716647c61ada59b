"""``flask courses``: check and list courses."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courseware.courses import catalog
from courseware.courses.checks import credit_checks
from courseware.courses.compiler import compile_course, hours

courses_cli = AppGroup("courses", help="Check and list the courses in the courses folder.")


def _course_dirs(path: Path) -> list[Path]:
    if (path / "course.yml").is_file():
        return [path]
    if path.is_file() and path.suffix == ".md":
        return [path.parent]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / "course.yml").is_file()) if path.is_dir() else []


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check(path: Path | None) -> None:
    """Check every course (or the one at PATH) and print each mistake as file:line: message.

    Credit problems (the course can be taken, but no certificate is issued) are printed and fail the
    check too, among them what the app knows: a provider key no admin has set up, or a provider that
    lacks a detail one of the course's credit profiles requires. Warnings are printed and pass.
    """
    root = path or current_app.config["COURSES_DIR"]
    if not root.exists():
        raise click.ClickException(f"{root} does not exist")
    course_dirs = _course_dirs(root)
    if not course_dirs:
        raise click.ClickException(f"no course found at {root} (a course is a folder with a course.yml)")
    count = credit_count = 0
    base = Path.cwd()
    designs, profiles = catalog().designs, catalog().profiles
    for course_dir in course_dirs:
        root = base if course_dir.resolve().is_relative_to(base) else None
        course = compile_course(course_dir, root, designs, profiles)
        for problem in course.problems:
            click.echo(str(problem), err=True)
        count += len(course.problems)
        credit = [] if course.problems else sorted({*course.credit_problems, *credit_checks(course)})
        for problem in credit:
            click.echo(f"{problem} (credit: no certificate is issued until this is fixed)", err=True)
        credit_count += len(credit)
        for warning in course.warnings:
            click.echo(f"{warning} (warning)")
        if not course.problems:
            counts = f"{plural(len(course.modules), 'module')}, {plural(len(course.pages), 'page')}"
            summary = f"{counts}, {hours(course.minutes / 60)}"
            state = f"{plural(len(credit), 'credit problem')}" if credit else "ok"
            click.echo(f"{course.slug}: {state} ({summary})")
    for problem in catalog().profile_problems:
        click.echo(f"{problem} (credit profile not loaded)", err=True)
    count += len(catalog().profile_problems)
    found = []
    if count:
        found.append(plural(count, "mistake"))
    if credit_count:
        found.append(plural(credit_count, "credit problem"))
    if found:
        raise click.ClickException(f"{' and '.join(found)} found")


@courses_cli.command("list")
def list_courses() -> None:
    """List the courses with their status."""
    for course in catalog().all():
        status = "broken" if course.is_broken else ("published" if course.published else "draft")
        click.echo(f"{course.slug}\t{status}\t{course.minutes} min\t{course.title}")
