"""Accounts: sign up, sign in and out, password reset, profile."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from courseware.accounts import routes  # noqa: E402,F401
