from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from courseware.accounts import email_change, services
from courseware.accounts import sign_up as signing_up
from courseware.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from courseware.extensions import limiter
from courseware.forms import add_error, text

bp = Blueprint("accounts", __name__)


def _safe_next(default: str) -> str:
    """The ?next= target when it stays on this site, otherwise ``default``."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _sign_in_address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_RATE_LIMIT"]


def _account_and_address() -> str:
    """Failed sign-ins are counted per account *and* network address: someone guessing a colleague's
    password from their own machine is stopped without locking the colleague out of theirs."""
    return f"sign-in:{get_remote_address()}:{services.normalise_email(request.form.get('email') or '')}"


def _failed(response: Response) -> bool:
    """Only refused sign-ins count: a school signing in together from one address is never stopped."""
    return response.status_code == 422


def _sign_up_limit() -> str:
    return current_app.config["SIGN_UP_RATE_LIMIT"]


def _sign_up_email() -> str:
    return "sign-up:" + services.normalise_email(request.form.get("email") or "")


def _sign_up_email_limit() -> str:
    return current_app.config["SIGN_UP_EMAIL_RATE_LIMIT"]


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_sign_up_limit, methods=["POST"])
@limiter.limit(_sign_up_email_limit, methods=["POST"], key_func=_sign_up_email)
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("learning.catalog"))
    form = SignUpForm()
    if form.validate_on_submit():
        next_url = _safe_next("") or None
        signing_up.request_sign_up(text(form.name), text(form.email), text(form.password), next_url)
        return render_template("accounts/sign_up_sent.html", email=services.normalise_email(text(form.email)))
    return render_template("accounts/sign_up.html", form=form), 422 if form.errors else 200


@bp.route("/sign-up/confirm/<token>", methods=["GET", "POST"])
def confirm_sign_up(token: str):
    pending = signing_up.valid_sign_up(token)
    if pending is None:
        return render_template("accounts/sign_up_invalid.html"), 410
    if request.method == "GET":  # a mail scanner opening the link creates nothing
        return render_template("accounts/confirm_sign_up.html", pending=pending)
    next_url = pending.next_url
    try:
        user = signing_up.confirm_sign_up(token)
    except services.EmailTaken:
        return render_template("accounts/sign_up_taken.html"), 409
    if user is None:
        return render_template("accounts/sign_up_invalid.html"), 410
    logout_user()
    login_user(user)
    flash(f"Welcome, {user.name}! Your account is ready.", "success")
    return redirect(next_url or url_for("learning.catalog"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_account_and_address, deduct_when=_failed)
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(url_for("learning.catalog")))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(text(form.email), text(form.password))
        if user is None:
            add_error(form.password, "That email and password do not match an account. Check both and try again.")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("learning.catalog")))
    return render_template("accounts/sign_in.html", form=form), 422 if form.errors else 200


@bp.post("/sign-out")
@login_required
def sign_out():
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash("You are signed out on every device.", "success")
    response = redirect(url_for("accounts.sign_in"))
    response.headers["Clear-Site-Data"] = '"storage"'  # unsaved text this browser kept (docs/security.md)
    return response


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _reset_email() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _reset_address_limit() -> str:
    return current_app.config["RESET_ADDRESS_RATE_LIMIT"]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_reset_address_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_reset_email)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(text(form.email))
        return render_template("accounts/reset_sent.html", email=text(form.email).strip())
    return render_template("accounts/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = services.valid_reset(token)
    if reset is None:
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    form.extra_inputs = [reset.user.email, reset.user.name]
    first_password = not reset.user.has_password
    if first_password:
        form.password.label.text = "Password"
    if form.validate_on_submit():
        user = services.reset_password(token, text(form.password))
        if user is None:
            return render_template("accounts/reset_invalid.html"), 410
        login_user(user)
        if first_password:
            flash(f"Welcome, {user.name}! Your password is set and you are signed in.", "success")
        else:
            flash("Your password is changed, and every other session is signed out.", "success")
        return redirect(url_for("learning.catalog"))
    page = render_template("accounts/reset_password.html", form=form, first_password=first_password)
    return page, 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_user._get_current_object()
    profile = ProfileForm(obj=user, prefix="profile")
    password = ChangePasswordForm(prefix="password")
    password.extra_inputs = [user.email, user.name]
    status = 200
    if request.method == "POST" and request.form.get("form") == "profile":
        changing_email = services.normalise_email(profile.email.data or "") != user.email
        if changing_email and not user.check_password(profile.current.data or ""):
            profile.validate()
            add_error(profile.current, "Enter your current password to change your email address.")
        elif profile.validate_on_submit():
            replacing = services.update_profile(user, text(profile.name))
            if changing_email:
                new_email = services.normalise_email(text(profile.email))
                email_change.request_email_change(user, new_email)
                flash(
                    f"To use {new_email}, open the link we sent to it. Until then, you sign in with {user.email}.",
                    "success",
                )
            else:
                flash("Your details are saved.", "success")
            if replacing:
                flash(
                    (
                        "Your certificate will show your new name: a replacement is being issued, and the "
                        "earlier one will read “replaced” when checked."
                        if replacing == 1
                        else f"Your {replacing} certificates will show your new name: replacements are being "
                        "issued, and the earlier ones will read “replaced” when checked."
                    ),
                    "success",
                )
            return redirect(url_for("accounts.account"))
        status = 422
    elif request.method == "POST" and request.form.get("form") == "password":
        if password.validate_on_submit():
            if not user.check_password(text(password.current)):
                add_error(password.current, "That is not your current password.")
            else:
                services.change_password(user, text(password.password))
                login_user(user)
                flash("Your password is changed, and every other session is signed out.", "success")
                return redirect(url_for("accounts.account"))
        status = 422
    pending = email_change.pending_change(user)
    return render_template("accounts/account.html", profile=profile, password=password, pending=pending), status


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    change = email_change.valid_change(token)
    if change is None:
        return render_template("accounts/email_change_invalid.html"), 410
    if request.method == "GET":  # a mail scanner opening the link changes nothing
        return render_template("accounts/confirm_email_change.html", change=change)
    try:
        user = email_change.confirm_email_change(token)
    except services.EmailTaken:
        return render_template("accounts/email_change_taken.html"), 409
    if user is None:
        return render_template("accounts/email_change_invalid.html"), 410
    flash(f"Your email address is now {user.email}. Sign in with it from now on.", "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.sign_in"))
