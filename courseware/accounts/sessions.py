"""Flask-Login wiring. The login cookie carries the user's session token, so rotating
the token (sign-out, password change or reset) ends every session of that user."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for

from courseware.errors import render_error, wants_json
from courseware.extensions import db, login_manager
from courseware.models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def unauthorized():
    """JSON callers (autosave, heartbeats) get a 401 they can act on; pages go to the sign-in form."""
    if wants_json():
        return render_error(401, "Your session has ended", "Sign in again; nothing you typed is lost.")
    return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user
