"""Signing in with a SAML 2.0 identity provider: Courseware's service provider metadata, the
start (a signed request by HTTP-Redirect), the assertion consumer service the identity provider
posts its answer to, and the finishing step in this browser (saml_state.py says why there are two)."""

from __future__ import annotations

import time

from flask import Blueprint, abort, redirect, request, session, url_for

from courseware.extensions import csrf
from courseware.sso import pages, saml_providers, saml_state, services
from courseware.sso.accounts import SignInProblem
from courseware.sso.pages import NEXT, PENDING
from courseware.sso.saml import answer_from_post, redirect_to, replayed, stale
from courseware.urls import same_site_path

bp = Blueprint("saml", __name__)

REQUEST = "sso_saml_request"  # the session's sign-in waiting for the identity provider's answer
REQUEST_SECONDS = 15 * 60


def _provider(key: str) -> saml_providers.IdentityProvider:
    provider = saml_providers.find(key)
    if provider is None:
        abort(404)
    return provider


@bp.get("/sign-in/saml/<provider>/metadata")
def metadata(provider: str):
    """Courseware's service provider metadata for this identity provider (its address is the entity id)."""
    chosen = _provider(provider)
    try:
        xml = saml_providers.metadata_xml(chosen)
    except saml_providers.ProviderSettingProblem:
        return pages.problem(
            f"Signing in with {chosen.label} is not working",
            "Courseware's SAML settings cannot be used. Tell your Courseware administrator.",
            502,
        )
    return xml, 200, {"Content-Type": "application/samlmetadata+xml; charset=utf-8"}


@bp.get("/sign-in/saml/<provider>")
def start(provider: str):
    """A link, like the OpenID Connect buttons. Starting writes only the session (the request ID)."""
    chosen = _provider(provider)
    request_id = saml_state.new_request_id()
    try:
        request_id, location = redirect_to(chosen, request_id, saml_state.relay_state(request_id))
    except SignInProblem as problem:
        return pages.shown(problem)
    session.pop(PENDING, None)
    session[NEXT] = same_site_path(request.args.get("next"))
    session[REQUEST] = {"provider": chosen.key, "id": request_id, "until": time.time() + REQUEST_SECONDS}
    return redirect(location)


@bp.post("/sign-in/saml/<provider>/acs")
@csrf.exempt  # posted by the identity provider's page: the signed answer and relay state are the proof
def acs(provider: str):
    """The identity provider's answer. It arrives without the session cookie (a cross-site POST), so
    it reads and writes no session: once checked, it hands over to ``finish`` in this browser."""
    chosen = _provider(provider)
    request_id = saml_state.request_of(request.form.get("RelayState", ""))
    if request_id is None:
        return pages.shown(stale(chosen))
    try:
        answer = answer_from_post(chosen, request.form.get("SAMLResponse", ""), request_id)
    except SignInProblem as problem:
        return pages.shown(problem)
    if not services.spend_assertion(chosen.identity_provider, answer.assertion_id, answer.expires_at):
        return pages.shown(replayed(chosen))
    note = saml_state.note(answer.account, request_id)
    return redirect(url_for("saml.finish", provider=chosen.key, note=note), 303)


@bp.get("/sign-in/saml/<provider>/finish")
def finish(provider: str):
    chosen = _provider(provider)
    waiting = session.pop(REQUEST, None)
    noted = saml_state.read_note(request.args.get("note", ""))
    if (
        noted is None
        or not isinstance(waiting, dict)
        or waiting.get("provider") != chosen.key
        or waiting.get("id") != noted[1]
        or waiting.get("until", 0) < time.time()
        or noted[0].provider != chosen.identity_provider
    ):
        return pages.shown(stale(chosen))
    return pages.after_sign_in(chosen, noted[0])
