"""Certificates held back: which courses have learners waiting, how many, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from courseware.courses import catalog
from courseware.credit.profiles import all_profiles
from courseware.credit.providers import missing, provider_for
from courseware.extensions import db
from courseware.models import Enrolment


@dataclass(frozen=True)
class WaitingCourse:
    slug: str
    title: str
    learners: int
    reasons: tuple[str, ...]  # what to fix; empty when nothing is missing any more and the job will issue them


def waiting_courses() -> list[WaitingCourse]:
    """Courses with learners whose certificates are held back, with how many and why. Reads only."""
    rows = db.session.execute(
        select(Enrolment.course_slug, func.count(Enrolment.id))
        .where(Enrolment.certificate_held_at.is_not(None))
        .group_by(Enrolment.course_slug)
        .order_by(Enrolment.course_slug)
    ).all()
    found = []
    for slug, count in rows:
        course = catalog().get(slug)
        if course is None:
            found.append(WaitingCourse(slug, slug, count, ("the course folder is no longer there",)))
            continue
        reasons = [str(problem) for problem in course.problems[:3]]
        reasons += [str(problem) for problem in course.credit_problems]
        provider = provider_for(course)
        profiles = all_profiles()
        if provider is None and profiles:
            reasons += missing(course, None, next(iter(profiles.values())))
        for key in course.credit.profiles if provider is not None else ():
            profile = profiles.get(key)
            if profile is None:
                reasons.append(f"the credit profile '{key}' is not installed")
                continue
            reasons += [
                f"{profile.title}: {reason}" for reason in missing(course, provider, profile, written_checked=True)
            ]
        found.append(WaitingCourse(slug, course.title, count, tuple(dict.fromkeys(reasons))))
    return found
