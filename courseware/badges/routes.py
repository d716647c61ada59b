"""Open Badges pages: the issuer's profile and key, the status lists, each certificate's credential (as JSON
and baked into a badge image), and the page that checks a credential."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user, login_required

from courseware.badges import checks, credentials, keys, services
from courseware.badges.forms import CheckForm
from courseware.extensions import limiter, verify_limit

bp = Blueprint("badges", __name__)

LINKED_DATA = "application/ld+json"


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
@limiter.limit(verify_limit)
def status_list(number: int):
    document = services.signed_status_list(number)
    if document is None:
        abort(404)
    return _json_ld(document, cache="no-cache")


@bp.get("/badges/credentials/<code>.<any(json, svg, png):kind>")
@login_required
@limiter.limit(verify_limit)
def credential(code: str, kind: str):
    """A certificate's credential, for its owner or an admin (like the certificate's PDF)."""
    download = services.credential_download(code, current_user._get_current_object(), kind)
    if download is None:
        abort(404)
    return download.body, 200, download.headers


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(verify_limit, methods=["POST"])
def check():
    form = CheckForm()
    verdict = None
    if form.validate_on_submit():
        verdict = checks.check(form.sent(checks.MAX_BYTES))
    return render_template("badges/verify.html", form=form, verdict=verdict, offered=keys.offered())
