from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware.circles import queries, services
from courseware.circles import views as _views  # noqa: F401 (registers how discussion blocks are shown)
from courseware.circles.access import Place, find_place, find_team_place, place_of
from courseware.circles.digest import read_unsubscribe_token
from courseware.circles.forms import ConfirmForm, EditForm, HideForm, PostForm, ReportForm
from courseware.circles.render import post_html
from courseware.extensions import db
from courseware.forms import form_id, text
from courseware.models import Circle, CirclePost, User
from courseware.pages import announce

bp = Blueprint("circles", __name__)
BASE = "/cohorts/<int:cohort_id>/circles/<slug>/<module>"
TEAM_BASE = "/teams/<int:team_id>/circles/<slug>/<module>"


def _user() -> User:
    return current_user._get_current_object()


def _place(cohort_id: int, slug: str, module: str) -> Place:
    """The circle, if the signed-in person is an active member of its cohort or leads it; otherwise a 404."""
    place = find_place(_user(), cohort_id, slug, module)
    if place is None:
        abort(404)
    return place


def _team_place(team_id: int, slug: str, module: str) -> Place:
    """The team's circle, if the signed-in person is in the team (and active in its cohort) or leads its
    cohort; otherwise a 404."""
    place = find_team_place(_user(), team_id, slug, module)
    if place is None:
        abort(404)
    return place


def _post(post_id: int) -> tuple[CirclePost, Place]:
    post = services.find_post(post_id)
    if post is None:
        abort(404)
    place = place_of(_user(), db.session.get_one(Circle, post.circle_id))
    if place is None:
        abort(404)
    return post, place


def _url(place: Place, **values) -> str:
    return url_for(place.endpoint + "discussion", **place.address, **values)


def _moderators(place: Place) -> str:
    return "the team's facilitators and the cohort's leaders" if place.team else "the cohort's leaders"


def _back(place: Place, post: CirclePost) -> str:
    return _url(place) + f"#post-{post.id}"


def _page(place: Place, form: PostForm | None = None, failed_parent: int | None = None, status: int = 200):
    page = request.args.get("page", 1, type=int) or 1
    prompts = [seg.discussion for p in place.module.pages for seg in p.blocks("discussion")]
    return render_template(
        "circles/discussion.html",
        place=place,
        data=queries.discussion(place, _user(), page),
        prompts=prompts,
        form=form or PostForm(),
        failed_parent=failed_parent,
        wants_digest=queries.wants_digest(_user()),
        module_number=place.course.modules.index(place.module) + 1,
        hide_form=HideForm(),
        report_form=ReportForm(),
        confirm=ConfirmForm(),
    ), status


@bp.get(BASE)
@login_required
def discussion(cohort_id: int, slug: str, module: str):
    return _page(_place(cohort_id, slug, module))


@bp.get(TEAM_BASE)
@login_required
def team_discussion(team_id: int, slug: str, module: str):
    return _page(_team_place(team_id, slug, module))


@bp.post(BASE + "/posts")
@login_required
def create(cohort_id: int, slug: str, module: str):
    """A new thread, or a reply to one (``parent``)."""
    return _create(_place(cohort_id, slug, module))


@bp.post(TEAM_BASE + "/posts")
@login_required
def team_create(team_id: int, slug: str, module: str):
    return _create(_team_place(team_id, slug, module))


def _create(place: Place):
    form = PostForm()
    parent = form_id(form.parent.data) if form.parent.data else None
    if form.parent.data and parent is None:
        abort(404)
    if not form.validate_on_submit():
        return _page(place, form, parent, 422)
    try:
        posted = services.post(place, _user(), text(form.body), parent)
    except services.Refused as refused:
        flash(str(refused), "warning")
        return redirect(_url(place))
    announce(posted.outcome)
    flash("Your reply is posted." if parent else "Your post is published.", "success")
    return redirect(_url(place) + f"#post-{posted.post.id}")


