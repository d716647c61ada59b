"""Error pages in the site's layout, and JSON errors for JSON requests. No stack trace reaches a user."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from courseware.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right", "Go back, reload the page and try again."),
    401: ("Please sign in", "Sign in to continue."),
    403: ("You do not have access to this page", "If you think you should, ask the person who runs your training."),
    404: ("We could not find that page", "It may have moved, or the link may be mistyped."),
    405: ("That action is not available here", "Go back and use the buttons on the page."),
    409: (
        "Someone else changed this at the same moment",
        "Nothing you sent was saved. Reload the page to see the current state, and try again.",
    ),
    410: ("This link is no longer valid", "It has expired or has already been used."),
    413: ("That upload is too large", "Choose a smaller file and try again."),
    422: (
        "Something in that form could not be saved",
        "A value was too large or not in the expected form. Go back, check what you entered, and try again.",
    ),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong on our side", "The problem has been logged. Please try again in a moment."),
}


class ClearBadRequest(BadRequest):
    """A 400 that says what was wrong with the request."""

    def __init__(self, title: str, detail: str) -> None:
        super().__init__(detail)
        self.title, self.detail = title, detail


def wants_json() -> bool:
    if request.is_json or request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, title: str | None = None, detail: str | None = None):
    default_title, default_detail = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    title, detail = title or default_title, detail or default_detail
    if wants_json():
        return make_response(jsonify(error=title, detail=detail, status=code), code)
    return make_response(render_template("errors/error.html", code=code, title=title, detail=detail), code)


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            "This form has expired",
            "For your safety, forms expire when you sign out or after a long pause. "
            "Go back, reload the page, and submit it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if isinstance(error, ClearBadRequest):
            return render_error(error.code, error.title, error.detail)
        response = render_error(error.code)
        allowed = getattr(error, "valid_methods", None)  # a MethodNotAllowed names the methods that are
        if error.code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        """A backstop: the known races answer with their own message before they get here."""
        log.warning("Integrity error on %s %s: %s", request.method, request.path, error.orig)
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def data_error(error: Exception):
        """A backstop for a value the database cannot hold (forms check their values before)."""
        log.warning("Value refused by the database on %s %s: %s", request.method, request.path, error)
        db.session.rollback()
        return render_error(422)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(InternalServerError.code)
