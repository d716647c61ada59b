"""What Courseware does with a platform's LTI messages (docs/lti.md):

1. The platform starts a login (third-party login initiation): Courseware keeps a state and a
   nonce server-side (a ticket, as no cookie can be relied on in a third-party frame) and sends
   the browser to the platform's authentication request URL.
2. The platform posts the launch (an id_token and the state): the state is spent, the id_token
   checked (protocol.read_id_token), and
   - a resource link launch records where to post scores (``LtiLaunch``), signs the person in by
     the single sign-on steps (an identity of provider ``lti:<registration id>``), and hands the
     sign-in over to a first-party window by a one-time ticket;
   - a deep linking request from staff keeps the request for the picker.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from courseware.courses import catalog
from courseware.extensions import db
from courseware.lti import protocol, registrations, tickets
from courseware.lti.protocol import Launch, LaunchRefused
from courseware.models import LtiLaunch, LtiRegistration, User
from courseware.models.base import utcnow
from courseware.sso import services as sign_in
from courseware.sso.accounts import ProviderAccount, display_name, usable_email
from courseware.sso.queries import find_identity


class LaunchProblem(Exception):
    def __init__(self, title: str, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.title, self.detail, self.status = title, detail, status


# --- 1. the login initiation -----------------------------------------------------------------------


def start_login(params: dict[str, str], launch_url: str) -> str:
    """The platform's authentication request URL for this login initiation, with a new state and
    nonce kept as a ticket. Commits."""
    issuer, client_id = params.get("iss", ""), params.get("client_id") or None
    login_hint, target = params.get("login_hint", ""), params.get("target_link_uri", "")
    if not issuer or not login_hint or not target:
        raise LaunchProblem(
            "This is not a launch from a learning platform",
            "The login initiation must name the platform (iss), the person (login_hint) and the link "
            "(target_link_uri).",
        )
    found = registrations.by_issuer(issuer, client_id)
    if len(found) != 1:
        raise LaunchProblem(
            "This learning platform is not registered",
            f"Courseware has {'no registration' if not found else 'several registrations'} for the platform {issuer}"
            f"{f' with client id {client_id}' if client_id else ''}. An administrator registers it on the LTI "
            "platforms page (and the platform should send its client id when it has several).",
            403 if not found else 400,
        )
    registration = found[0]
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in registration.deployments:
        raise LaunchProblem(
            "This deployment is not registered",
            f"The platform launched from deployment {deployment!r}, which is not listed in its registration. "
            "An administrator adds it on the LTI platforms page.",
            403,
        )
    if urlsplit(target).netloc != urlsplit(launch_url).netloc:
        raise LaunchProblem("The link points elsewhere", "The launch's target is not on this Courseware site.")
    nonce = secrets.token_urlsafe(32)
    state = tickets.issue(tickets.LOGIN, registration.id, {"nonce": nonce})
    db.session.commit()
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": launch_url,
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_login_url else "?"
    return registration.auth_login_url + separator + urlencode(query)


# --- 2. the launch ---------------------------------------------------------------------------------


class Next(enum.StrEnum):
    OPEN = "open"  # a hand-over: the person opens the course in a new window
    PICK = "pick"  # a deep linking request: staff pick what to link
    REFUSED = "refused"  # the sign-in steps refused the person (result says why)


@dataclass(frozen=True)
class Launched:
    next: Next
    registration: LtiRegistration
    token: str = ""  # the hand-over's or the deep linking request's ticket
    title: str = ""  # what the hand-over opens
    result: sign_in.Result | None = None
    account: ProviderAccount | None = None


def launch(state: object, id_token: object) -> Launched:
    """Check a launch and decide where it leads (module docstring). The state is spent first, so a
    launch that fails its checks cannot be tried again. Commits."""
    spent = tickets.spend(tickets.LOGIN, state)
    db.session.commit()
    if spent is None or not spent.payload.get("nonce"):
        raise LaunchProblem(
            "This launch has expired or was used already",
            "Launches must be completed within 10 minutes and each can be used once. Open the link again from "
            "your course in the learning platform.",
        )
    registration = registrations.find(spent.registration_id)
    if registration is None:
        raise LaunchProblem("This learning platform is not registered", "Its registration was removed.", 403)
    try:
        token = id_token if isinstance(id_token, str) else ""
        message = protocol.read_id_token(token, registrations.platform_of(registration), spent.payload["nonce"])
    except LaunchRefused as refused:
        raise LaunchProblem("The launch could not be checked", f"Courseware refused it: {refused}.", 403) from None
    if message.message_type == protocol.DEEP_LINKING:
        return _deep_linking(registration, message)
    return _resource_link(registration, message)


def _deep_linking(registration: LtiRegistration, message: Launch) -> Launched:
    if not protocol.is_instructor(message.roles):
        raise LaunchProblem(
            "Only staff can choose what to link",
            "Choosing a course or module to add to the learning platform is for its instructors and administrators.",
            403,
        )
    token = tickets.issue(
        tickets.DEEP_LINK,
        registration.id,
        {
            "deployment_id": message.deployment_id,
            "return_url": message.deep_link_return_url,
            "data": message.deep_link_data,
            "accept_multiple": message.accept_multiple,
        },
    )
    db.session.commit()
    return Launched(Next.PICK, registration, token)


def _target(message: Launch) -> tuple[str | None, str | None, str]:
    """The course and module the link names (custom parameters ``course`` and ``module``), checked
    against the catalog, and what the hand-over says it opens."""
    slug = message.custom.get("course")
    if not slug:
        return None, None, "Courseware"
    course = catalog().get(slug)
    if course is None or not course.published or course.is_broken:
        raise LaunchProblem(
            "This course is not available",
            f"The link names the course {slug!r}, which Courseware does not offer (any more). Ask the instructor to "
            "link it again.",
            404,
        )
    module = message.custom.get("module")
    if module:
        found = next((m for m in course.modules if m.slug == module), None)
        if found is None:
            raise LaunchProblem(
                "This module is not available",
                f"The course {course.title} has no module {module!r} (any more). Ask the instructor to link it again.",
                404,
            )
        return course.slug, found.slug, f"{course.title}: {found.title}"
    return course.slug, None, course.title


def _resource_link(registration: LtiRegistration, message: Launch) -> Launched:
    slug, module, title = _target(message)
    _record(registration, message, slug, module)
    provider = registrations.sign_in_of(registration)
    email = usable_email(message.email)
    account = ProviderAccount(
        provider=provider.identity_provider,
        subject=message.sub,
        email=email,
        email_verified=bool(email),  # accepts() then keeps to the organisation's domains
        name=display_name([message.name], email),
    )
    if registration.organisation_id is None and find_identity(account.provider, account.subject) is None:
        raise LaunchProblem(
            "This learning platform signs nobody in yet",
            f"{registration.name} is registered on Courseware without the school or district its people belong to, "
            "so Courseware cannot tell which account is yours. Ask your Courseware administrator to set its "
            "organisation on the LTI platforms page.",
            403,
        )
    result = sign_in.sign_in_with(provider, account)
    nxt = _next_path(slug, module)
    if result.outcome in (sign_in.Outcome.SIGNED_IN, sign_in.Outcome.CREATED) and result.user is not None:
        payload: dict[str, object] = {"user_id": result.user.id, "next": nxt}
    elif result.outcome == sign_in.Outcome.LINK and result.user is not None:
        payload = {"link": {**asdict(account), "user_id": result.user.id}, "next": nxt}
    else:
        return Launched(Next.REFUSED, registration, result=result, account=account)
    token = tickets.issue(tickets.HAND_OVER, registration.id, payload)
    db.session.commit()
    return Launched(Next.OPEN, registration, token, title)


def _next_path(slug: str | None, module: str | None) -> str:
    if slug is None:
        return "/"
    if module is None:
        return f"/courses/{slug}"
    course = catalog().get(slug)
    found = next((m for m in course.modules if m.slug == module), None) if course else None
    if found is None or not found.pages:
        return f"/courses/{slug}"
    return f"/courses/{slug}/{found.slug}/{found.pages[0].slug}"


def _record(registration: LtiRegistration, message: Launch, slug: str | None, module: str | None) -> None:
    """Keep what the launch said about the link, for later scores and rosters (one row per person
    and link). Part of the launch."""
    row = db.session.scalar(
        select(LtiLaunch).where(
            LtiLaunch.registration_id == registration.id,
            LtiLaunch.deployment_id == message.deployment_id,
            LtiLaunch.resource_link_id == message.resource_link_id,
            LtiLaunch.sub == message.sub,
        )
    )
    if row is None:
        row = LtiLaunch(
            registration_id=registration.id,
            deployment_id=message.deployment_id,
            resource_link_id=message.resource_link_id,
            sub=message.sub,
        )
        db.session.add(row)
    row.course_slug, row.module_key = slug, module
    row.context_id, row.context_title = message.context_id, message.context_title
    row.roles = list(message.roles)
    row.lineitem_url = message.lineitem_url
    row.ags_scopes = list(message.ags_scopes)
    row.memberships_url = message.memberships_url
    row.launched_at = utcnow()


# --- the hand-over ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandOver:
    next: str
    user: User  # the Courseware account the hand-over signs in (or offers to link)
    platform: str  # the name of the platform that launched it
    link: dict[str, object] | None = None  # when set, the account to link first (sso's pending link)


def _hand_over_of(registration_id: int, payload: dict[str, object]) -> HandOver | None:
    registration = registrations.find(registration_id)
    if registration is None:
        return None
    nxt = str(payload.get("next") or "/")
    link = payload.get("link")
    user_id = link.get("user_id") if isinstance(link, dict) else payload.get("user_id")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        return None
    return HandOver(nxt, user, registration.name, link if isinstance(link, dict) else None)


def hand_over(token: object) -> HandOver | None:
    """What a launch's hand-over would sign in, left unspent (the page that asks the person to
    confirm); None when it expired, was used, or its account was closed meanwhile."""
    ticket = tickets.peek(tickets.HAND_OVER, token)
    return _hand_over_of(ticket.registration_id, dict(ticket.payload)) if ticket is not None else None


def take_hand_over(token: object) -> HandOver | None:
    """What a launch's hand-over signs in, once (the person confirmed it); None as for hand_over.
    Commits."""
    spent = tickets.spend(tickets.HAND_OVER, token)
    db.session.commit()
    return _hand_over_of(spent.registration_id, spent.payload) if spent is not None else None
