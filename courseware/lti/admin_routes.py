"""The admin's LTI pages: the tool's values to paste into a platform, the platform registrations,
and the roster of a course in a platform, read from it (Names and Role Provisioning)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from courseware.admin.routes import admin_required
from courseware.forms import add_error, text
from courseware.lti import protocol, registrations, roster
from courseware.lti.forms import RegistrationForm
from courseware.models import LtiRegistration
from courseware.urls import external_url

bp = Blueprint("lti_admin", __name__, url_prefix="/admin/lti")


def tool_values() -> dict[str, str]:
    """What a platform's administrator pastes into the platform when registering Courseware."""
    return {
        "login_url": external_url("lti.login"),
        "launch_url": external_url("lti.launch"),
        "key_set_url": external_url("lti.key_set"),
    }


def _key_status() -> tuple[str | None, str | None]:
    try:
        return protocol.key_id(), None
    except protocol.KeyMissing as missing:
        return None, str(missing)


@bp.get("")
@admin_required
def registrations_page():
    kid, key_problem = _key_status()
    return render_template(
        "lti/admin/registrations.html",
        registrations=registrations.all_registrations(),
        tool=tool_values(),
        kid=kid,
        key_problem=key_problem,
    )


def _form(registration: LtiRegistration | None = None) -> RegistrationForm:
    form = RegistrationForm(obj=registration)
    form.organisation_id.choices = [("", "None: nobody is signed in by a launch")] + [
        (str(o.id), o.name) for o in registrations.organisations()
    ]
    if registration is not None and not form.is_submitted():
        form.organisation_id.data = str(registration.organisation_id or "")
    return form


def _details(form: RegistrationForm) -> registrations.Details:
    choice = form.organisation_id.data or ""
    return registrations.Details(
        name=text(form.name),
        issuer=text(form.issuer),
        client_id=text(form.client_id),
        deployment_ids=[line.strip() for line in text(form.deployment_ids).splitlines() if line.strip()],
        key_set_url=text(form.key_set_url),
        auth_login_url=text(form.auth_login_url),
        access_token_url=text(form.access_token_url),
        organisation_id=int(choice) if choice.isdigit() else None,
    )


def _saved(form: RegistrationForm, registration: LtiRegistration | None):
    try:
        saved = registrations.save(registration, _details(form))
    except registrations.Duplicate:
        add_error(form.client_id, "Another registration has this issuer and client id: change that one instead.")
        return None
    return saved


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new_registration():
    form = _form()
    if form.validate_on_submit():
        saved = _saved(form, None)
        if saved is not None:
            flash(f"{saved.name} is registered. Launches from it can now sign people in.", "success")
            return redirect(url_for("lti_admin.registrations_page"))
    status = 422 if form.errors else 200
    return render_template("lti/admin/registration.html", form=form, registration=None, tool=tool_values()), status


def _registration(registration_id: int) -> LtiRegistration:
    found = registrations.find(registration_id)
    if found is None:
        abort(404)
    return found


@bp.route("/<int:registration_id>", methods=["GET", "POST"])
@admin_required
def edit_registration(registration_id: int):
    registration = _registration(registration_id)
    form = _form(registration)
    if form.validate_on_submit():
        saved = _saved(form, registration)
        if saved is not None:
            flash(f"{saved.name} is saved.", "success")
            return redirect(url_for("lti_admin.registrations_page"))
    status = 422 if form.errors else 200
    page = render_template(
        "lti/admin/registration.html",
        form=form,
        registration=registration,
        tool=tool_values(),
        contexts=roster.contexts(registration),
    )
    return page, status


@bp.post("/<int:registration_id>/delete")
@admin_required
def delete_registration(registration_id: int):
    registration = _registration(registration_id)
    name = registration.name
    registrations.delete(registration)
    flash(f"{name} is no longer registered: its links no longer launch Courseware.", "success")
    return redirect(url_for("lti_admin.registrations_page"))


@bp.get("/<int:registration_id>/roster/<int:launch_id>")
@admin_required
def course_roster(registration_id: int, launch_id: int):
    registration = _registration(registration_id)
    launch = roster.context_launch(registration, launch_id)
    if launch is None:
        abort(404)
    members, problem = roster.read(registration, launch)
    return render_template(
        "lti/admin/roster.html", registration=registration, launch=launch, members=members, problem=problem
    )
