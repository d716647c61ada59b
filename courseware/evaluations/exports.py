"""Evaluation results as CSV: one row per statement, then (for admins) one row per comment."""

from __future__ import annotations

import re
from collections.abc import Iterator

from courseware.courses import Course
from courseware.courses.model import LIKERT_SCALE
from courseware.evaluations.results import Results
from courseware.spreadsheet import csv_bytes

HEADER = ["Course", "Version", "Row", "Id", "Statement or question", "Responses", *LIKERT_SCALE, "Mean", "Month",
          "Comment"]  # fmt: skip


def results_csv(course: Course, found: Results, with_comments: bool) -> bytes:
    """Formula-safe CSV of the results; the comments only when ``with_comments`` (admins)."""
    return csv_bytes(HEADER, _rows(course, found, with_comments))


def _rows(course: Course, found: Results, with_comments: bool) -> Iterator[list[object]]:
    version = found.version or "all versions"
    blank = [""] * len(LIKERT_SCALE)
    for item in found.items:
        mean = f"{item.mean:.2f}" if item.mean is not None else ""
        yield [course.title, version, "rating", item.id, item.statement, item.responses, *item.counts, mean, "", ""]
    if with_comments:
        for comment in found.comments:
            yield [course.title, version, "comment", comment.question_id, comment.question, "", *blank, "",
                   comment.month.strftime("%Y-%m"), comment.text]  # fmt: skip


def filename(course: Course, found: Results, group: str = "") -> str:
    """evaluation-<course>[-<group>][-v<version>].csv, with nothing a download header could trip on."""
    parts = ["evaluation", course.slug, group, f"v{found.version}" if found.version else ""]
    return re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(p for p in parts if p)) + ".csv"
