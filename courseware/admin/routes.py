from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from courseware import jobs, xapi
from courseware.accounts.services import find_user_by_email
from courseware.admin.forms import AssetForm, ProviderForm, provider_form
from courseware.certificates import services as certificate_services
from courseware.cohorts import domains as owned_domains
from courseware.cohorts import queries as cohort_queries
from courseware.cohorts import services as cohort_services
from courseware.courses import catalog
from courseware.courses.checks import credit_checks
from courseware.credit import all_profiles
from courseware.credit import services as credit_services
from courseware.credit.images import MAX_BYTES, ImageRejected, check_image, too_large
from courseware.credit.providers import details_of, provider_missing
from courseware.credit.waiting import waiting_courses
from courseware.errors import render_error
from courseware.forms import add_error, form_id, text
from courseware.models import CreditProvider, Job, JobStatus
from courseware.models.base import utcnow
from courseware.sso import providers as sso_providers
from courseware.sso import saml_providers
from courseware.text import clean as clean_text
from courseware.urls import external_url

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.context_processor
def certificates_waiting() -> dict:
    """Every admin page says which courses have certificates held back, and why."""
    if not (current_user.is_authenticated and current_user.is_admin):
        return {}
    return {"waiting_courses": waiting_courses()}


@bp.get("/courses")
@admin_required
def courses():
    found = catalog().all()
    checks = {course.slug: credit_checks(course) for course in found if not course.is_broken}
    return render_template(
        "admin/courses.html", courses=found, credit_checks=checks, profile_problems=all_profiles().problems
    )


@bp.post("/certificates/issue-waiting")
@admin_required
def issue_waiting():
    if credit_services.request_issue_waiting():
        flash(
            "The certificates held back are being issued, for every course whose details are now complete.", "success"
        )
    else:
        flash("No certificate is held back.", "info")
    return redirect(url_for("admin.courses"))


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
    reason = clean_text(request.form.get("reason", ""))
    if not reason or len(reason) > 500:
        flash("Give a reason for revoking (at most 500 characters): it is shown on the verification page.", "error")
    elif request.form.get("confirm") != "yes":
        flash("Tick the box to confirm: revoking cannot be undone. Nothing has changed.", "error")
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
        "admin/organisations.html",
        districts=overview.districts,
        grants=overview.grants,
        cohorts=overview.cohorts,
        profiles=all_profiles().titled(),
        sign_in=owned_domains.all_settings(),
        cohorts_of=_cohorts_of(overview.districts, overview.cohorts),
        procedure_courses=[c for c in catalog().all() if not c.is_broken and c.district_blanks],
        providers=[
            (provider, external_url("sso.callback", provider=provider.key)) for provider in sso_providers.configured()
        ],
        saml_providers=[
            (provider, saml_providers.entity_id(provider), saml_providers.acs_url(provider))
            for provider in saml_providers.configured()
        ],
    )


def _cohorts_of(districts, cohorts) -> dict[int, list]:
    """The cohorts new staff of each organisation may join: its own, and a district's schools'."""
    by_organisation: dict[int, list] = {}
    for cohort in cohorts:
        by_organisation.setdefault(cohort.organisation_id, []).append(cohort)
    found = {}
    for district in districts:
        for school in district.schools:
            found[school.id] = by_organisation.get(school.id, [])
        found[district.id] = [c for o in (district, *district.schools) for c in by_organisation.get(o.id, [])]
    return found


@bp.post("/organisations/<int:organisation_id>/sign-in")
@admin_required
def set_sign_in(organisation_id: int):
    organisation = cohort_queries.organisation(organisation_id)
    if organisation is None:
        abort(404)
    domains, problem = owned_domains.parse_domains(request.form.get("domains", "")[:5000])
    create_accounts = request.form.get("create_accounts") == "yes"
    passwords_off = request.form.get("passwords_off") == "yes"
    chosen = request.form.get("new_staff_cohort_id", "").strip()
    cohort_id = form_id(chosen)
    cohort = next((c for c in owned_domains.new_staff_cohorts(organisation) if c.id == cohort_id), None)
    if problem is None and chosen and cohort is None:
        problem = f"Choose one of the cohorts of {organisation.name} for new staff, or none."
    if problem is None and (create_accounts or passwords_off) and not domains:
        problem = "List the organisation's email domains first: these settings apply to addresses in them."
    if problem is not None:
        flash(f"{organisation.name}: {problem} Nothing has changed.", "error")
        return redirect(url_for("admin.organisations"))
    try:
        cohort_services.set_sign_in(organisation, domains, create_accounts, passwords_off, cohort)
    except cohort_services.DomainTaken as taken:
        message = f"{taken.domain} belongs to {taken.owner} already: a domain has one organisation."
        flash(f"{message} Nothing has changed.", "error")
    else:
        flash(f"{organisation.name}: sign-in settings saved.", "success")
    return redirect(url_for("admin.organisations"))


@bp.post("/organisations/<int:organisation_id>/credit-profile")
@admin_required
def set_credit_profile(organisation_id: int):
    organisation = cohort_queries.organisation(organisation_id)
    if organisation is None:
        abort(404)
    key = request.form.get("credit_profile", "")
    profile = all_profiles().get(key)
    if key and profile is None:
        flash("Choose one of the credit profiles in the list.", "error")
    else:
        cohort_services.set_credit_profile(organisation, key or None)
        chosen = f"“{profile.title}”" if profile else "no profile of its own"
        flash(f"{organisation.name} now has {chosen}.", "success")
    return redirect(url_for("admin.organisations"))


