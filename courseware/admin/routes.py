from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from courseware import jobs
from courseware.accounts.services import find_user_by_email
from courseware.certificates import services as certificate_services
from courseware.cohorts import queries as cohort_queries
from courseware.cohorts import services as cohort_services
from courseware.courses import catalog
from courseware.models import Job, JobStatus
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
    certificate = certificate_services.find_by_id(certificate_id)
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


@bp.get("/organisations")
@admin_required
def organisations():
    overview = cohort_queries.organisations_overview()
    return render_template(
        "admin/organisations.html", districts=overview.districts, grants=overview.grants, cohorts=overview.cohorts
    )


@bp.post("/organisations")
@admin_required
def create_organisation():
    name = " ".join(request.form.get("name", "").split())
    parent_id = request.form.get("parent_id", type=int)
    parent = cohort_queries.organisation(parent_id)
    if not name or len(name) > 200:
        flash("Give the organisation a name of at most 200 characters.", "error")
    elif parent_id and (parent is None or parent.parent_id is not None):
        flash("A school belongs to a district: choose one of the districts.", "error")
    else:
        cohort_services.create_organisation(name, parent)
        flash(f"“{name}” is created.", "success")
    return redirect(url_for("admin.organisations"))


@bp.post("/leaders")
@admin_required
def grant_leader():
    user = find_user_by_email(request.form.get("email", ""))
    target = request.form.get("target", "")
    kind, _, raw_id = target.partition(":")
    target_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
    organisation = cohort_queries.organisation(target_id) if kind == "organisation" else None
    cohort = cohort_queries.cohort(target_id) if kind == "cohort" else None
    led = organisation or cohort
    if user is None:
        flash("No account has that email address. The leader signs up first, or is added with a roster.", "error")
    elif led is None:
        flash("Choose the organisation or cohort this leader leads.", "error")
    else:
        cohort_services.grant_leader(user, organisation=organisation, cohort=cohort)
        flash(f"{user.name} now leads {led.name}.", "success")
    return redirect(url_for("admin.organisations"))


@bp.post("/leaders/<int:grant_id>/revoke")
@admin_required
def revoke_leader(grant_id: int):
    if cohort_services.revoke_grant(grant_id) is None:
        abort(404)
    flash("The leader's access is removed.", "success")
    return redirect(url_for("admin.organisations"))


DEAD_SHOWN = 100


@bp.get("/jobs")
@admin_required
def job_list():
    counts = jobs.counts()
    totals = {status: sum(by_status[status] for by_status in counts.values()) for status in JobStatus}
    dead = jobs.jobs_in(JobStatus.DEAD, limit=DEAD_SHOWN)
    return render_template(
        "admin/jobs.html",
        counts=counts,
        totals=totals,
        statuses=list(JobStatus),
        dead=[(job, _job_summary(job)) for job in dead],
    )


@bp.post("/jobs/<int:job_id>/retry")
@admin_required
def retry_job(job_id: int):
    job = jobs.find(job_id)
    if job is None:
        abort(404)
    if job.status != JobStatus.DEAD:
        flash(f"Job {job_id} is {job.status}, not dead: there is nothing to retry.", "info")
    elif jobs.retry([job_id]).requeued:
        flash(f"Job {job_id} is queued again.", "success")
    else:
        flash(f"Job {job_id} stays dead: a job with the same key is already queued or running.", "error")
    return redirect(url_for("admin.job_list"))


@bp.post("/jobs/retry-dead")
@admin_required
def retry_dead_jobs():
    result = jobs.retry()
    message = f"{result.requeued} dead job{'' if result.requeued == 1 else 's'} queued again."
    if result.skipped:
        message += f" {result.skipped} stay dead: a job with the same key is already queued or running."
    flash(message, "success" if result.requeued else "info")
    return redirect(url_for("admin.job_list"))


def _job_summary(job: Job) -> str:
    """What a dead job was for, without its body (an email may hold a password-reset link)."""
    payload = job.payload if isinstance(job.payload, dict) else {}
    if job.kind == jobs.EMAIL_SEND:
        return f"{payload.get('kind', 'email')} to {payload.get('to', '?')}: {payload.get('subject', '')}"
    return job.dedupe_key or ""
