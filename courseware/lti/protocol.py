"""LTI 1.3 on the wire, and the only module that knows JSON Web Tokens (joserfc) and the platform's
HTTP endpoints (requests): the tool's key pair and key set, checking a platform's id_token, the
deep linking response, the client assertion and access token of LTI Advantage's services, posting
a score and reading a roster. Everything above it speaks of launches, scores and members.

Specifications: LTI Core 1.3 and the 1EdTech Security Framework 1.0 (id_token, client_credentials
with a signed JWT), Deep Linking 2.0, Assignment and Grade Services 2.0, Names and Role
Provisioning Services 2.0.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from flask import current_app
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from courseware.key_files import write_private_key

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
ALGORITHM = "RS256"
LEEWAY_SECONDS = 60  # clocks of platform and tool may differ this much
KEY_SET_SECONDS = 600  # a platform's key set is fetched again after this long, or for an unknown key
KEY_SET_FLOOR_SECONDS = 30  # but never sooner than this: an unknown key id cannot make every launch fetch
TIMEOUT_SECONDS = 10
KEY_SET_MAX_BYTES = 64 * 1024  # a platform's key set holds a few keys: a larger answer is refused
KEY_SET_DEADLINE_SECONDS = 10  # the whole key set must arrive within this time, however it trickles
MEMBER_PAGES = 50  # a roster is read in at most this many pages


class LaunchRefused(Exception):
    """An id_token that must not sign anyone in; the message says which check failed."""


class PlatformError(Exception):
    """The platform could not be reached, or answered with an error. ``permanent`` when trying
    again cannot help (a 4xx other than 408 and 429)."""

    def __init__(self, message: str, permanent: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status  # the platform's HTTP status, when it answered


class KeyMissing(Exception):
    """The tool's private key file is not set or cannot be read."""


# --- the tool's key pair ---------------------------------------------------------------------------


def generate_key(path: Path) -> str:
    """Write a new 2048-bit RSA private key to ``path`` as PEM, readable by its owner only (0600),
    refusing to replace a file; returns its key id."""
    key = RSAKey.generate_key(2048)
    write_private_key(path, key.as_pem(private=True))
    return key.thumbprint()


_tool_keys: dict[tuple[str, float], RSAKey] = {}


def tool_key() -> RSAKey:
    """The tool's private key, read from LTI_KEY_FILE (once per change of the file)."""
    path = current_app.config.get("LTI_KEY_FILE") or ""
    try:
        modified = os.stat(path).st_mtime if path else None
    except OSError as error:
        raise KeyMissing(f"the LTI key file {path} cannot be read: {error.strerror}") from None
    if modified is None:
        raise KeyMissing("no LTI key file is set (LTI_KEY_FILE)")
    kept = _tool_keys.get((path, modified))
    if kept is not None:
        return kept
    try:
        key = RSAKey.import_key(Path(path).read_bytes())
    except (OSError, ValueError, JoseError) as error:
        raise KeyMissing(f"the LTI key file {path} does not hold an RSA private key: {error}") from None
    if not key.is_private:
        raise KeyMissing(f"the LTI key file {path} holds a public key; the tool needs its private key")
    _tool_keys.clear()
    _tool_keys[(path, modified)] = key
    return key


def key_id() -> str:
    return tool_key().thumbprint()


def public_key_set() -> dict[str, Any]:
    """The tool's public key set (JWKS), as platforms fetch it to check what the tool signs."""
    key = tool_key()
    public = key.as_dict(private=False)
    return {"keys": [{**public, "kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"}]}


def _signed(claims: dict[str, Any]) -> str:
    key = tool_key()
    return jwt.encode({"alg": ALGORITHM, "kid": key.thumbprint(), "typ": "JWT"}, claims, key, algorithms=[ALGORITHM])


# --- a platform's key set --------------------------------------------------------------------------


@dataclass
class _KeySets:
    lock: threading.Lock = field(default_factory=threading.Lock)
    fetched: dict[str, tuple[float, KeySet]] = field(default_factory=dict)
    tried: dict[str, float] = field(default_factory=dict)  # when each key set was last asked for


_key_sets = _KeySets()


