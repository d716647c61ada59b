from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request
from flask_login import current_user, login_required

from courseware import kept
from courseware.extensions import csrf
from courseware.pages import announce, find_block_or_404, published_course, render_course_page, url_for_page
from courseware.practice import services, views  # noqa: F401 (views registers how practice blocks are shown)

bp = Blueprint("practice", __name__)


@bp.post("/courses/<slug>/practice/<practice_id>")
@csrf.exempt  # checked below, so that an entry sent with an expired form is kept rather than lost
def log(slug: str, practice_id: str):
    """Add one entry to the learner's practice log: the form works without JavaScript."""
    course = published_course(slug)
    page, segment = find_block_or_404(course, "practice", practice_id)
    page_url = url_for_page(course, page)
    expired = kept.keep_unless_signed_in(
        "practice", practice_id, page_url, "entry", "check it, tick the statement again and press Log practice."
    )
    if expired is not None:
        return expired

    result = services.log_practice(current_user._get_current_object(), course, practice_id, request.form)
    if result.errors:
        overrides = {"practice": {practice_id: (result.typed, result.errors)}}
        return render_course_page(course, page, overrides=overrides, status=422)
    announce(result.outcome)
    practice = segment.practice
    entry = result.entry
    assert entry is not None
    if result.duplicate:
        flash("This entry was already in your log; it is logged once.", "info")
    elif result.over_cap:
        flash(
            f"Logged {entry.minutes} minutes of “{practice.title}”. Your log for this activity is now "
            f"{result.logged_minutes} minutes, and only {practice.cap} of them count toward the module's time.",
            "warning",
        )
    else:
        flash(f"Logged {entry.minutes} minutes of “{practice.title}”.", "success")
    return redirect(f"{page_url}#practice-{practice_id}")


@bp.post("/courses/<slug>/practice/<practice_id>/entries/<int:entry_id>/delete")
@login_required
def delete(slug: str, practice_id: str, entry_id: int):
    """Delete one of the learner's own entries, until the course is completed in this cycle."""
    course = published_course(slug)
    page, _ = find_block_or_404(course, "practice", practice_id)
    try:
        entry = services.delete_entry(current_user._get_current_object(), course, practice_id, entry_id)
    except services.LogClosed:
        flash("You have completed this course, so your practice log stays as it was when it counted.", "warning")
    else:
        if entry is None:
            abort(404)
        flash(f"The entry of {entry.done_on:%-d %B %Y} ({entry.minutes} minutes) is deleted from your log.", "success")
    return redirect(f"{url_for_page(course, page)}#practice-{practice_id}")
