from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware import kept
from courseware.courses import catalog as course_catalog
from courseware.extensions import csrf
from courseware.pages import announce, find_block_or_404, published_course, render_course_page, url_for_page
from courseware.worksheets import pdf, services
from courseware.worksheets.values import ValueInvalid, from_form
from courseware.worksheets.views import PREFIX, posted_fields

bp = Blueprint("worksheets", __name__)


def _revision(raw: str | None) -> int | None:
    """The revision a form field was based on (None: never saved); a 400 for anything else."""
    if not raw or raw == "0":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) >= 2**31:
        abort(400)
    return int(raw)


@bp.post("/courses/<slug>/worksheets/<worksheet_id>")
@csrf.exempt  # checked below, so that text sent with an expired form is kept rather than lost
def save(slug: str, worksheet_id: str):
    """Save a whole worksheet: the form that works without JavaScript."""
    course = published_course(slug)
    page, segment = find_block_or_404(course, "worksheet", worksheet_id)
    worksheet = segment.worksheet
    page_url = url_for_page(course, page)
    expired = kept.keep_unless_signed_in("worksheet", worksheet_id, page_url, "text", "check it and press Save.")
    if expired is not None:
        return expired

    user = current_user._get_current_object()
    posted = {
        fld.id: (from_form(fld, request.form, PREFIX), _revision(request.form.get(f"rev-{fld.id}")))
        for fld in posted_fields(worksheet, request.form)
    }
    result = services.save_worksheet(user, course, worksheet, posted)
    if result.errors:
        return render_course_page(
            course, page, overrides={"worksheet": {worksheet_id: (result.values, result.errors, "")}}, status=422
        )
    announce(result.outcome)
    if result.conflicts:
        flash(
            "Some answers had been changed in another window since this page was opened. Both versions are kept: "
            "choose the one to keep below.",
            "warning",
        )
    else:
        flash(f"Saved “{worksheet.title}”.", "success")
    return redirect(f"{page_url}#worksheet-{worksheet_id}")


@bp.post("/courses/<slug>/worksheets/<worksheet_id>/fields/<field_id>")
@login_required
def autosave(slug: str, worksheet_id: str, field_id: str):
    """Save one field as the learner types (JSON, with the CSRF token in a header)."""
    course = published_course(slug)
    _, segment = find_block_or_404(course, "worksheet", worksheet_id)
    worksheet = segment.worksheet
    fld = worksheet.field(field_id)
    data = request.get_json(silent=True)
    if fld is None:
        return jsonify(error="This field is not part of the worksheet. Reload the page."), 404
    if not isinstance(data, dict) or "value" not in data:
        return jsonify(error="The answer could not be read. Reload the page and try again."), 400
    based_on = data.get("revision")
    if based_on is not None and (
        isinstance(based_on, bool) or not isinstance(based_on, int) or not 0 <= based_on < 2**31
    ):
        return jsonify(error="The answer could not be read. Reload the page and try again."), 400
    user = current_user._get_current_object()
    try:
        saved, outcome = services.autosave(user, course, worksheet, fld, data["value"], based_on or None)
    except ValueInvalid as invalid:
        return jsonify(error=str(invalid)), 422
    body: dict[str, object] = {"revision": saved.revision, "saved_at": saved.updated_at.isoformat()}
    if outcome.completed:
        body["completed"] = True  # an answer may be the last step of the course
    announce(outcome)  # shown on the next page the learner opens
    if saved.conflict is not None:
        body.update(
            conflict=True,
            current=saved.value,
            error="This answer was changed in another window. Both versions are kept: reload to choose one.",
        )
        return jsonify(body), 409
    return jsonify(body)


@bp.post("/courses/<slug>/worksheets/<worksheet_id>/share")
@login_required
def share(slug: str, worksheet_id: str):
    course = published_course(slug)
    page, segment = find_block_or_404(course, "worksheet", worksheet_id)
    worksheet = segment.worksheet
    shared = request.form.get("shared") == "yes"
    services.set_shared(current_user._get_current_object(), course, worksheet, shared)
    flash(
        f"“{worksheet.title}” is now shared with your leaders." if shared else f"“{worksheet.title}” is private again.",
        "success",
    )
    return redirect(f"{url_for_page(course, page)}#worksheet-{worksheet_id}")


@bp.post("/worksheets/conflicts/<int:conflict_id>")
@login_required
def resolve(conflict_id: int):
    use_copy = request.form.get("choice") == "copy"
    conflict = services.resolve_conflict(current_user._get_current_object(), conflict_id, use_copy)
    if conflict is None:
        abort(404)
    flash("Your answer is updated." if use_copy else "The copy is removed; your saved answer stays.", "success")
    entry = conflict.answer.entry
    course = course_catalog().get(entry.course_slug)
    found = course.find_block("worksheet", entry.worksheet_id) if course else None
    if course is None or found is None:
        return redirect(url_for("worksheets.action_plan", slug=entry.course_slug))
    return redirect(f"{url_for_page(course, found[0])}#worksheet-{entry.worksheet_id}")


@bp.get("/courses/<slug>/action-plan")
@login_required
def action_plan(slug: str):
    course = published_course(slug)
    plan = services.action_plan(current_user._get_current_object(), course)
    return render_template("worksheets/action_plan.html", course=course, plan=plan)


@bp.get("/courses/<slug>/action-plan.pdf")
@login_required
def action_plan_pdf(slug: str):
    course = published_course(slug)
    user = current_user._get_current_object()
    data = pdf.action_plan_pdf(user, course, services.action_plan(user, course))
    filename = f"action-plan-{course.slug}.pdf"
    return (
        data,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/entries/<int:entry_id>")
@login_required
def entry(entry_id: int):
    """One worksheet entry. Private entries are their author's alone; nobody else learns they exist."""
    found = services.readable_entry(current_user._get_current_object(), entry_id)
    if found is None:
        abort(404)
    entry, author = found
    course = published_course(entry.course_slug)
    block = course.find_block("worksheet", entry.worksheet_id)
    worksheet = block[1].worksheet if block else None
    return render_template(
        "worksheets/entry.html", course=course, entry=entry, worksheet=worksheet, entry_author=author
    )
