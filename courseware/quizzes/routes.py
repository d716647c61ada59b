from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware import growth, kept
from courseware.courses.quiz import Quiz
from courseware.extensions import csrf
from courseware.models.base import utcnow
from courseware.pages import announce, find_block_or_404, published_course, render_course_page, url_for_page
from courseware.quizzes import services
from courseware.quizzes.grading import AnswersInvalid
from courseware.quizzes.rules import state_of
from courseware.quizzes.views import Review, answers_as_sent, form_again

bp = Blueprint("quizzes", __name__)


@bp.post("/courses/<slug>/quizzes/<quiz_id>")
@csrf.exempt  # checked below, so that answers sent with an expired form are kept rather than lost
def submit(slug: str, quiz_id: str):
    course = published_course(slug)
    page, segment = find_block_or_404(course, "quiz", quiz_id)
    page_url = url_for_page(course, page)
    expired = kept.keep_unless_signed_in("quiz", quiz_id, page_url, "answers", "check them and submit again.")
    if expired is not None:
        return expired

    user = current_user._get_current_object()
    quiz: Quiz = segment.quiz
    try:
        number = int(request.form.get("number", ""))
    except ValueError:
        abort(400)
    version = request.form.get("version", "")
    answers = answers_as_sent(request.form)
    try:
        submission = services.submit_attempt(
            user, course, quiz_id, version, number, request.form, _started(request.form)
        )
    except AnswersInvalid as invalid:
        return _show_again(course, page, quiz, answers, invalid.errors)
    except services.AttemptsUsedUp:
        flash("You have used every attempt at this quiz.", "warning")
        return redirect(f"{page_url}#quiz-{quiz_id}")
    except services.PreCheckFirst as first:
        flash("Take the pre-check first: the growth check compares your answers with it.", "warning")
        found = course.find_block("quiz", first.quiz_id)
        target = url_for_page(course, found[0]) if found else page_url
        return redirect(f"{target}#quiz-{first.quiz_id}")
    except services.AttemptTooSoon:
        too_soon = "Nothing was recorded: the next attempt at this quiz is not open yet. Submit it once it opens."
        return _show_again(course, page, quiz, answers, {"": too_soon})
    except services.VersionUnknown:
        notice = (
            "This quiz was updated after you opened it. Your answers are kept where they fit: check them and submit."
        )
        return _show_again(course, page, quiz, answers, {}, notice)
    except services.VersionNotShown:
        notice = (
            "Nothing was recorded: this form is not the version of the quiz last shown to you for this attempt "
            "(the quiz may have been updated, or opened again in another tab). Your answers are kept where they "
            "fit: check them and submit."
        )
        return _show_again(course, page, quiz, answers, {}, notice)
    if submission.duplicate:
        flash("This attempt was already submitted; here is its result.", "info")
    announce(submission.outcome)
    return redirect(url_for("quizzes.result", slug=slug, quiz_id=quiz_id, number=submission.attempt.number))


def _started(form) -> datetime | None:
    try:
        value = datetime.fromisoformat(form.get("started", ""))
    except ValueError:
        return None
    return value if value.tzinfo else None


def _show_again(course, page, quiz, answers, errors, notice=""):
    user = current_user._get_current_object()
    services.show_again(user, course, quiz)  # the form shown now is the current version, for the next attempt
    form = form_again(user, course, quiz, answers, errors, notice)
    return render_course_page(course, page, overrides={"quiz": {quiz.id: form}}, status=422)


@bp.get("/courses/<slug>/quizzes/<quiz_id>/attempts/<int:number>")
@login_required
def result(slug: str, quiz_id: str, number: int):
    course = published_course(slug)
    page, segment = find_block_or_404(course, "quiz", quiz_id)
    user = current_user._get_current_object()
    attempt = services.find_attempt(user, slug, quiz_id, number)
    if attempt is None:
        abort(404)
    every = services.attempts_for(user, slug, cycle=attempt.cycle)
    state = state_of(course, segment.quiz, every, utcnow())  # the quiz's current rules apply
    attempts = state.attempts
    return render_template(
        "quizzes/result.html",
        course=course,
        page=page,
        review=Review(services.attempt_quiz(attempt), attempt),
        attempt=attempt,
        state=state,
        best=max(a.score for a in attempts),
        page_url=url_for_page(course, page),
        growth=growth.growth_for(user, course) if segment.quiz.growth else None,
    )


@bp.get("/courses/<slug>/attempts")
@login_required
def attempts(slug: str):
    course = published_course(slug)
    user = current_user._get_current_object()
    rows = []
    for attempt in services.attempts_for(user, slug):
        found = course.find_block("quiz", attempt.quiz_id)
        title = found[1].quiz.title if found else Quiz.from_content(attempt.quiz_version.content).title
        rows.append((attempt, title, found is not None))
    return render_template("quizzes/attempts.html", course=course, rows=rows)
