"""What leaders download: the dashboard as CSV, and every certificate of a cohort as one ZIP."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, cast

from sqlalchemy import select

from courseware.certificates.services import pdf_bytes
from courseware.cohorts.dashboard import LABELS, MemberRow, discussion_modules
from courseware.courses import Course
from courseware.courses.quiz import Quiz
from courseware.extensions import db
from courseware.models import Certificate
from courseware.spreadsheet import csv_bytes


def dashboard_csv(
    course: Course, rows: list[MemberRow], quizzes: list[tuple[Quiz, str]], by_module: dict[int, dict[str, int]]
) -> bytes:
    """The dashboard's rows, with each member's minutes of seat time in every module (``by_module``,
    from :func:`courseware.cohorts.dashboard.module_seconds`) and, in a course with practice, the
    practice minutes that count, in a course with case studies, how many each member has done and their
    average self-score (never a response), in a course with a pre-check and a growth check, each member's
    score before and after, and, in a course with discussions, how many posts each member wrote in each
    module's discussion (never what was written)."""
    modules = course.modules
    practice = course.has_blocks("practice")
    cases = course.has_blocks("case_study")
    discussed = discussion_modules(course)
    tracks = bool(course.tracks)
    growth = course.growth_checks() is not None
    header = ["Name", "Email", "Email confirmed", "Staff role", "School", *(["Track"] if tracks else []), "Status",
              "Progress %", "Pages read",
              "Reading minutes",
              *(["Practice minutes"] if practice else []),
              *(["Case studies done", "Average self-score %"] if cases else []),
              "Hours earned", "Last activity", "Completed", "Certificate code",
              *[f"Best score: {label}" for _, label in quizzes],
              *(["Growth: before %", "Growth: after %"] if growth else []),
              *[f"Minutes: {m.title}" for m in modules],
              *[f"Discussion posts: {m.title}" for m in discussed]]  # fmt: skip
    body = (
        (r.name, r.email, "yes" if r.email_confirmed else "no", r.staff_role, r.school,
         *([r.track] if tracks else []), LABELS[r.status], r.percent,
         r.pages, round(r.seconds / 60),
         *([r.practice_minutes] if practice else []),
         *([r.case_studies_done, "" if r.case_score_average is None else r.case_score_average] if cases else []),
         f"{r.hours:g}", r.last_activity.date().isoformat() if r.last_activity else "",
         r.completed_at.date().isoformat() if r.completed_at else "", r.certificate_code or "",
         *[r.scores.get(quiz.id, "") for quiz, _ in quizzes],
         *([_score(r.before), _score(r.after)] if growth else []),
         *[by_module.get(r.user_id, {}).get(m.slug, 0) // 60 for m in modules],
         *[r.posts.get(m.slug, 0) for m in discussed])
        for r in rows
    )  # fmt: skip
    return csv_bytes(header, body)


def _score(value: int | None) -> int | str:
    return "" if value is None else value


class _Chunks:
    """A write-only file whose writes are collected and handed on as they happen."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def certificates_zip(course: Course, rows: list[MemberRow]) -> Iterator[bytes]:
    """Stream a ZIP of the members' current certificates, one PDF after another."""
    done = [r for r in rows if r.certificate_code and r.status == "completed"]
    codes = [r.certificate_code for r in done]
    names = {r.certificate_code: r.name for r in done}
    sink = _Chunks()
    with zipfile.ZipFile(cast(IO[bytes], sink), "w", compression=zipfile.ZIP_STORED) as archive:
        used: set[str] = set()
        for start in range(0, len(codes), 200):
            batch = db.session.scalars(select(Certificate).where(Certificate.code.in_(codes[start : start + 200])))
            for certificate in batch:
                base = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in names[certificate.code]).strip()
                filename = f"{base or 'certificate'} - {certificate.code[:8]}.pdf"
                while filename in used:
                    filename = filename.replace(".pdf", "-1.pdf")
                used.add(filename)
                archive.writestr(filename, pdf_bytes(certificate))
                yield sink.take()
            db.session.expunge_all()
    yield sink.take()
