"""The page "Our district's procedures": a district's answers to the blanks of a course's district box."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from courseware.cohorts import district_procedures, district_views
from courseware.cohorts.routes import bp, leader_required
from courseware.courses import Course, catalog
from courseware.models import Organisation


def _district_course(organisation_id: int, slug: str) -> tuple[Organisation, Course, str]:
    """The district, the course with blanks to fill in and what the signed-in leader may do; otherwise a 404,
    as if the page did not exist."""
    district = district_procedures.find_district(organisation_id)
    course = catalog().get(slug)
    if district is None or course is None or course.is_broken or not course.district_blanks:
        abort(404)
    if not course.published and not current_user.is_admin:  # a draft is the admins' to prepare
        abort(404)
    access = district_procedures.access_to(current_user._get_current_object(), district)
    if access is None:
        abort(404)
    return district, course, access


def _page(district, course, access, values=None, problems=None, status: int = 200):
    answers = district_procedures.answers_of(district.id, course.slug)
    return render_template(
        "cohorts/district_procedures.html",
        district=district,
        course=course,
        access=access,
        blanks=course.district_blanks,
        answers=answers,
        names=district_procedures.names_of({a.changed_by for a in answers.values() if a.changed_by is not None}),
        shown={key: district_views.render_answer(a.answer) for key, a in answers.items()},
        values=values if values is not None else {key: a.answer for key, a in answers.items()},
        problems=problems or {},
        limit=district_procedures.ANSWER_LIMIT,
    ), status


@bp.get("/districts/<int:organisation_id>/courses/<slug>/procedures")
@leader_required
def district_procedures_page(organisation_id: int, slug: str):
    district, course, access = _district_course(organisation_id, slug)
    return _page(district, course, access)


@bp.post("/districts/<int:organisation_id>/courses/<slug>/procedures")
@leader_required
def save_district_procedures(organisation_id: int, slug: str):
    district, course, access = _district_course(organisation_id, slug)
    if access != "change":
        abort(403)
    values = {blank.key: request.form[f"answer-{blank.key}"] for _, blank in course.district_blanks
              if f"answer-{blank.key}" in request.form}  # fmt: skip
    saved = district_procedures.save_answers(district, course, values, current_user._get_current_object())
    if saved.problems:
        kept = {key: a.answer for key, a in district_procedures.answers_of(district.id, course.slug).items()}
        return _page(district, course, access, {**kept, **values}, saved.problems, 422)
    if saved.changed:
        flash(f"Saved: {saved.changed} answer{'s' if saved.changed != 1 else ''} changed.", "success")
    else:
        flash("Nothing had changed, so nothing was saved.", "success")
    return redirect(url_for("cohorts.district_procedures_page", organisation_id=district.id, slug=course.slug))
