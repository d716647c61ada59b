"""Configuration classes, read from the environment when the app is built.

Nothing here runs at import time beyond defining classes: values are read in
``__init__`` so that tests and commands can change the environment first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent


# Keys that are published (in examples, tutorials and this code) or guessed first: never a production key.
WELL_KNOWN_SECRET_KEYS = frozenset(
    {
        "dev", "development", "dev-only-not-secret", "test", "test-secret-key", "secret", "secret-key",
        "secret_key", "secretkey", "changeme", "change-me", "change_me", "changethis", "change-this",
        "replace-me", "your-secret-key", "my-secret-key", "super-secret", "supersecret", "password",
        "flask", "courseware", "default", "insecure", "not-secret", "xxx",
    }
)  # fmt: skip
SECRET_KEY_MIN_LENGTH = 32
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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
    DEVELOPMENT_XAPI_ACTOR_SECRET = ""  # none: a server sending statements sets XAPI_ACTOR_SECRET

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

        self.RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per hour")  # reset emails per email address
        # Per network address: a school's staff may all use the forms from one address.
        self.RESET_ADDRESS_RATE_LIMIT = os.environ.get("RESET_ADDRESS_RATE_LIMIT", "60 per hour")
        self.SIGN_UP_RATE_LIMIT = os.environ.get("SIGN_UP_RATE_LIMIT", "200 per hour")
        # Sign-up emails per email address: nobody can flood a colleague's inbox with them.
        self.SIGN_UP_EMAIL_RATE_LIMIT = os.environ.get("SIGN_UP_EMAIL_RATE_LIMIT", "5 per hour")
        self.VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "60 per minute")
        # Wrong team join codes a person may try (right ones are never counted).
        self.TEAM_JOIN_RATE_LIMIT = os.environ.get("TEAM_JOIN_RATE_LIMIT", "10 per 15 minutes")
        # LTI login initiations, and launches, each, per network address (a school's staff may share one).
        self.LTI_RATE_LIMIT = os.environ.get("LTI_RATE_LIMIT", "300 per 5 minutes")
        # The address printed on certificates and in their QR codes, e.g. https://training.district.org
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
        self.PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
        self.PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 3600)
        self.EMAIL_CONFIRM_MAX_AGE = _int("EMAIL_CONFIRM_MAX_AGE", 24 * 3600)
        # Seat time: heartbeats every HEARTBEAT_SECONDS while the learner is active;
        # one page visit earns at most SEAT_TIME_CAP_SECONDS.
        self.HEARTBEAT_SECONDS = _int("HEARTBEAT_SECONDS", 30)
        self.SEAT_TIME_CAP_SECONDS = _int("SEAT_TIME_CAP_SECONDS", 20 * 60)
        # Reminders about one module of a paced course: at most one per member and module in this time.
        self.MODULE_REMINDER_HOURS = _int("MODULE_REMINDER_HOURS", 24)
        # The time zone a new session's times are entered in, until the leader chooses another.
        self.SESSION_TIME_ZONE = os.environ.get("SESSION_TIME_ZONE", "America/New_York")

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
        # Single sign-on (docs/sign-in.md): one provider for each OIDC_<NAME>_CLIENT_ID set.
        self.OIDC_PROVIDERS = oidc_providers(os.environ)
        self.OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS") or 10)
        # SAML 2.0 (docs/sign-in.md): one identity provider for each SAML_<NAME>_METADATA set, and
        # Courseware's own key and certificate as a service provider (files; in the instance folder
        # by default), read at start.
        self.SAML_PROVIDERS = saml_providers(os.environ, self.INSTANCE_PATH)
        self.SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE") or str(self.INSTANCE_PATH / "saml-sp.key")
        self.SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE") or str(self.INSTANCE_PATH / "saml-sp.crt")
        # Open Badges credentials (docs/badges.md): the issuer's Ed25519 key, a file outside the database
        # made by `flask badges generate-key PATH`; unset, no credentials are offered.
        self.BADGES_KEY_FILE = os.environ.get("BADGES_KEY_FILE", "")
        # The name of the issuer's public profile (each credential names the certificate's provider).
        self.BADGES_ISSUER_NAME = os.environ.get("BADGES_ISSUER_NAME") or "Courseware"
        # The LTI 1.3 tool's private key (PEM), made by `flask lti generate-key PATH` (docs/lti.md).
        # `make run` generates it in the instance folder, the default place.
        self.LTI_KEY_FILE = os.environ.get("LTI_KEY_FILE") or str(self.INSTANCE_PATH / "lti-tool.pem")

        # xAPI (docs/xapi.md): statements about learners' progress sent to a learning record store.
        # With no XAPI_ENDPOINT, nothing is queued.
        self.XAPI_ENDPOINT = (os.environ.get("XAPI_ENDPOINT") or "").strip()
        self.XAPI_USERNAME = os.environ.get("XAPI_USERNAME", "")
        self.XAPI_PASSWORD = os.environ.get("XAPI_PASSWORD", "")
        # How a learner is named: "account" (an opaque id, the default) or "mbox" (their email address).
        self.XAPI_ACTOR = (os.environ.get("XAPI_ACTOR") or "account").strip().lower()
        # The key of the opaque ids, which must never change: required with XAPI_ENDPOINT when learners
        # are named by an opaque id (a development or test configuration has a fixed one of its own).
        self.XAPI_ACTOR_SECRET = os.environ.get("XAPI_ACTOR_SECRET") or self.DEVELOPMENT_XAPI_ACTOR_SECRET
        self.XAPI_LANGUAGE = (os.environ.get("XAPI_LANGUAGE") or "en-US").strip()
        self.XAPI_TIMEOUT_SECONDS = float(os.environ.get("XAPI_TIMEOUT_SECONDS") or 10)
        if self.XAPI_ACTOR not in {"account", "mbox"}:
            raise RuntimeError(f"XAPI_ACTOR must be account or mbox; got {self.XAPI_ACTOR!r} (see docs/xapi.md)")
        if self.XAPI_ENDPOINT:
            url = urlsplit(self.XAPI_ENDPOINT)
            if url.username is not None or url.password is not None:
                raise RuntimeError(
                    "XAPI_ENDPOINT must not carry a user or password (user:password@): set the learning record "
                    "store's address alone, and its credentials in XAPI_USERNAME and XAPI_PASSWORD (see docs/xapi.md)"
                )
            if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOCAL_HOSTS):
                raise RuntimeError(
                    "XAPI_ENDPOINT must be the learning record store's https:// address, such as "
                    f"https://lrs.district.org/xAPI/; got {self.XAPI_ENDPOINT!r} (see docs/xapi.md)"
                )
            if self.XAPI_ACTOR == "account" and not self.XAPI_ACTOR_SECRET:
                raise RuntimeError(
                    "XAPI_ACTOR_SECRET must be set with XAPI_ENDPOINT: it keys the opaque ids that name learners in "
                    "statements, and must never change (a new key would make every learner a new person in the "
                    "learning record store). Generate one (python -c 'import secrets; print(secrets.token_hex(32))') "
                    "and keep it with SECRET_KEY (see docs/xapi.md)"
                )

    def _database_url(self) -> str:
        url = os.environ.get("DATABASE_URL")
        if not url:
            return f"sqlite:///{self.INSTANCE_PATH / 'courseware.sqlite'}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url


OIDC_CLIENT_ID = re.compile(r"OIDC_([A-Z][A-Z0-9_]*)_CLIENT_ID")
# Named providers: Google, and Microsoft Entra ID, whose address names the organisation's tenant.
GOOGLE_DISCOVERY_URL = "https://accounts.google.com/.well-known/openid-configuration"
MICROSOFT_DISCOVERY_URL = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
# Tenants that stand for many organisations: their tokens' issuer is not one fixed address, so it
# could not be checked.
MICROSOFT_SHARED_TENANTS = frozenset({"common", "organizations", "consumers"})
DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class ProviderSettingProblem(RuntimeError):
    """A single sign-on provider's settings cannot work; the message says which and why."""


