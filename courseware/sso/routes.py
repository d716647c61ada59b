from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from courseware.extensions import limiter
from courseware.models import User
from courseware.sso import pages, providers, queries, services
from courseware.sso.accounts import ProviderAccount, SignInProblem
from courseware.sso.oidc import account_from_answer, redirect_to
from courseware.sso.pages import NEXT, PENDING
from courseware.sso.services import Linked
from courseware.urls import external_url, same_site_path

bp = Blueprint("sso", __name__)


def _provider(key: str) -> providers.Provider:
    provider = providers.find(key)
    if provider is None:
        abort(404)
    return provider


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
        return pages.shown(problem)


@bp.get("/sign-in/oidc/<provider>/callback")
def callback(provider: str):
    chosen = _provider(provider)
    try:
        account = account_from_answer(chosen)
    except SignInProblem as problem:
        return pages.shown(problem)
    return pages.after_sign_in(chosen, account)


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
    provider = pages.provider_of(account.provider)
    error = None
    if request.method == "POST":
        outcome, linked = services.link(user.id, account, request.form.get("password", ""))
        if outcome == Linked.LINKED and linked is not None:
            session.pop(PENDING, None)
            return pages.signed_in(linked, f"Your {provider.label} account is linked. From now on, sign in with it.")
        if outcome == Linked.WRONG_PASSWORD:
            error = "That is not the password of this account. Try again, or use “Forgot your password?”."
        else:
            session.pop(PENDING, None)
            return pages.problem(
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
