from __future__ import annotations

from flask import Blueprint, flash, redirect, request
from flask_login import current_user

from courseware import kept
from courseware.case_studies import services, views  # noqa: F401 (views registers how case studies are shown)
from courseware.courses.case_study import score_of
from courseware.extensions import csrf
from courseware.pages import announce, find_block_or_404, published_course, render_course_page, url_for_page

bp = Blueprint("case_studies", __name__)

CLOSED = "You have completed this course, so your case study stays as it was when it counted."


def _opened(slug: str, case_id: str, what: str, hint: str):
    """The course, the case study's page and segment, the page's address, and the response to give instead
    when the learner's session has ended (what they sent is kept for after they sign in again)."""
    course = published_course(slug)
    page, segment = find_block_or_404(course, "case_study", case_id)
    page_url = url_for_page(course, page)
    return course, page, segment, page_url, kept.keep_unless_signed_in("case-study", case_id, page_url, what, hint)


@bp.post("/courses/<slug>/case-studies/<case_id>")
@csrf.exempt  # checked below, so that a response sent with an expired form is kept rather than lost
def respond(slug: str, case_id: str):
    """Send (or revise) the learner's response: the form works without JavaScript."""
    course, page, _, page_url, expired = _opened(slug, case_id, "text", "check it and press Send my response again.")
    if expired is not None:
        return expired
    try:
        result = services.send_response(current_user._get_current_object(), course, case_id, request.form)
    except services.ResponsesClosed:
        flash(CLOSED, "warning")
        return redirect(f"{page_url}#case-study-{case_id}")
    if result.errors:
        return render_course_page(
            course, page, overrides={"case_study": {case_id: (result.typed, result.errors)}}, status=422
        )
    announce(result.outcome)
    assert result.row is not None
    if not result.changed:
        flash("Your response is saved; it had not changed.", "info")
    elif result.row.scored_revision:
        flash("Your revised response is saved. Score it again against the rubric if your score has changed.", "success")
    else:
        flash(
            "Your response is saved. Compare it with the model response, then score it against the rubric.", "success"
        )
    return redirect(f"{page_url}#case-study-{case_id}")


@bp.post("/courses/<slug>/case-studies/<case_id>/score")
@csrf.exempt  # checked below, so that a score sent with an expired form is kept rather than lost
def score(slug: str, case_id: str):
    """Score the learner's own response on each criterion of the rubric."""
    course, page, segment, page_url, expired = _opened(
        slug, case_id, "answers", "check them and press Save my score again."
    )
    if expired is not None:
        return expired
    try:
        result = services.score_response(current_user._get_current_object(), course, case_id, request.form)
    except services.ResponsesClosed:
        flash(CLOSED, "warning")
        return redirect(f"{page_url}#case-study-{case_id}")
    except services.NoResponseYet:
        flash("Write and send your response first; then score it against the rubric.", "warning")
        return redirect(f"{page_url}#case-study-{case_id}")
    if result.errors:
        return render_course_page(
            course, page, overrides={"case_study": {case_id: (result.typed, result.errors)}}, status=422
        )
    announce(result.outcome)
    assert result.row is not None
    given = score_of(segment.case_study, result.row.scores)
    flash(
        f"Your score is saved: {given.points} of {given.most} points, {given.met} of {given.criteria} criteria met.",
        "success",
    )
    return redirect(f"{page_url}#case-study-{case_id}")
