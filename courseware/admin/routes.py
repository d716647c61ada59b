from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware.certificates import services as certificate_services
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Certificate
from courseware.models.base import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/courses")
@admin_required
def courses():
    return render_template("admin/courses.html", courses=catalog().all())


@bp.get("/certificates")
@admin_required
def certificates():
    query = request.args.get("q", "").strip()[:200]
    found = certificate_services.search(query) if query else []
    return render_template("admin/certificates.html", query=query, found=found, now=utcnow())


@bp.post("/certificates/<int:certificate_id>/revoke")
@admin_required
def revoke(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    reason = " ".join(request.form.get("reason", "").split())
    if not reason or len(reason) > 500:
        flash("Give a reason for revoking (at most 500 characters): it is shown on the verification page.", "error")
    elif certificate.revoked_at is not None:
        flash("This certificate was already revoked.", "info")
    else:
        certificate_services.revoke(certificate, reason)
        flash(f"Certificate {certificate.display_code} is revoked.", "success")
    return redirect(url_for("admin.certificates", q=certificate.code))