def oidc_providers(environ: Mapping[str, str]) -> dict[str, dict[str, object]]:
    """The single sign-on providers set in the environment, by key ("google", "microsoft", or the
    NAME of OIDC_<NAME>_CLIENT_ID in lowercase, with hyphens for underscores), Google first, then
    Microsoft, then the others by name. Raises ProviderSettingProblem when one is incomplete."""
    names = sorted(
        (match.group(1) for match in map(OIDC_CLIENT_ID.fullmatch, environ) if match and environ[match.string]),
        key=lambda name: ({"GOOGLE": 0, "MICROSOFT": 1}.get(name, 2), name),
    )
    providers: dict[str, dict[str, object]] = {}
    for name in names:
        prefix = f"OIDC_{name}_"

        def setting(suffix: str, prefix: str = prefix) -> str:
            return (environ.get(prefix + suffix) or "").strip()

        if not setting("CLIENT_SECRET"):
            raise ProviderSettingProblem(f"{prefix}CLIENT_SECRET must be set, with {prefix}CLIENT_ID")
        if name == "GOOGLE":
            discovery_url, label = GOOGLE_DISCOVERY_URL, "Google"
        elif name == "MICROSOFT":
            tenant = setting("TENANT")
            if not tenant or tenant.lower() in MICROSOFT_SHARED_TENANTS or not re.fullmatch(r"[A-Za-z0-9.-]+", tenant):
                raise ProviderSettingProblem(
                    f"{prefix}TENANT must be your organisation's Microsoft Entra tenant: its tenant ID or its "
                    f"domain (such as district.onmicrosoft.com); got {tenant!r}. Shared tenants (common, "
                    "organizations, consumers) are refused: their tokens' issuer could not be checked"
                )
            discovery_url, label = MICROSOFT_DISCOVERY_URL.format(tenant=tenant), "Microsoft"
        else:
            discovery_url, label = setting("DISCOVERY_URL"), setting("LABEL")
            if not discovery_url or not label:
                raise ProviderSettingProblem(
                    f"{prefix}DISCOVERY_URL and {prefix}LABEL must be set, with {prefix}CLIENT_ID: the provider's "
                    "address ending in /.well-known/openid-configuration, and the name on its button"
                )
        url = urlsplit(discovery_url)
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOCAL_HOSTS):
            raise ProviderSettingProblem(f"{prefix}DISCOVERY_URL must be an https:// address; got {discovery_url!r}")
        domains = [d.strip().lower().removeprefix("@") for d in re.split(r"[\s,]+", setting("DOMAINS")) if d.strip()]
        wrong = [d for d in domains if not DOMAIN.fullmatch(d)]
        if wrong:
            raise ProviderSettingProblem(
                f"{prefix}DOMAINS must list email domains such as district.org, separated by commas; got {wrong[0]!r}"
            )
        providers[name.lower().replace("_", "-")] = {
            "label": setting("LABEL") or label,
            "discovery_url": discovery_url,
            "client_id": setting("CLIENT_ID"),
            "client_secret": setting("CLIENT_SECRET"),
            "domains": domains,
        }
    return providers


