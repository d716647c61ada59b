"""Open Badges pages: the issuer's profile and key, the status lists, each certificate's credential (as JSON
and baked into a badge image), and the page that checks a credential."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template

from courseware.badges import baking, checks, credentials, keys, services
from courseware.badges.forms import CheckForm
from courseware.extensions import limiter

bp = Blueprint("badges", __name__)

LINKED_DATA = "application/ld+json"


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _json_ld(document: dict, cache: str = "public, max-age=300"):
    response = jsonify(document)
    response.headers["Content-Type"] = LINKED_DATA
    response.headers["Cache-Control"] = cache
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser read these too
    return response


@bp.get("/badges/issuer")
def issuer():
    return _json_ld(credentials.issuer_document())


@bp.get("/badges/issuer/keys/<int:number>")
def issuer_key(number: int):
    document = credentials.key_document()
    if document is None or number != 1:
        abort(404)
    return _json_ld(document)


@bp.get("/badges/status/<int:number>")
@limiter.limit(_verify_limit)
def status_list(number: int):
    document = services.signed_status_list(number)
    if document is None:
        abort(404)
    return _json_ld(document, cache="no-cache")


@bp.get("/badges/credentials/<code>.<any(json, svg, png):kind>")
@limiter.limit(_verify_limit)
def credential(code: str, kind: str):
    """A certificate's credential, for anyone with its code (the certificate itself is public by code)."""
    found = services.credential_for(code)
    if found is None:
        abort(404)
    certificate, document = found
    filename = f"badge-{certificate.course_slug}-{certificate.code[:8].lower()}"
    headers = {"Cache-Control": "private, no-cache", "Content-Disposition": f'attachment; filename="{filename}.{kind}"'}
    if kind == "json":
        response = _json_ld(document, cache="private, no-cache")
        response.headers.update(headers)
        return response
    title, credit = certificate.course_title, certificate.credit_text
    if kind == "svg":
        return baking.svg(document, title, credit), 200, {**headers, "Content-Type": "image/svg+xml"}
    return baking.png(document, title, credit), 200, {**headers, "Content-Type": "image/png"}


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
def check():
    form = CheckForm()
    verdict = None
    if form.validate_on_submit():
        verdict = checks.check(form.sent(checks.MAX_BYTES))
    return render_template("badges/verify.html", form=form, verdict=verdict, offered=keys.offered())