def _fetch_key_set(url: str) -> KeySet:
    """The key set at ``url``: at most KEY_SET_MAX_BYTES, within KEY_SET_DEADLINE_SECONDS, from
    that address itself (a redirect is refused: the registration names where the keys are)."""
    deadline = time.monotonic() + KEY_SET_DEADLINE_SECONDS
    body = bytearray()
    try:
        with requests.get(
            url,
            timeout=TIMEOUT_SECONDS / 2,
            headers={"Accept": "application/json"},
            stream=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200:
                raise LaunchRefused(f"the platform's key set at {url} answered {response.status_code}, not the key set")
            while chunk := response.raw.read1(8192, decode_content=True):
                body += chunk
                if len(body) > KEY_SET_MAX_BYTES:
                    raise LaunchRefused(
                        f"the platform's key set at {url} is larger than {KEY_SET_MAX_BYTES // 1024} KB"
                    )
                if time.monotonic() > deadline:
                    raise LaunchRefused(
                        f"the platform's key set at {url} took longer than {KEY_SET_DEADLINE_SECONDS} seconds to arrive"
                    )
        return KeySet.import_key_set(json.loads(bytes(body)))
    except (requests.RequestException, ValueError, JoseError, OSError) as error:
        raise LaunchRefused(f"the platform's key set at {url} could not be read ({error.__class__.__name__})") from None


def platform_key_set(url: str, kid: str | None, now: float | None = None) -> KeySet:
    """The platform's key set, fetched once per KEY_SET_SECONDS, and again for a key id it does not
    hold (the platform rotated its keys), asked for at most once per KEY_SET_FLOOR_SECONDS. When a
    refresh fails, the keys fetched before keep answering (the platform is down or misconfigured for
    a moment; its keys stay its keys)."""
    now = time.time() if now is None else now
    with _key_sets.lock:
        kept = _key_sets.fetched.get(url)
        tried = _key_sets.tried.get(url)
    if kept is not None:
        fresh = now - kept[0] < KEY_SET_SECONDS and (kid is None or _holds(kept[1], kid))
        if fresh or (tried is not None and now - tried < KEY_SET_FLOOR_SECONDS):
            return kept[1]
    with _key_sets.lock:
        _key_sets.tried[url] = now
    try:
        key_set = _fetch_key_set(url)
    except LaunchRefused:
        if kept is None:
            raise
        return kept[1]
    with _key_sets.lock:
        _key_sets.fetched[url] = (now, key_set)
    return key_set


def _holds(key_set: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in key_set.keys)


def forget_key_sets() -> None:
    with _key_sets.lock:
        _key_sets.fetched.clear()
        _key_sets.tried.clear()


# --- the launch ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    """What the protocol needs of a registration."""

    issuer: str
    client_id: str
    deployments: tuple[str, ...]
    key_set_url: str
    access_token_url: str


@dataclass(frozen=True)
class Launch:
    """A checked id_token, in the tool's words."""

    message_type: str
    deployment_id: str
    sub: str
    email: str
    name: str
    roles: tuple[str, ...]
    resource_link_id: str
    context_id: str
    context_title: str
    custom: Mapping[str, str]
    lineitem_url: str | None
    ags_scopes: tuple[str, ...]
    memberships_url: str | None
    deep_link_return_url: str | None
    deep_link_data: str | None
    accept_multiple: bool


def read_id_token(token: str, platform: Platform, nonce: str, now: float | None = None) -> Launch:
    """Check the platform's id_token (signature by the platform's key set, iss, aud, azp, exp,
    iat, nonce, deployment, message type, LTI version) and read it; LaunchRefused says why not."""
    now = time.time() if now is None else now
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 100_000:
        raise LaunchRefused("the launch carried no id_token")
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError, UnicodeError):
        raise LaunchRefused("the id_token is not a JSON Web Token") from None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    key_set = platform_key_set(platform.key_set_url, kid, now)
    try:
        claims = jwt.decode(token, key_set, algorithms=[ALGORITHM]).claims
    except (JoseError, ValueError) as error:
        raise LaunchRefused(f"the id_token's signature does not check with the platform's key set ({error})") from None
    _check_claims(claims, platform, nonce, now)
    return _launch_of(claims)


