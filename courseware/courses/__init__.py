"""The course compiler: Markdown and YAML in ``modules/`` become compiled courses."""

from flask import current_app

from courseware.courses.catalog import Catalog
from courseware.courses.compiler import compile_course
from courseware.courses.model import Course, Module, Page

__all__ = ["Catalog", "Course", "Module", "Page", "catalog", "compile_course", "init_app"]


def init_app(app, designs: list[str] | None = None) -> None:
    """Serve the courses of COURSES_DIR; ``designs`` are the certificate designs a course may name."""
    app.extensions["courseware.catalog"] = Catalog(
        app.config["COURSES_DIR"], app.config["COURSES_AUTO_RELOAD"], designs
    )


def catalog() -> Catalog:
    return current_app.extensions["courseware.catalog"]
