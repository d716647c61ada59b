"""Configuration classes, read from the environment when the app is built.

Nothing here runs at import time beyond defining classes: values are read in
``__init__`` so that tests and commands can change the environment first.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        self.INSTANCE_PATH = Path(os.environ.get("COURSEWARE_INSTANCE", BASE_DIR / "instance"))
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = self._database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.COURSES_DIR = Path(os.environ.get("COURSES_DIR", BASE_DIR / "modules"))
        self.CERTIFICATES_DIR = Path(os.environ.get("CERTIFICATES_DIR", BASE_DIR / "certificates"))
        self.CREDIT_PROFILES_DIR = Path(os.environ.get("CREDIT_PROFILES_DIR", BASE_DIR / "credit_profiles"))
        self.COURSES_AUTO_RELOAD = _bool("COURSES_AUTO_RELOAD", self.DEBUG)

        # Mail: written to instance/mail/ and the console unless MAIL_SERVER is set.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = _int("MAIL_PORT", 587)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "Courseware <no-reply@courseware.local>")
        self.MAIL_DIR = self.INSTANCE_PATH / "mail"

        # Jobs (docs/jobs.md): `flask jobs work` runs them; in development a thread of the web
        # server does, looking for due jobs every JOBS_POLL_SECONDS.
        self.JOBS_IN_PROCESS_WORKER = _bool("JOBS_IN_PROCESS_WORKER", self.DEBUG)
        self.JOBS_POLL_SECONDS = float(os.environ.get("JOBS_POLL_SECONDS") or 2)

        # Rate limits: in-process by default; redis://127.0.0.1:6379 at scale.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        # Failed sign-ins only: per account and address together, and per address (password spraying).
        self.SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per 15 minutes")
        self.SIGN_IN_ADDRESS_RATE_LIMIT = os.environ.get("SIGN_IN_ADDRESS_RATE_LIMIT", "100 per 15 minutes")
        self.RATELIMIT_HEADERS_ENABLED = True

        self.RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per hour")  # reset emails per address
        self.VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "60 per minute")
        # The address printed on certificates and in their QR codes, e.g. https://training.district.org
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
        self.PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
        self.PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 3600)
        # Seat time: heartbeats every HEARTBEAT_SECONDS while the learner is active;
        # one page visit earns at most SEAT_TIME_CAP_SECONDS.
        self.HEARTBEAT_SECONDS = _int("HEARTBEAT_SECONDS", 30)
        self.SEAT_TIME_CAP_SECONDS = _int("SEAT_TIME_CAP_SECONDS", 20 * 60)

        # Behind a load balancer or reverse proxy: how many proxies set X-Forwarded-For/-Proto.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        # Above the 5 MB roster limit, so that a large roster gets the roster's own explanation.
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)

    def _database_url(self) -> str:
        url = os.environ.get("DATABASE_URL")
        if not url:
            return f"sqlite:///{self.INSTANCE_PATH / 'courseware.sqlite'}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True

    def __init__(self) -> None:
        super().__init__()
        # A development key is fine on a developer's machine, never in production.
        self.SECRET_KEY = self.SECRET_KEY or "dev-only-not-secret"


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self) -> None:
        super().__init__()
        if not self.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production (see README, Configuration).")
        if not self.PUBLIC_URL:
            raise RuntimeError(
                "PUBLIC_URL must be set in production: links in emails and on certificates are built from it "
                "(see README, Configuration)."
            )
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.COURSES_DIR = BASE_DIR / "tests" / "courses"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.COURSES_AUTO_RELOAD = True
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing keeps the suite quick
        self.JOBS_IN_PROCESS_WORKER = False  # tests run jobs with jobs.work(), when they choose


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> Config:
    """The configuration named by COURSEWARE_ENV (development by default)."""
    name = os.environ.get("COURSEWARE_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"COURSEWARE_ENV must be one of {', '.join(CONFIGS)}; got {name!r}") from None