def _check_claims(claims: dict[str, Any], platform: Platform, nonce: str, now: float) -> None:
    if claims.get("iss") != platform.issuer:
        raise LaunchRefused(f"the id_token was issued by {claims.get('iss')!r}, not by {platform.issuer!r}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if platform.client_id not in audiences:
        raise LaunchRefused(f"the id_token is meant for {audience!r}, not for client id {platform.client_id!r}")
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != platform.client_id:
        raise LaunchRefused("the id_token's authorized party (azp) is not this tool's client id")
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or expires + LEEWAY_SECONDS < now:
        raise LaunchRefused("the id_token has expired")
    if not isinstance(issued, int | float) or issued - LEEWAY_SECONDS > now:
        raise LaunchRefused("the id_token was issued in the future")
    if not nonce or claims.get("nonce") != nonce:
        raise LaunchRefused("the id_token's nonce is not the one this login sent")
    deployment = claims.get(LTI + "deployment_id")
    if deployment not in platform.deployments:
        raise LaunchRefused(f"the deployment {deployment!r} is not registered for this platform")
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchRefused(f"the launch is LTI version {claims.get(LTI + 'version')!r}, not 1.3.0")
    message_type = claims.get(LTI + "message_type")
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused(f"the message type {message_type!r} is not one Courseware handles")
    if not isinstance(claims.get("sub"), str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise LaunchRefused("the launch names no user (sub): anonymous launches cannot open a course")
    if message_type == RESOURCE_LINK and not _text(_claim(claims, "resource_link").get("id")):
        raise LaunchRefused("the launch names no resource link")
    settings = _dict(claims.get(DL + "deep_linking_settings"))
    if message_type == DEEP_LINKING and not _text(settings.get("deep_link_return_url")):
        raise LaunchRefused("the deep linking request has no return address")


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _claim(claims: dict[str, Any], name: str) -> dict[str, Any]:
    return _dict(claims.get(LTI + name))


def _text(value: object, limit: int = 1000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _launch_of(claims: dict[str, Any]) -> Launch:
    ags = _dict(claims.get(AGS_ENDPOINT))
    nrps = _dict(claims.get(NRPS))
    settings = _dict(claims.get(DL + "deep_linking_settings"))
    custom = {str(k): v for k, v in _claim(claims, "custom").items() if isinstance(v, str)}
    roles = claims.get(LTI + "roles")
    scopes = ags.get("scope")
    return Launch(
        message_type=claims[LTI + "message_type"],
        deployment_id=claims[LTI + "deployment_id"],
        sub=claims["sub"],
        email=_text(claims.get("email"), 254),
        name=_text(claims.get("name")) or " ".join(_text(claims.get(n)) for n in ("given_name", "family_name")).strip(),
        roles=tuple(role for role in roles if isinstance(role, str)) if isinstance(roles, list) else (),
        resource_link_id=_text(_claim(claims, "resource_link").get("id"), 255),
        context_id=_text(_claim(claims, "context").get("id"), 255),
        context_title=_text(_claim(claims, "context").get("title"), 300),
        custom=custom,
        lineitem_url=_text(ags.get("lineitem")) or None,
        ags_scopes=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else (),
        memberships_url=_text(nrps.get("context_memberships_url")) or None,
        deep_link_return_url=_text(settings.get("deep_link_return_url")) or None,
        deep_link_data=_text(settings.get("data")) or None,
        accept_multiple=settings.get("accept_multiple") is not False,
    )


LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# Staff of the context (LTI 1.3, appendix A.2.3): its instructors (with their sub-roles, such as a
# teaching assistant, "membership/Instructor#TeachingAssistant"), content developers and
# administrators, also by the simple names a platform may send for context roles; and the
# administrators of the platform or the institution (A.2.1, A.2.2). An institution role such as
# "institution/person#Instructor" says what someone is at the school, not in this course: it is not staff.
STAFF_ROLES = frozenset(
    {
        LIS + "membership#Instructor",
        LIS + "membership#ContentDeveloper",
        LIS + "membership#Administrator",
        "Instructor",
        "ContentDeveloper",
        "Administrator",
        LIS + "system/person#Administrator",
        LIS + "institution/person#Administrator",
    }
)
STAFF_SUB_ROLES = (
    LIS + "membership/Instructor#",
    LIS + "membership/ContentDeveloper#",
    LIS + "membership/Administrator#",
)


def is_instructor(roles: tuple[str, ...] | list[str]) -> bool:
    """Whether the roles make the person staff of the context (STAFF_ROLES and their sub-roles)."""
    return any(role in STAFF_ROLES or role.startswith(STAFF_SUB_ROLES) for role in roles)


# --- deep linking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkItem:
    """An ltiResourceLink content item: a course, or a module of one, with its gradebook column."""

    title: str
    url: str
    custom: Mapping[str, str]
    score_maximum: int
    label: str


def deep_linking_response(platform: Platform, deployment_id: str, data: str | None, items: list[LinkItem]) -> str:
    """The signed LtiDeepLinkingResponse for the chosen items."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": uuid.uuid4().hex,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": deployment_id,
        DL + "content_items": [
            {
                "type": "ltiResourceLink",
                "title": item.title,
                "url": item.url,
                "custom": dict(item.custom),
                "lineItem": {"scoreMaximum": item.score_maximum, "label": item.label},
            }
            for item in items
        ],
    }
    if data:
        claims[DL + "data"] = data
    return _signed(claims)


# --- LTI Advantage services ------------------------------------------------------------------------

_tokens: dict[tuple[str, str, str], tuple[float, str]] = {}
_tokens_lock = threading.Lock()


def _client_assertion(platform: Platform) -> str:
    now = int(time.time())
    return _signed(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.access_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
    )


def access_token(platform: Platform, scope: str) -> str:
    """An access token for ``scope`` (client_credentials grant with a JWT client assertion signed by
    the tool's key), kept until shortly before it expires."""
    key = (platform.access_token_url, platform.client_id, scope)
    with _tokens_lock:
        kept = _tokens.get(key)
    if kept is not None and kept[0] > time.time():
        return kept[1]
    response = _call(
        "post",
        platform.access_token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": _client_assertion(platform),
            "scope": scope,
        },
        what="the platform's access token endpoint",
    )
    try:
        answer = response.json()
        token = answer["access_token"]
        lifetime = int(answer.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError):
        raise PlatformError("the platform's access token endpoint gave no access token") from None
    if not isinstance(token, str) or not token:
        raise PlatformError("the platform's access token endpoint gave no access token")
    with _tokens_lock:
        _tokens[key] = (time.time() + max(lifetime - 60, 0), token)
    return token


def _call(method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
    try:
        response = requests.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        raise PlatformError(f"{what} could not be reached ({error.__class__.__name__})") from None
    if response.status_code >= 400:
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        body = " ".join(response.text.split())[:300]
        raise PlatformError(f"{what} answered {response.status_code}: {body}", permanent, response.status_code)
    return response


def _forget_access_token(platform: Platform, scope: str, token: str) -> None:
    key = (platform.access_token_url, platform.client_id, scope)
    with _tokens_lock:
        if _tokens.get(key, (0, ""))[1] == token:
            del _tokens[key]


def _call_with_token(
    platform: Platform, scope: str, method: str, url: str, what: str, headers: dict[str, str], **kwargs: Any
) -> requests.Response:
    """Call a service of the platform with an access token for ``scope``. A 401 means the platform no
    longer takes the kept token (revoked, or expired early): it is dropped and the call made once
    more with a new one; a second 401 is worth trying again later (the platform's token service may
    be catching up), so it is not permanent."""

    def with_a_token() -> requests.Response:
        token = access_token(platform, scope)  # its endpoint's refusals are its own, and stay as they are
        try:
            return _call(method, url, what=what, headers={**headers, "Authorization": f"Bearer {token}"}, **kwargs)
        except PlatformError as error:
            if error.status != 401:
                raise
            _forget_access_token(platform, scope, token)
            raise _TokenRefused(str(error), permanent=False, status=401) from None

    try:
        return with_a_token()
    except _TokenRefused:
        pass
    try:
        return with_a_token()
    except _TokenRefused as error:
        raise PlatformError(f"{error} (with a new access token too)", permanent=False, status=401) from None


class _TokenRefused(PlatformError):
    """A service of the platform answered 401 to an access token."""


@dataclass(frozen=True)
class Score:
    user_sub: str
    given: float
    maximum: float
    activity_progress: str  # Initialized, Started, InProgress, Submitted, Completed
    grading_progress: str  # FullyGraded, Pending, PendingManual, Failed, NotReady
    timestamp: str  # ISO 8601 with its offset


def post_score(platform: Platform, lineitem_url: str, score: Score) -> None:
    """POST the score to the line item's scores endpoint (AGS 2.0, section 3.4)."""
    base, _, query = lineitem_url.partition("?")
    url = base.rstrip("/") + "/scores" + (f"?{query}" if query else "")
    _call_with_token(
        platform,
        SCORE_SCOPE,
        "post",
        url,
        what="the platform's score endpoint",
        json={
            "userId": score.user_sub,
            "scoreGiven": score.given,
            "scoreMaximum": score.maximum,
            "activityProgress": score.activity_progress,
            "gradingProgress": score.grading_progress,
            "timestamp": score.timestamp,
        },
        headers={"Content-Type": "application/vnd.ims.lis.v1.score+json"},
    )


@dataclass(frozen=True)
class Member:
    sub: str
    name: str
    email: str
    roles: tuple[str, ...]
    status: str


def read_members(platform: Platform, memberships_url: str) -> list[Member]:
    """The context's members (NRPS 2.0), following the ``next`` links page by page."""
    members: list[Member] = []
    url: str | None = memberships_url
    for _ in range(MEMBER_PAGES):
        if url is None:
            break
        response = _call_with_token(
            platform,
            MEMBERSHIP_SCOPE,
            "get",
            url,
            what="the platform's roster endpoint",
            headers={"Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"},
        )
        try:
            found = response.json().get("members", [])
        except (ValueError, AttributeError):
            raise PlatformError("the platform's roster endpoint did not answer with a roster") from None
        for member in found if isinstance(found, list) else []:
            member = _dict(member)
            roles = member.get("roles")
            members.append(
                Member(
                    sub=_text(member.get("user_id"), 255),
                    name=_text(member.get("name"), 300),
                    email=_text(member.get("email"), 254),
                    roles=tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
                    status=_text(member.get("status"), 20) or "Active",
                )
            )
        url = response.links.get("next", {}).get("url")
    return members
