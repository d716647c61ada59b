"""Courseware: a course engine for professional learning in schools."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from config import Config, config_from_env


def create_app(config: Config | type[Config] | None = None) -> Flask:
    """Build the app. No database work happens here: ``flask db upgrade`` does that."""
    if config is None:
        config = config_from_env()
    elif isinstance(config, type):
        config = config()
    app = Flask(__name__, instance_path=str(config.INSTANCE_PATH), instance_relative_config=False)
    app.config.from_object(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        config.INSTANCE_PATH.mkdir(parents=True, exist_ok=True)  # the embedded database lives here

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _register_blueprints(app)
    _register_job_handlers(app)
    _register_commands(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from courseware import courses
    from courseware.accounts.sessions import init_login
    from courseware.database import init_database
    from courseware.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    courses.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from courseware.accounts.routes import bp as accounts_bp
    from courseware.admin.routes import bp as admin_bp
    from courseware.certificates.routes import bp as certificates_bp
    from courseware.cohorts.routes import bp as cohorts_bp
    from courseware.errors import init_errors
    from courseware.health import bp as health_bp
    from courseware.learning.routes import bp as learning_bp
    from courseware.quizzes.routes import bp as quizzes_bp
    from courseware.templating import init_templating
    from courseware.worksheets.routes import bp as worksheets_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(worksheets_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(health_bp)
    init_errors(app)
    init_templating(app)


def _register_job_handlers(app: Flask) -> None:
    """Import every module that registers job handlers (``@jobs.handler``), then start the
    in-process worker if JOBS_IN_PROCESS_WORKER is on. A new area with handlers is added here."""
    from courseware.jobs import emails  # noqa: F401 ("email.send")
    from courseware.jobs.worker import init_app

    init_app(app)


def _register_commands(app: Flask) -> None:
    from courseware.accounts.cli import users_cli
    from courseware.cohorts.cli import cohorts_cli
    from courseware.courses.cli import courses_cli
    from courseware.demo import demo_cli
    from courseware.jobs.cli import jobs_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(cohorts_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(jobs_cli)
