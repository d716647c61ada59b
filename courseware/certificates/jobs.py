"""Slow certificate work, done by job workers: rendering a PDF, and replacements after a name change.

Handlers do not commit: the worker commits what they wrote together with marking the job done.
"""

from __future__ import annotations

from courseware import jobs
from courseware.certificates import services
from courseware.extensions import db
from courseware.models import User

REISSUE = "certificates.reissue"


@jobs.handler(services.RENDER, timeout=120)
def render(payload: dict) -> None:
    """Render and keep the PDF of one certificate (nothing to do once it is kept)."""
    certificate = services.find_by_id(int(payload["certificate_id"]))
    if certificate is not None:
        services.render_and_keep(certificate)


@jobs.handler(services.ISSUE_WAITING, timeout=600)
def issue_waiting(payload: dict) -> None:
    """Issue the certificates held back while a course's credit details were incomplete (queued when an
    admin changes a provider, or asks for it on the admin pages)."""
    services.issue_waiting()


@jobs.handler(REISSUE)
def reissue(payload: dict) -> None:
    """Replace every current certificate of a learner that shows an earlier name."""
    user = db.session.get(User, int(payload["user_id"]))
    if user is not None:
        services.replace_for_new_name(user)
