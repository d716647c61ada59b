"""Courseware: a course engine for professional learning in schools."""

from __future__ import annotations

import logging

from flask import Flask
from flask.helpers import get_debug_flag
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, Config, config_from_env
from courseware import courses, credit, kept
from courseware.accounts.cli import users_cli
from courseware.accounts.routes import bp as accounts_bp
from courseware.accounts.sessions import init_login
from courseware.admin.routes import bp as admin_bp
from courseware.badges import init_app as init_badges
from courseware.badges.cli import badges_cli
from courseware.badges.routes import bp as badges_bp
from courseware.case_studies.routes import bp as case_studies_bp
from courseware.certificates import jobs as certificate_jobs  # noqa: F401 (registers the certificate jobs)
from courseware.certificates.designs import available_designs
from courseware.certificates.routes import bp as certificates_bp
from courseware.circles.cli import circles_cli
from courseware.circles.routes import bp as circles_bp
from courseware.cohorts import district_routes, pacing_routes, session_routes  # noqa: F401 (their pages join the cohorts blueprint)
from courseware.cohorts.cli import cohorts_cli
from courseware.cohorts.routes import bp as cohorts_bp
from courseware.courses.cli import courses_cli
from courseware.database import init_database
from courseware.demo import demo_cli
from courseware.errors import init_errors
from courseware.evaluations.routes import bp as evaluations_bp
from courseware.extensions import csrf, db, limiter, migrate
from courseware.guard import init_guard
from courseware.health import bp as health_bp
from courseware.jobs.cli import jobs_cli
from courseware.jobs.worker import init_app as init_job_worker
from courseware.learning.routes import bp as learning_bp
from courseware.lti import scores as lti_scores  # noqa: F401 (registers the score listeners and "lti.post_score")
from courseware.lti.admin_routes import bp as lti_admin_bp
from courseware.lti.cli import lti_cli
from courseware.lti.routes import bp as lti_bp
from courseware.practice.routes import bp as practice_bp
from courseware.question_banks import cli as question_bank_cli
from courseware.quizzes.routes import bp as quizzes_bp
from courseware.scorm.cli import export_scorm
from courseware.security import init_security
from courseware.sso import providers as sso_providers
from courseware.sso import saml_providers
from courseware.sso.routes import bp as sso_bp
from courseware.sso.saml_routes import bp as saml_bp
from courseware.teams.routes import bp as teams_bp
from courseware.templating import init_templating
from courseware.worksheets.routes import bp as worksheets_bp
from courseware.xapi import xapi_cli  # registers the listeners that queue statements, and "xapi.send"

MIGRATIONS = BASE_DIR / "migrations"


def create_app(config: Config | type[Config] | None = None) -> Flask:
    """Build the app. No database work happens here: ``flask db upgrade`` does that."""
    if config is None:
        config = config_from_env()
    elif isinstance(config, type):
        config = config()
    if config.ENV_NAME == "production" and (config.DEBUG or get_debug_flag()):
        raise RuntimeError(
            "Courseware will not start in production with debug on (FLASK_DEBUG or --debug): the debugger shows "
            "code and settings to anyone. Use COURSEWARE_ENV=development on your own machine."
        )
    app = Flask(__name__, instance_path=str(config.INSTANCE_PATH), instance_relative_config=False)
    app.config.from_object(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        config.INSTANCE_PATH.mkdir(parents=True, exist_ok=True)  # the embedded database lives here

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    init_guard(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_job_handlers(app)
    _register_commands(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_security(app)
    sso_providers.init_app(app)
    saml_providers.init_app(app)
    kept.init_app(app)
    init_badges(app)
    profiles = credit.init_app(app)
    designs = available_designs(app.config["CERTIFICATES_DIR"])
    courses.init_app(app, designs=designs, profiles=sorted(profiles), profile_problems=profiles.problems)


def _register_blueprints(app: Flask) -> None:
    for blueprint in (
        accounts_bp,
        sso_bp,
        saml_bp,
        learning_bp,
        quizzes_bp,
        worksheets_bp,
        practice_bp,
        case_studies_bp,
        circles_bp,
        certificates_bp,
        badges_bp,
        cohorts_bp,
        evaluations_bp,
        teams_bp,
        admin_bp,
        lti_bp,
        lti_admin_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)
    init_errors(app)
    init_templating(app)


def _register_job_handlers(app: Flask) -> None:
    """The job handlers are registered as their modules are imported (above: "email.send" with
    courseware.jobs, "certificates.*" with courseware.certificates.jobs, "xapi.send" with
    courseware.xapi); start the in-process worker if JOBS_IN_PROCESS_WORKER is on."""
    init_job_worker(app)


def _register_commands(app: Flask) -> None:
    courses_cli.add_command(export_scorm)  # "flask courses export-scorm": the scorm area sits above courses
    for command in question_bank_cli.COMMANDS:  # flask courses import-gift, import-moodle-xml
        courses_cli.add_command(command)
    for group in (users_cli, badges_cli, circles_cli, cohorts_cli, courses_cli, demo_cli, jobs_cli, lti_cli, xapi_cli):
        app.cli.add_command(group)
