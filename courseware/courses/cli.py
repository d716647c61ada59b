"""``flask courses``: check and list courses."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courseware.courses import catalog
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
    """Check every course (or the one at PATH) and print each mistake as file:line: message."""
    root = path or current_app.config["COURSES_DIR"]
    if not root.exists():
        raise click.ClickException(f"{root} does not exist")
    course_dirs = _course_dirs(root)
    if not course_dirs:
        raise click.ClickException(f"no course found at {root} (a course is a folder with a course.yml)")
    count = 0
    base = Path.cwd()
    designs = catalog().designs
    for course_dir in course_dirs:
        root = base if course_dir.resolve().is_relative_to(base) else None
        course = compile_course(course_dir, root, designs)
        for problem in course.problems:
            click.echo(str(problem), err=True)
        count += len(course.problems)
        if not course.problems:
            counts = f"{plural(len(course.modules), 'module')}, {plural(len(course.pages), 'page')}"
            summary = f"{counts}, {hours(course.minutes / 60)}"
            click.echo(f"{course.slug}: ok ({summary})")
    if count:
        raise click.ClickException(f"{count} mistake{'s' if count != 1 else ''} found")


@courses_cli.command("list")
def list_courses() -> None:
    """List the courses with their status."""
    for course in catalog().all():
        status = "broken" if course.is_broken else ("published" if course.published else "draft")
        click.echo(f"{course.slug}\t{status}\t{course.minutes} min\t{course.title}")
