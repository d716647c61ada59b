"""Admin: the state of every course, including broken ones."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from courseware.admin import routes  # noqa: E402,F401
