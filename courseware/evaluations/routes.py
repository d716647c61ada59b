"""The results of course evaluations: every response for admins; for leaders, those of their cohorts
and organisations, once there are enough."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from courseware.cohorts import access, queries
from courseware.courses import Course, catalog
from courseware.courses.model import LIKERT_SCALE
from courseware.errors import render_error
from courseware.evaluations import exports
from courseware.evaluations.results import MIN_RESPONSES, Scope, counts_by_course, results, versions
from courseware.models import Cohort, Organisation

bp = Blueprint("evaluations", __name__)


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def leader_required(view):
    """Leaders and admins only: anyone else signed in gets a 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not access.is_leader(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class View:
    """Whose results a page shows, and where it sits: the scope, a sentence naming the people, the
    breadcrumbs up to the list of courses, and the endpoints (with their arguments) of its pages."""

    scope: Scope
    who: str
    crumbs: list[tuple[str, str]]  # (text, address), the last one the list of courses
    results_endpoint: str
    csv_endpoint: str
    args: dict


def _course(slug: str) -> Course:
    course = catalog().get(slug)
    if course is None:
        abort(404)
    return course


def _version() -> str | None:
    return request.args.get("version", "").strip()[:50] or None


def _results_page(view: View, course: Course):
    found = results(course, view.scope, _version())
    here = url_for(view.results_endpoint, slug=course.slug, **view.args)
    return render_template(
        "evaluations/results.html",
        course=course,
        found=found,
        versions=versions(course.slug, view.scope),
        scale=LIKERT_SCALE,
        who=view.who,
        crumbs=[*view.crumbs, (f"Evaluation: {course.title}", here)],
        here=here,
        csv_url=url_for(view.csv_endpoint, slug=course.slug, version=found.version, **view.args),
    )


def _csv(view: View, course: Course, with_comments: bool, group: str = ""):
    found = results(course, view.scope, _version())
    if not found.shown:
        detail = (
            f"A group's results are shown once at least {found.minimum} of its members have evaluated the course."
            if found.minimum > 1
            else "Nobody has evaluated the course yet."
        )
        return render_error(404, "No results to download yet", detail)
    return (
        exports.results_csv(course, found, with_comments),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{exports.filename(course, found, group)}"',
            "Cache-Control": "private, no-store",
        },
    )


def _courses_page(view: View, assigned: Collection[str] = ()):
    counts = counts_by_course(view.scope)
    courses = [c for c in catalog().all() if c.evaluation is not None and (c.slug in counts or c.slug in assigned)]
    links = {c.slug: url_for(view.results_endpoint, slug=c.slug, **view.args) for c in courses}
    return render_template(
        "evaluations/courses.html",
        who=view.who,
        crumbs=view.crumbs,
        courses=courses,
        counts=counts,
        links=links,
        minimum=MIN_RESPONSES,
    )


# -- admins: every response -----------------------------------------------------------------------


def _admin_view() -> View:
    crumbs = [("Courses", url_for("admin.courses"))]
    return View(Scope.everyone(), "Every learner", crumbs, "evaluations.course_results", "evaluations.course_csv", {})


@bp.get("/admin/evaluations/<slug>")
@admin_required
def course_results(slug: str):
    return _results_page(_admin_view(), _course(slug))


@bp.get("/admin/evaluations/<slug>.csv")
@admin_required
def course_csv(slug: str):
    return _csv(_admin_view(), _course(slug), with_comments=True)


# -- leaders: their cohort's responses ------------------------------------------------------------


def _cohort_view(cohort_id: int) -> tuple[Cohort, View]:
    """The cohort, if the signed-in leader leads it (otherwise a 404, as if it did not exist), and its view."""
    cohort = queries.led_cohort(current_user._get_current_object(), cohort_id)
    if cohort is None:
        abort(404)
    crumbs = [
        ("My cohorts", url_for("cohorts.index")),
        (cohort.name, url_for("cohorts.show", cohort_id=cohort.id)),
        ("Course evaluations", url_for("evaluations.cohort_courses", cohort_id=cohort.id)),
    ]
    return cohort, View(
        Scope.cohort(cohort.id),
        f"Members of {cohort.name}",
        crumbs,
        "evaluations.cohort_results",
        "evaluations.cohort_csv",
        {"cohort_id": cohort.id},
    )


@bp.get("/cohorts/<int:cohort_id>/evaluations")
@leader_required
def cohort_courses(cohort_id: int):
    cohort, view = _cohort_view(cohort_id)
    assigned = {assignment.course_slug for assignment in queries.overview(cohort).assignments}
    return _courses_page(view, assigned)


@bp.get("/cohorts/<int:cohort_id>/evaluations/<slug>")
@leader_required
def cohort_results(cohort_id: int, slug: str):
    _, view = _cohort_view(cohort_id)
    return _results_page(view, _course(slug))


@bp.get("/cohorts/<int:cohort_id>/evaluations/<slug>.csv")
@leader_required
def cohort_csv(cohort_id: int, slug: str):
    cohort, view = _cohort_view(cohort_id)
    return _csv(view, _course(slug), with_comments=False, group=f"cohort{cohort.id}")


# -- leaders of an organisation: the responses of its cohorts, and of its schools' ---------------


def _organisation_view(organisation_id: int) -> tuple[Organisation, View]:
    """The organisation, if the signed-in leader leads it (otherwise a 404), and its view: the responses
    of people in its cohorts (a district's include its schools'), each counted once."""
    led = {o.id: o for o in access.led_organisations(current_user._get_current_object())}
    organisation = led.get(organisation_id)
    if organisation is None:
        abort(404)
    crumbs = [
        ("My cohorts", url_for("cohorts.index")),
        (
            f"Course evaluations in {organisation.name}",
            url_for("evaluations.organisation_courses", organisation_id=organisation.id),
        ),
    ]
    return organisation, View(
        Scope.organisations({organisation.id, *(school.id for school in organisation.schools)}),
        f"Members of the cohorts of {organisation.name}",
        crumbs,
        "evaluations.organisation_results",
        "evaluations.organisation_csv",
        {"organisation_id": organisation.id},
    )


@bp.get("/organisations/<int:organisation_id>/evaluations")
@leader_required
def organisation_courses(organisation_id: int):
    _, view = _organisation_view(organisation_id)
    return _courses_page(view)


@bp.get("/organisations/<int:organisation_id>/evaluations/<slug>")
@leader_required
def organisation_results(organisation_id: int, slug: str):
    _, view = _organisation_view(organisation_id)
    return _results_page(view, _course(slug))


@bp.get("/organisations/<int:organisation_id>/evaluations/<slug>.csv")
@leader_required
def organisation_csv(organisation_id: int, slug: str):
    organisation, view = _organisation_view(organisation_id)
    return _csv(view, _course(slug), with_comments=False, group=f"organisation{organisation.id}")
