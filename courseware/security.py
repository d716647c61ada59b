"""What every response tells the browser (docs/security.md): the security headers, no caching of
anything personal, and no session cookie set by a state-changing request that arrived without one."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DOWNLOAD_TYPES = ("text/csv", "application/pdf", "application/zip")


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that a POST (or any unsafe method) that arrived
    without a session cookie never sets or deletes one.

    A browser sends no cookie with a cross-site POST (SameSite=Lax), so whatever such a request
    wrote into a new session would replace the person's own session cookie and sign them out.
    Every legitimate form post carries the session its CSRF token lives in.
    """

    def save_session(self, app: Flask, session, response: Response) -> None:
        if request.method not in SAFE_METHODS and self.get_cookie_name(app) not in request.cookies:
            return
        super().save_session(app, session, response)


def is_personal_download(response: Response) -> bool:
    return response.mimetype in DOWNLOAD_TYPES or "attachment" in response.headers.get("Content-Disposition", "")


def add_security_headers(response: Response) -> Response:
    own_policy = response.headers.get("Content-Security-Policy", "")
    framable = "frame-ancestors" in own_policy and "frame-ancestors 'none'" not in own_policy
    for name, value in HEADERS.items():
        if name == "X-Frame-Options" and framable:  # a page a learning platform shows in its frame (lti)
            continue
        response.headers.setdefault(name, value)
    policy = response.headers["Content-Security-Policy"]
    if "frame-ancestors" not in policy:  # a stricter policy of the route's own (course media)
        response.headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'none'"
    if request.is_secure:  # behind a proxy, TRUSTED_PROXIES makes X-Forwarded-Proto count
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if request.endpoint == "static":
        return response
    cache = response.headers.get("Cache-Control", "")
    download = is_personal_download(response)
    kept_privately = download and "private" in cache  # a certificate PDF may stay in the person's own cache
    if (current_user.is_authenticated or download) and "no-store" not in cache and not kept_privately:
        response.headers["Cache-Control"] = "no-store"
    return response


def storage_owner() -> str:
    """An opaque, stable name for the signed-in person, under which the browser keeps unsaved
    worksheet text (autosave.js); never the email, and meaningless without SECRET_KEY."""
    if not current_user.is_authenticated:
        return ""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"storage:{current_user.id}".encode(), hashlib.sha256).hexdigest()[:32]


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
    app.add_template_global(storage_owner)
