"""The pages every kind of single sign-on ends with: where the sign-in leads once the provider's
answer is checked (signed in, created, linking, or a refusal that says why), and the problem page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from courseware.models import User
from courseware.sso import providers, saml_providers, services
from courseware.sso.accounts import ProviderAccount, SignInProblem, SignInProvider
from courseware.sso.services import Outcome

PENDING = "sso_link"  # the session's account waiting to be linked
NEXT = "sso_next"  # where to go once signed in
PENDING_SECONDS = 15 * 60


_kinds: dict[str, Callable[[str], SignInProvider | None]] = {}


def register_provider_kind(prefix: str, find: Callable[[str], SignInProvider | None]) -> None:
    """Let an area above this one sign people in through these pages with providers of its own,
    whose identity provider names start with ``prefix`` ("lti:"): ``find`` gets the rest of the name."""
    _kinds[prefix] = find


def provider_of(identity_provider: str) -> SignInProvider:
    """The provider an identity's provider name stands for ("google", "saml:riverside"), or 404."""
    found: SignInProvider | None
    kind = next((prefix for prefix in _kinds if identity_provider.startswith(prefix)), None)
    if kind is not None:
        found = _kinds[kind](identity_provider.removeprefix(kind))
    elif identity_provider.startswith("saml:"):
        found = saml_providers.find(identity_provider.removeprefix("saml:"))
    else:
        found = providers.find(identity_provider)
    if found is None:
        abort(404)
    return found


def problem(title: str, detail: str, status: int, organisation=None):
    return render_template("sso/problem.html", title=title, detail=detail, organisation=organisation), status


def shown(failure: SignInProblem):
    return problem(failure.title, failure.detail, failure.status)


def signed_in(user: User, message: str) -> Response:
    login_user(user)
    flash(message, "success")
    return redirect(session.pop(NEXT, None) or url_for("learning.catalog"))


def after_sign_in(chosen: SignInProvider, account: ProviderAccount):
    """Where the person's checked account leads (services.sign_in_with decides, and commits)."""
    result = services.sign_in_with(chosen, account)
    label = chosen.label
    if result.outcome == Outcome.SIGNED_IN and result.user is not None:
        return signed_in(result.user, f"Signed in with {label}.")
    if result.outcome == Outcome.CREATED and result.user is not None:
        return signed_in(result.user, f"Welcome, {result.user.name}! Your account is ready.")
    if result.outcome == Outcome.LINK and result.user is not None:
        return offer_link({**asdict(account), "user_id": result.user.id})
    return refusal(result, account, label)


def offer_link(pending: dict[str, object]) -> Response:
    """Go to the link page for a checked account (a ProviderAccount's fields) that matches the
    Courseware account ``pending["user_id"]``, kept in the session for PENDING_SECONDS."""
    session[PENDING] = {**pending, "until": time.time() + PENDING_SECONDS}
    return redirect(url_for("sso.link"))


def refusal(result: services.Result, account: ProviderAccount, label: str):
    email = account.email
    if result.outcome == Outcome.UNVERIFIED:
        return problem(
            f"{label} has not verified your email address",
            f"{label} did not confirm that {email or 'your email address'} is yours, so Courseware cannot use it to "
            f"find or create your account. Verify the address with {label}, or sign in with your password.",
            403,
        )
    if result.outcome == Outcome.DOMAIN_REFUSED:
        return problem(
            f"This {label} account cannot sign in here",
            f"Courseware accepts {label} accounts of your school or district only, and {email} is not one of "
            f"them. Sign in with your school account, or with your password.",
            403,
        )
    if result.outcome == Outcome.CLOSED:
        return problem(
            "This account is closed",
            "The Courseware account for this address has been closed. Ask your school's Courseware administrator "
            "if you need it again.",
            403,
        )
    if result.outcome == Outcome.ALREADY_LINKED:
        return problem(
            f"Your account is linked to another {label} account",
            f"The Courseware account for {email} already signs in with a different {label} account. Sign in with "
            "that one, or with your password.",
            409,
        )
    if result.outcome == Outcome.RETRY:
        return problem(
            "Your account was being created at the same moment",
            "Another sign-in created your account just now. Start again from the sign-in page.",
            409,
        )
    return problem(
        "Your school has not set you up on Courseware yet",
        f"There is no Courseware account for {email}, and your school or district does not create accounts when "
        "staff first sign in. Ask your school's Courseware leader or your district's administrator to add you "
        "(they add staff with a roster); then sign in again.",
        403,
        organisation=result.organisation,
    )
