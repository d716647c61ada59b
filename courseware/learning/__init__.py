"""Learning: the catalog, course home, page view, progress and seat time."""

from flask import Blueprint

bp = Blueprint("learning", __name__)

from courseware.learning import routes  # noqa: E402,F401
