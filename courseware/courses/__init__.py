"""The course compiler: Markdown and YAML in ``modules/`` become compiled courses."""

from flask import current_app

from courseware.courses.catalog import Catalog
from courseware.courses.compiler import compile_course
from courseware.courses.model import Course, Module, Page

__all__ = ["Catalog", "Course", "Module", "Page", "catalog", "compile_course", "init_app"]


def init_app(
    app, designs: list[str] | None = None, profiles: list[str] | None = None, profile_problems: list | None = None
) -> None:
    """Serve the courses of COURSES_DIR; ``designs`` are the certificate designs and ``profiles`` the
    credit profiles a course may name (``profile_problems``: the mistakes of profile files not loaded)."""
    catalog = Catalog(app.config["COURSES_DIR"], app.config["COURSES_AUTO_RELOAD"], designs, profiles)
    catalog.profile_problems = list(profile_problems or [])
    app.extensions["courseware.catalog"] = catalog


def catalog() -> Catalog:
    return current_app.extensions["courseware.catalog"]