@bp.post("/organisations")
@admin_required
def create_organisation():
    name = clean_text(request.form.get("name", ""))
    chosen = request.form.get("parent_id", "").strip()
    parent_id = form_id(chosen)
    parent = cohort_queries.organisation(parent_id)
    if not name or len(name) > 200:
        flash("Give the organisation a name of at most 200 characters.", "error")
    elif chosen and (parent is None or parent.parent_id is not None):
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
    target_id = form_id(raw_id)
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
        xapi=xapi.status(),
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
    if job.kind == xapi.SEND:
        return xapi.describe(payload)
    return job.dedupe_key or ""


# --- credit providers ----------------------------------------------------------------------------


def _provider(provider_id: int) -> CreditProvider:
    provider = credit_services.provider_by_id(provider_id)
    if provider is None:
        abort(404)
    return provider


@bp.get("/providers")
@admin_required
def providers():
    found = credit_services.all_providers()
    courses_by_key: dict[str, list] = {}
    for course in catalog().all():
        if course.provider.key and not course.is_broken:
            courses_by_key.setdefault(course.provider.key, []).append(course)
    problems = {
        key: sorted({problem.message for course in courses for problem in credit_checks(course)})
        for key, courses in courses_by_key.items()
    }
    return render_template("admin/providers.html", providers=found, courses_by_key=courses_by_key, problems=problems)


@bp.route("/providers/new", methods=["GET", "POST"])
@admin_required
def create_provider():
    form = provider_form(all_profiles().titled(), creating=True)
    if form.validate_on_submit():
        key = text(form.key)
        if credit_services.key_taken(key):
            add_error(form.key, "Another provider has this key: choose another.")
        else:
            provider = credit_services.create_provider(key, _details(form))
            flash(f"“{provider.name}” is set up. Courses name it with provider: {provider.key}.", "success")
            return redirect(url_for("admin.edit_provider", provider_id=provider.id))
    return render_template("admin/provider_new.html", form=form), 422 if form.errors else 200


def _details(form: ProviderForm) -> credit_services.ProviderDetailsForm:
    return credit_services.ProviderDetailsForm(
        name=text(form.name),
        contact=text(form.contact),
        signatory_name=text(form.signatory_name),
        signatory_title=text(form.signatory_title),
        numbers=form.numbers(),
    )


def _edit_page(provider: CreditProvider, form=None, uploads=None, status: int = 200):
    profiles = all_profiles().titled()
    if form is None:
        form = provider_form(profiles, creating=False, obj=provider, formdata=None)
        for profile, name in form.number_fields:
            getattr(form, name).data = (provider.numbers or {}).get(profile.key, "")
    uploads = uploads or {}
    for kind in credit_services.ASSET_KINDS:
        uploads.setdefault(kind, AssetForm(prefix=kind, formdata=None))
    courses = [course for course in catalog().all() if course.provider.key == provider.key]
    details = details_of(provider)
    readiness = [(profile, provider_missing(details, profile)) for profile in profiles]
    checks = {course.slug: credit_checks(course) for course in courses if not course.is_broken}
    return render_template(
        "admin/provider_edit.html",
        provider=provider,
        form=form,
        uploads=uploads,
        courses=courses,
        checks=checks,
        readiness=readiness,
        max_bytes=MAX_BYTES,
    ), status


@bp.route("/providers/<int:provider_id>", methods=["GET", "POST"])
@admin_required
def edit_provider(provider_id: int):
    provider = _provider(provider_id)
    if request.method == "GET":
        return _edit_page(provider)
    form = provider_form(all_profiles().titled(), creating=False)
    if form.validate_on_submit():
        credit_services.update_provider(provider, _details(form))
        flash(f"“{provider.name}” is saved. Certificates issued before keep the details they printed.", "success")
        return redirect(url_for("admin.edit_provider", provider_id=provider.id))
    return _edit_page(provider, form=form, status=422)


@bp.post("/providers/<int:provider_id>/<any(signature, logo):kind>")
@admin_required
def upload_asset(provider_id: int, kind: str):
    provider = _provider(provider_id)
    form = AssetForm(prefix=kind)
    if form.validate_on_submit():
        stream = form.file.data.stream
        size = stream.seek(0, 2)
        stream.seek(0)
        try:
            if size > MAX_BYTES:
                raise ImageRejected(too_large(size))
            image = check_image(stream.read(MAX_BYTES + 1))
        except ImageRejected as problem:
            add_error(form.file, str(problem))
        else:
            credit_services.store_asset(provider, kind, image)
            flash(f"The {kind} is saved; certificates issued from now on print it.", "success")
            return redirect(url_for("admin.edit_provider", provider_id=provider.id))
    return _edit_page(provider, uploads={kind: form}, status=422)


@bp.post("/providers/<int:provider_id>/<any(signature, logo):kind>/remove")
@admin_required
def remove_asset(provider_id: int, kind: str):
    provider = _provider(provider_id)
    credit_services.remove_asset(provider, kind)
    flash(f"The {kind} is removed; certificates issued before keep theirs.", "success")
    return redirect(url_for("admin.edit_provider", provider_id=provider.id))


@bp.get("/assets/<int:asset_id>")
@admin_required
def asset(asset_id: int):
    found = credit_services.asset(asset_id)
    if found is None:
        abort(404)
    return (
        found.data,
        200,
        {
            "Content-Type": found.media_type,
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=86400, immutable",
        },
    )


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """An upload over the app's size limit never reaches the form: show the form again, saying so."""
    if request.endpoint != "admin.upload_asset" or not (current_user.is_authenticated and current_user.is_admin):
        return render_error(413)
    provider = _provider(int((request.view_args or {})["provider_id"]))
    kind = str((request.view_args or {})["kind"])
    form = AssetForm(prefix=kind, formdata=None)
    add_error(form.file, too_large(request.content_length or MAX_BYTES + 1) + " Nothing was saved.")
    return _edit_page(provider, uploads={kind: form}, status=413)
