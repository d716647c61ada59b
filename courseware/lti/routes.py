"""The tool's addresses a learning platform calls (docs/lti.md): its key set, the login initiation,
the launch, the deep linking picker, and the hand-over that opens the course in a window of its own."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from courseware.extensions import csrf, limiter
from courseware.lti import deep_linking, protocol, registrations, services
from courseware.lti.services import LaunchProblem, Next
from courseware.models import LtiRegistration
from courseware.security import CONTENT_SECURITY_POLICY
from courseware.sso import pages as sign_in_pages
from courseware.sso.pages import NEXT
from courseware.urls import external_url, same_site_path

bp = Blueprint("lti", __name__, url_prefix="/lti")

# The link page of single sign-on (sso.link) finds a platform by its identities' provider, "lti:<id>".
sign_in_pages.register_provider_kind("lti:", registrations.sign_in_by_key)


def _origin(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def in_platform_frame(response, registration: LtiRegistration | None, posts_to: str | None = None) -> Response:
    """Let the platform show the page in its frame: a platform's pages are served from the
    institution's own https host (school.instructure.com), which no registration names, so any
    https ancestor may frame it, and the registration's own hosts (a platform on this machine).
    ``posts_to`` is the one other address the page's form may post to."""
    response = make_response(response)
    hosts = {"https:"}
    if registration is not None:
        hosts |= {origin for origin in (_origin(registration.issuer), _origin(registration.auth_login_url)) if origin}
    policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(sorted(hosts)))
    if posts_to:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {_origin(posts_to)}")
    response.headers["Content-Security-Policy"] = policy
    return response


def _problem(problem: LaunchProblem, framed: bool = True) -> Response:
    page = render_template("lti/problem.html", title=problem.title, detail=problem.detail)
    return in_platform_frame((page, problem.status), None) if framed else make_response(page, problem.status)


@bp.get("/jwks")
def key_set():
    """The tool's public key set, which platforms fetch to check what Courseware signs."""
    try:
        keys = protocol.public_key_set()
    except protocol.KeyMissing:
        return jsonify(error="The LTI tool's key is not set up: see docs/lti.md."), 503
    response = jsonify(keys)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _launch_limit() -> str:
    """Login initiations and launches from one network address (a school's staff may share one)."""
    return current_app.config["LTI_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_launch_limit)
@csrf.exempt  # the platform's page starts the login: the platform's signed id_token is the proof
def login():
    params = dict((request.form if request.method == "POST" else request.args).items())
    try:
        return redirect(services.start_login(params, external_url("lti.launch")))
    except LaunchProblem as problem:
        return _problem(problem)


@bp.post("/launch")
@limiter.limit(_launch_limit)
@csrf.exempt  # posted by the platform's page: the signed id_token and the single-use state are the proof
def launch():
    try:
        launched = services.launch(request.form.get("state"), request.form.get("id_token"))
    except LaunchProblem as problem:
        return _problem(problem)
    registration = launched.registration
    if launched.next == Next.PICK:
        return redirect(url_for("lti.pick", token=launched.token), 303)
    if launched.next == Next.OPEN:
        page = render_template(
            "lti/launch.html",
            registration=registration,
            title=launched.title,
            open_url=url_for("lti.open_course", token=launched.token),
        )
        return in_platform_frame(page, registration)
    assert launched.result is not None and launched.account is not None
    return in_platform_frame(sign_in_pages.refusal(launched.result, launched.account, registration.name), registration)


def _hand_over_expired() -> Response:
    problem = LaunchProblem(
        "This link has expired or was used already",
        "Opening the course from the learning platform works once, within five minutes. Go back to the "
        "learning platform and open the course again.",
    )
    return _problem(problem, framed=False)  # a window of its own


@bp.get("/open/<token>")
def open_course(token: str):
    """The first-party window the launch opened: it says whose account the hand-over signs in, and
    asks the person to confirm. Opening the address spends nothing (a link someone sent, or a mail
    scanner fetching it, signs nobody in)."""
    handed = services.hand_over(token)
    if handed is None:
        return _hand_over_expired()
    signed_in = current_user if current_user.is_authenticated else None
    page = render_template(
        "lti/open.html",
        handed=handed,
        other=signed_in if signed_in is not None and signed_in.id != handed.user.id else None,
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/open/<token>")
def hand_over(token: str):
    """The person confirmed: the hand-over signs them in (or offers to link their account) and goes
    on to the course. Writes the sign-in, like a single sign-on callback."""
    handed = services.take_hand_over(token)
    if handed is None:
        return _hand_over_expired()
    if current_user.is_authenticated and current_user.id != handed.user.id:
        logout_user()  # the page said that continuing switches accounts
    session[NEXT] = same_site_path(handed.next) or url_for("learning.catalog")
    if handed.link is None:
        return sign_in_pages.signed_in(handed.user, f"Signed in with {handed.platform}.")
    return sign_in_pages.offer_link(handed.link)


def _waiting(token: str):
    ticket = deep_linking.request_of(token)
    if ticket is None:
        return None, _problem(
            LaunchProblem(
                "This choice has expired",
                "Choose what to link within an hour of opening this page. Start again from the learning platform.",
            )
        )
    return ticket, None


@bp.get("/deep-link/<token>")
def pick(token: str):
    ticket, problem = _waiting(token)
    if problem is not None:
        return problem
    registration = registrations.find(ticket.registration_id)
    page = render_template(
        "lti/pick.html",
        choices=deep_linking.choices(),
        multiple=ticket.payload.get("accept_multiple", True),
        error=None,
        token=token,
    )
    return in_platform_frame(page, registration)


@bp.post("/deep-link/<token>")
@csrf.exempt  # in the platform's frame no session cookie can be relied on: the request's secret is the proof
def answer(token: str):
    ticket, problem = _waiting(token)
    if problem is not None:
        return problem
    registration = registrations.find(ticket.registration_id)
    multiple = ticket.payload.get("accept_multiple", True)
    try:
        answered = deep_linking.answer(token, request.form.getlist("item"))
    except deep_linking.NothingChosen:
        page = render_template(
            "lti/pick.html",
            choices=deep_linking.choices(),
            multiple=multiple,
            error="Choose a course or a module to link.",
            token=token,
        )
        return in_platform_frame((page, 422), registration)
    if answered is None:
        abort(404)
    page = render_template("lti/return.html", return_url=answered.return_url, jwt=answered.jwt)
    return in_platform_frame(page, registration, posts_to=answered.return_url)