@bp.route("/circles/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post, place = _post(post_id)
    if post.author_id != current_user.id or post.deleted_at is not None:
        abort(404)
    form = EditForm(data={"body": post.body}) if request.method == "GET" else EditForm()
    if form.validate_on_submit():
        try:
            services.edit(place, post, _user(), text(form.body))
        except services.Refused as refused:
            flash(str(refused), "warning")
        else:
            flash("Your post is updated.", "success")
        return redirect(_back(place, post))
    return render_template("circles/edit.html", place=place, post=post, form=form), 422 if form.errors else 200


@bp.post("/circles/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    post, place = _post(post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove(post, _user())
    except services.Refused:
        abort(404)
    flash("Your post is deleted. Replies to it stay, and it shows as deleted by its author.", "success")
    return redirect(_back(place, post))


@bp.post("/circles/posts/<int:post_id>/hide")
@login_required
def hide(post_id: int):
    post, place = _post(post_id)
    if not place.moderates:
        abort(404)
    form = HideForm()
    if not form.validate_on_submit():
        flash(f"The post is not hidden: {' '.join(form.reason.errors) or 'try again.'}", "warning")
        return redirect(_back(place, post))
    try:
        services.hide(post, _user(), text(form.reason))
    except services.Refused as refused:
        flash(str(refused), "warning")
    else:
        flash("The post is hidden from the members. Its author sees your reason.", "success")
    return redirect(_back(place, post))


@bp.post("/circles/posts/<int:post_id>/unhide")
@login_required
def unhide(post_id: int):
    post, place = _post(post_id)
    if not place.moderates:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unhide(post)
    flash("The post is shown to the members again.", "success")
    return redirect(_back(place, post))


@bp.post("/circles/posts/<int:post_id>/report")
@login_required
def report(post_id: int):
    post, place = _post(post_id)
    form = ReportForm()
    if not form.validate_on_submit():
        flash(f"The post is not reported: {' '.join(form.note.errors) or 'try again.'}", "warning")
        return redirect(_back(place, post))
    try:
        new = services.report(post, _user(), text(form.note))
    except services.Refused as refused:
        flash(str(refused), "warning")
    else:
        if new:
            flash(f"Thank you: the post is reported to {_moderators(place)}.", "success")
        else:
            flash(f"You have reported this post already; {_moderators(place)} have your report.", "info")
    return redirect(_back(place, post))


@bp.post(BASE + "/lock")
@login_required
def lock(cohort_id: int, slug: str, module: str):
    return _lock(_place(cohort_id, slug, module), True)


@bp.post(TEAM_BASE + "/lock")
@login_required
def team_lock(team_id: int, slug: str, module: str):
    return _lock(_team_place(team_id, slug, module), True)


@bp.post(BASE + "/unlock")
@login_required
def unlock(cohort_id: int, slug: str, module: str):
    return _lock(_place(cohort_id, slug, module), False)


@bp.post(TEAM_BASE + "/unlock")
@login_required
def team_unlock(team_id: int, slug: str, module: str):
    return _lock(_team_place(team_id, slug, module), False)


def _lock(place: Place, locking: bool):
    if not place.moderates:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if locking:
            services.lock(place, _user())
        else:
            services.unlock(place)
    except services.Refused as refused:
        flash(str(refused), "warning")
    else:
        if locking:
            flash("The discussion is locked: no new posts or replies until you unlock it.", "success")
        else:
            flash("The discussion is open again.", "success")
    return redirect(_url(place))


@bp.get(BASE + "/reports")
@login_required
def reports(cohort_id: int, slug: str, module: str):
    return _reports(_place(cohort_id, slug, module))


@bp.get(TEAM_BASE + "/reports")
@login_required
def team_reports(team_id: int, slug: str, module: str):
    return _reports(_team_place(team_id, slug, module))


def _reports(place: Place):
    if not place.moderates:
        abort(404)
    return render_template(
        "circles/reports.html",
        place=place,
        reports=queries.reports(place),
        module_number=place.course.modules.index(place.module) + 1,
    )


@bp.post(BASE + "/digest")
@login_required
def digest(cohort_id: int, slug: str, module: str):
    """Turn the daily digest on or off for the signed-in person (every circle: it is one email)."""
    return _digest(_place(cohort_id, slug, module))


@bp.post(TEAM_BASE + "/digest")
@login_required
def team_digest(team_id: int, slug: str, module: str):
    return _digest(_team_place(team_id, slug, module))


def _digest(place: Place):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    wanted = request.form.get("wanted") == "yes"
    services.set_digest(_user(), wanted)
    flash("You will receive the daily digest." if wanted else "You will no longer receive the daily digest.", "success")
    return redirect(_url(place))


@bp.route("/circles/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """The link at the foot of every digest: a button that stops it, without signing in."""
    user_id = read_unsubscribe_token(token)
    person = db.session.get(User, user_id) if user_id is not None else None
    if person is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.set_digest(person, False)
        return render_template("circles/unsubscribed.html")
    return render_template("circles/unsubscribe.html", form=form)


bp.add_app_template_filter(post_html, "post_html")
