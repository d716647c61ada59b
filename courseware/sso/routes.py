from __future__ import annotations

import time
from dataclasses import asdict

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import login_user
from werkzeug.wrappers import Response

from courseware.extensions import limiter
from courseware.models import User
from courseware.sso import providers, queries, services
from courseware.sso.oidc import ProviderAccount, SignInProblem, account_from_answer, redirect_to
from courseware.sso.services import Linked, Outcome
from courseware.urls import external_url, same_site_path

bp = Blueprint("sso", __name__)

PENDING = "sso_link"  # the session's account waiting to be linked
NEXT = "sso_next"  # where to go once signed in
PENDING_SECONDS = 15 * 60


def _provider(key: str) -> providers.Provider:
    provider = providers.find(key)
    if provider is None:
        abort(404)
    return provider


def _problem(title: str, detail: str, status: int, organisation=None):
    return render_template("sso/problem.html", title=title, detail=detail, organisation=organisation), status


def _signed_in(user: User, message: str) -> Response:
    login_user(user)
    flash(message, "success")
    return redirect(session.pop(NEXT, None) or url_for("learning.catalog"))


@bp.get("/sign-in/oidc/<provider>")
def start(provider: str):
    """A link, not a form: the page policy lets forms post only to this site (CSP form-action), and
    a redirect after a form post counts. Starting writes only the session (state, nonce, verifier)."""
    chosen = _provider(provider)
    session.pop(PENDING, None)
    session[NEXT] = same_site_path(request.args.get("next"))
    try:
        return redirect_to(chosen, external_url("sso.callback", provider=chosen.key))
    except SignInProblem as problem:
        return _problem(problem.title, problem.detail, problem.status)


@bp.get("/sign-in/oidc/<provider>/callback")
def callback(provider: str):
    chosen = _provider(provider)
    try:
        account = account_from_answer(chosen)
    except SignInProblem as problem:
        return _problem(problem.title, problem.detail, problem.status)
    result = services.sign_in_with(chosen, account)
    label = chosen.label
    if result.outcome == Outcome.SIGNED_IN and result.user is not None:
        return _signed_in(result.user, f"Signed in with {label}.")
    if result.outcome == Outcome.CREATED and result.user is not None:
        return _signed_in(result.user, f"Welcome, {result.user.name}! Your account is ready.")
    if result.outcome == Outcome.LINK and result.user is not None:
        session[PENDING] = {**asdict(account), "user_id": result.user.id, "until": time.time() + PENDING_SECONDS}
        return redirect(url_for("sso.link"))
    return _refusal(result, account, label)


def _refusal(result: services.Result, account: ProviderAccount, label: str):
    email = account.email
    if result.outcome == Outcome.UNVERIFIED:
        return _problem(
            f"{label} has not verified your email address",
            f"{label} did not confirm that {email or 'your email address'} is yours, so Courseware cannot use it to "
            f"find or create your account. Verify the address with {label}, or sign in with your password.",
            403,
        )
    if result.outcome == Outcome.DOMAIN_REFUSED:
        return _problem(
            f"This {label} account cannot sign in here",
            f"Courseware accepts {label} accounts of your school or district only, and {email} is not one of "
            f"them. Sign in with your school account, or with your password.",
            403,
        )
    if result.outcome == Outcome.CLOSED:
        return _problem(
            "This account is closed",
            "The Courseware account for this address has been closed. Ask your school's Courseware administrator "
            "if you need it again.",
            403,
        )
    if result.outcome == Outcome.ALREADY_LINKED:
        return _problem(
            f"Your account is linked to another {label} account",
            f"The Courseware account for {email} already signs in with a different {label} account. Sign in with "
            "that one, or with your password.",
            409,
        )
    if result.outcome == Outcome.RETRY:
        return _problem(
            "Your account was being created at the same moment",
            "Another sign-in created your account just now. Start again from the sign-in page.",
            409,
        )
    return _problem(
        "Your school has not set you up on Courseware yet",
        f"There is no Courseware account for {email}, and your school or district does not create accounts when "
        "staff first sign in. Ask your school's Courseware leader or your district's administrator to add you "
        "(they add staff with a roster); then sign in again.",
        403,
        organisation=result.organisation,
    )


def _pending() -> tuple[ProviderAccount, User] | None:
    """The account waiting to be linked in this session, and the Courseware account it may join."""
    kept = session.get(PENDING)
    if not isinstance(kept, dict) or kept.get("until", 0) < time.time():
        return None
    try:
        account = ProviderAccount(**{name: kept[name] for name in ProviderAccount.__dataclass_fields__})
    except (KeyError, TypeError):
        return None
    user = queries.user_to_link(kept.get("user_id"), account)
    return (account, user) if user is not None else None


def _link_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _link_key() -> str:
    kept = session.get(PENDING)
    user_id = kept.get("user_id") if isinstance(kept, dict) else None
    return f"sso-link:{get_remote_address()}:{user_id}"


def _failed(response: Response) -> bool:
    return response.status_code == 422


@bp.route("/sign-in/link", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"], key_func=_link_key, deduct_when=_failed)
def link():
    pending = _pending()
    if pending is None:
        session.pop(PENDING, None)
        flash("That sign-in has ended. Sign in again.", "info")
        return redirect(url_for("accounts.sign_in"))
    account, user = pending
    provider = _provider(account.provider)
    error = None
    if request.method == "POST":
        outcome, linked = services.link(user.id, account, request.form.get("password", ""))
        if outcome == Linked.LINKED and linked is not None:
            session.pop(PENDING, None)
            return _signed_in(linked, f"Your {provider.label} account is linked. From now on, sign in with it.")
        if outcome == Linked.WRONG_PASSWORD:
            error = "That is not the password of this account. Try again, or use “Forgot your password?”."
        else:
            session.pop(PENDING, None)
            return _problem(
                "The account could not be linked",
                "The Courseware account changed meanwhile (it was closed, its address changed, or it was linked "
                "already). Sign in again.",
                409,
            )
    page = render_template(
        "sso/link.html",
        provider=provider,
        account=account,
        user=user,
        password_needed=queries.password_needed(user),
        error=error,
    )
    return page, 422 if error else 200