SAML_METADATA = re.compile(r"SAML_([A-Z][A-Z0-9_]*)_METADATA")
SAML_EMAIL_ATTRIBUTE = "email"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def saml_providers(environ: Mapping[str, str], instance_path: Path) -> dict[str, dict[str, object]]:
    """The SAML identity providers set in the environment, by key (the NAME of SAML_<NAME>_METADATA
    in lowercase, with hyphens for underscores), by name. Their metadata is a file (a path relative to
    the instance folder, or absolute), read here; sso/saml_providers.py checks what it says when the
    app starts. Raises ProviderSettingProblem when one is incomplete."""
    names = sorted(match.group(1) for match in map(SAML_METADATA.fullmatch, environ) if match and environ[match.string])
    providers: dict[str, dict[str, object]] = {}
    for name in names:
        prefix = f"SAML_{name}_"

        def setting(suffix: str, prefix: str = prefix) -> str:
            return (environ.get(prefix + suffix) or "").strip()

        if not setting("LABEL"):
            raise ProviderSettingProblem(f"{prefix}LABEL must be set, with {prefix}METADATA: the name on its button")
        path = instance_path / setting("METADATA")
        try:
            metadata = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ProviderSettingProblem(
                f"{prefix}METADATA must name the identity provider's metadata file (an XML file, its path absolute "
                f"or relative to the instance folder); {str(path)!r} could not be read: {error}"
            ) from None
        domains = [d.strip().lower().removeprefix("@") for d in re.split(r"[\s,]+", setting("DOMAINS")) if d.strip()]
        wrong = [d for d in domains if not DOMAIN.fullmatch(d)]
        if wrong:
            raise ProviderSettingProblem(
                f"{prefix}DOMAINS must list email domains such as district.org, separated by commas; got {wrong[0]!r}"
            )
        vouches = setting("VOUCHES_FOR_EMAILS").lower()
        if vouches and vouches not in TRUE_WORDS | {"0", "false", "no", "off"}:
            raise ProviderSettingProblem(f"{prefix}VOUCHES_FOR_EMAILS must be true or false; got {vouches!r}")
        providers[name.lower().replace("_", "-")] = {
            "label": setting("LABEL"),
            "metadata": metadata,
            "email_attribute": setting("EMAIL_ATTRIBUTE") or SAML_EMAIL_ATTRIBUTE,
            "vouches_for_emails": vouches in TRUE_WORDS,
            "domains": domains,
        }
    return providers


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    DEVELOPMENT_XAPI_ACTOR_SECRET = "dev-only-xapi-actor-secret"  # a developer's own record store

    def __init__(self) -> None:
        super().__init__()
        # A development key is fine on a developer's machine, never in production.
        self.SECRET_KEY = self.SECRET_KEY or "dev-only-not-secret"
        # `make run` generates this key for the demo.
        self.BADGES_KEY_FILE = os.environ.get("BADGES_KEY_FILE") or str(self.INSTANCE_PATH / "badges-issuer.key")


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self) -> None:
        super().__init__()
        # One process (a single gunicorn worker) may keep rate limits in its own memory; say so explicitly.
        self.RATELIMIT_SINGLE_PROCESS = _bool("RATELIMIT_SINGLE_PROCESS", False)
        problem = unsafe_production_setting(self)
        if problem:
            raise RuntimeError(f"Courseware will not start in production: {problem} (see README, Configuration).")
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE


def unsafe_production_setting(config: Config) -> str | None:
    """What makes these settings unsafe to serve the public with, or None."""
    key = config.SECRET_KEY or ""
    if not key:
        return "SECRET_KEY must be set"
    if key.strip().lower() in WELL_KNOWN_SECRET_KEYS:
        return "SECRET_KEY is a well-known value that anyone could sign sessions with; generate one"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters long; generate one"
    if not config.PUBLIC_URL:
        return "PUBLIC_URL must be set: links in emails and on certificates are built from it"
    url = urlsplit(config.PUBLIC_URL)
    local = (url.hostname or "") in LOCAL_HOSTS
    if not url.hostname or url.scheme not in {"https", "http"} or (url.scheme == "http" and not local):
        return (
            f"PUBLIC_URL must be an absolute https:// address, such as https://training.district.org; got "
            f"{config.PUBLIC_URL!r} (http:// is allowed only for localhost and 127.0.0.1)"
        )
    in_memory = config.RATELIMIT_ENABLED and config.RATELIMIT_STORAGE_URI.startswith("memory://")
    if in_memory and not getattr(config, "RATELIMIT_SINGLE_PROCESS", False):
        return (
            "rate limits would be counted in each process's memory, so several workers would each allow the "
            "full limit; set RATELIMIT_STORAGE_URI to a shared store (redis://host:6379), or "
            "RATELIMIT_SINGLE_PROCESS=1 if exactly one process serves the site"
        )
    return None


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    DEVELOPMENT_XAPI_ACTOR_SECRET = "test-xapi-actor-secret"

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.COURSES_DIR = BASE_DIR / "tests" / "courses"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.COURSES_AUTO_RELOAD = True
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing keeps the suite quick
        self.JOBS_IN_PROCESS_WORKER = False  # tests run jobs with jobs.work(), when they choose
        self.OIDC_PROVIDERS = {}  # tests that sign in with a provider set their own
        self.SAML_PROVIDERS = {}
        self.BADGES_KEY_FILE = ""  # tests that issue credentials make their own key


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> Config:
    """The configuration named by COURSEWARE_ENV. Unset, it is production, which refuses to start
    without real settings: a server someone forgot to configure never runs with debug on and a
    published key. ``make run`` sets COURSEWARE_ENV=development."""
    name = os.environ.get("COURSEWARE_ENV") or "production"
    if name not in CONFIGS:
        raise RuntimeError(f"COURSEWARE_ENV must be one of {', '.join(CONFIGS)}; got {name!r}")
    try:
        return CONFIGS[name]()
    except RuntimeError as exc:
        if os.environ.get("COURSEWARE_ENV"):
            raise
        raise RuntimeError(
            f"{exc} COURSEWARE_ENV is not set, so these are production settings; on your own machine, "
            "set COURSEWARE_ENV=development."
        ) from None
