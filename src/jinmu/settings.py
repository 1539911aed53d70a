"""Jinmu settings, read from environment variables (12-factor) with a runnable demo default."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("JINMU_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("JINMU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; anything but true/false/1/0 is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list."""
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
PRODUCTION = env_bool("JINMU_PRODUCTION", default=False)


def _secret_key() -> str:
    """Production must set SECRET_KEY; the demo generates one once and keeps it in var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when JINMU_PRODUCTION=true")
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# An upload over the size limit is refused before its CSRF token is read: say so, not "CSRF".
CSRF_FAILURE_VIEW = "jinmu.core.refusals.csrf_failure"

# `{{ form }}` renders every form in the same Tabler layout (jinmu.core.forms.FormRenderer), its
# plain widgets drawn in Python (jinmu.core.forms_rendering.FastRenderer).
FORM_RENDERER = "jinmu.core.forms_rendering.FastRenderer"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # widget templates for the TemplatesSetting form renderer
    "rest_framework",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "jinmu.core",
    "jinmu.organisation",
    "jinmu.enterprises",
    "jinmu.chains",
    "jinmu.projects",
    "jinmu.problems",
    "jinmu.targets",
    "jinmu.api",
    "huey.contrib.djhuey",
    "jinmu.demo",  # the demo county builder sits on top of every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jinmu.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Control characters in query parameters: 400; deleting a row still in use: a 409 page.
    "jinmu.core.refusals.RefusalMiddleware",
    # Sign-in policy (after auth and messages): TOTP state, idle timeout, password expiry.
    "django_otp.middleware.OTPMiddleware",
    "jinmu.core.session_policy.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during the request into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jinmu.urls"
WSGI_APPLICATION = "jinmu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jinmu.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'jinmu.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while the demo writes; IMMEDIATE avoids "database is locked" upgrades.
    # Connections are kept between requests (conn_max_age above), as on PostgreSQL: opening one
    # costs a request its PRAGMAs, a fresh parse of the schema and a cold page cache (a fifth
    # of a list page's CPU over the wire, bench/RESULTS.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in, sessions, second factor, API tokens (docs: README "Configuration") ----------------
# Axes first: it refuses a locked account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "jinmu.core.backends.PasswordBackend",
    # Who may do what: the role table (jinmu.core.permissions), read from each role's group.
    "jinmu.core.backends.RolePermissionBackend",
]
# Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges); see jinmu.core.clientip.
JINMU_TRUSTED_PROXIES = env_list("JINMU_TRUSTED_PROXIES", [])
# 5 failures within 15 minutes lock the account (login page, token endpoint and TOTP step share
# the counter); a much higher ceiling per client address keeps one colleague's typos from
# locking out a whole office behind one NAT address.
AXES_FAILURE_LIMIT = int(os.environ.get("JINMU_LOGIN_FAILURE_LIMIT", 5))
JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(
    os.environ.get("JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 100)
)
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("JINMU_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "jinmu.core.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "jinmu.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "jinmu.core.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A locked account's further attempts are refused without extending the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ADMIN = False
# TOTP is required for these roles (三员) and optional for everyone else.
JINMU_OTP_REQUIRED_ROLES = ["system_admin", "security_admin", "audit_admin"]
OTP_TOTP_ISSUER = "金木"
# Sessions end after 30 idle minutes and at most 12 hours after sign-in.
JINMU_IDLE_TIMEOUT_MINUTES = int(os.environ.get("JINMU_IDLE_TIMEOUT_MINUTES", 30))
JINMU_SESSION_MAX_HOURS = float(os.environ.get("JINMU_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(JINMU_SESSION_MAX_HOURS * 3600)
# GB/T 22239-2019 (等保 2.0) level 3, 8.1.4.1 a) asks that passwords be changed periodically:
# 90 days unless the county decides otherwise (0 = never expire).
JINMU_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("JINMU_PASSWORD_MAX_AGE_DAYS", 90))
# A password an administrator set (a new account, a reset) is changed by its owner at first
# sign-in, so the administrator never knows a password in use.
JINMU_PASSWORD_CHANGE_AT_FIRST_SIGN_IN = env_bool("JINMU_PASSWORD_CHANGE_AT_FIRST_SIGN_IN", True)
JINMU_TOKEN_TTL_HOURS = float(os.environ.get("JINMU_TOKEN_TTL_HOURS", 24))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jinmu.core.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Always Chinese: the users are Chinese officials, and headless or foreign-language browsers must
# not switch the UI to the English msgids (no LocaleMiddleware, so Accept-Language is ignored).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG or not PRODUCTION
# Production serves the collected files under content-hashed names, which WhiteNoise caches
# for a year as immutable, with gzip copies beside them; development, the tests and `make run`
# keep the plain storage, which needs no `collectstatic` (the manifest storage would fail on a
# missing manifest).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "jinmu.core.storage.StaticStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not PRODUCTION:
    # WhiteNoise serves from the finders in the demo; it still expects the folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Uploads: refuse large bodies before Django reads them; Excel files get their own checks.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
JINMU_UPLOAD_MAX_BYTES = int(os.environ.get("JINMU_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
# An .xlsx is a zip: its members may expand at most this much in total.
JINMU_UPLOAD_MAX_UNZIPPED_BYTES = int(
    os.environ.get("JINMU_UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
)
JINMU_UPLOAD_MAX_RATIO = int(os.environ.get("JINMU_UPLOAD_MAX_RATIO", 100))
# A confirmed import of more rows than this runs in the worker, with a progress page.
JINMU_BACKGROUND_IMPORT_ROWS = int(os.environ.get("JINMU_BACKGROUND_IMPORT_ROWS", 1000))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions are read from the shared cache and written to both, saving each request its
    # session query. Only with a shared cache: a worker's own memory would keep serving a
    # session that another worker ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background and periodic jobs (decision 0010): huey, storing its queue in SQLite under var/ by
# default (no service to run) and in Redis when JINMU_QUEUE_URL (or REDIS_URL) is set. The
# worker is `jinmu run_huey`; `make run` starts one beside the web server.
JINMU_QUEUE_URL = os.environ.get("JINMU_QUEUE_URL", REDIS_URL)
HUEY: dict[str, object] = {
    "name": "jinmu",
    "immediate": env_bool("JINMU_TASKS_IMMEDIATE", False),
    "results": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if JINMU_QUEUE_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": JINMU_QUEUE_URL})
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")})

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jinmu.core.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Control characters in any request body are a 400 (jinmu.core.validators.validate_text).
    "DEFAULT_PARSER_CLASSES": [
        "jinmu.api.parsers.JSONParser",
        "jinmu.api.parsers.FormParser",
        "jinmu.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "jinmu.core.pagination.KeysetApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jinmu.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Jinmu API",
    "DESCRIPTION": "金木 county industrial-development platform",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # PUT/PATCH bodies: `expected_version` is required (lost-write guard, answered with 409).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jinmu.api.version_schema.require_expected_version",
    ],
    # The schema and its docs describe every endpoint: for signed-in users and token holders only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set, so the schema generates without warnings (check --deploy runs it).
    "ENUM_NAME_OVERRIDES": {
        "ProjectKindEnum": "jinmu.projects.choices.ProjectKind",
        "ProjectLevelEnum": "jinmu.projects.choices.ProjectLevel",
        "ProjectStatusEnum": "jinmu.projects.choices.ProjectStatus",
        # Project lights and target statuses share green/yellow/red/grey.
        "LightEnum": "jinmu.projects.choices.Light",
        "ProblemStatusEnum": "jinmu.problems.choices.ProblemStatus",
    },
}

# --- Security headers and cookies -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # no page frames another (CSP frame-ancestors 'none' says the same)
# The county's reverse proxy terminates TLS (README): only when it says so may Django trust its
# X-Forwarded-Proto header; otherwise any client could claim https.
BEHIND_TLS_PROXY = env_bool("JINMU_BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    # Browsers stay on https for a year once they have seen the site over it (Django sends the
    # header on secure requests only). Without the proxy header every request looks like plain
    # http, so redirecting would loop: then the proxy must redirect http itself.
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
    SILENCED_SYSTEM_CHECKS = [
        # security.W021 asks for HSTS preload: the preload list is for public domains submitted
        # to hstspreload.org; a county intranet host name can never be on it.
        "security.W021",
    ]
# Only our own origin (docs/decisions/0005-content-security-policy.md): no inline script, no
# eval (Alpine's CSP build), no inline <style>. data: images are ECharts' SVG print copy of the
# Gantt and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # axes logs every good sign-in at INFO; its warnings (failures, lockouts) are kept.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Region whose users the demo creates; also the default for a one-county deployment.
JINMU_DEFAULT_REGION = os.environ.get("JINMU_DEFAULT_REGION", "371422")

# Leading place words left out of the trade-name initials used by search (宁津X → X).
JINMU_PLACE_WORDS = env_list("JINMU_PLACE_WORDS", ["德州", "宁津"])

FORMAT_MODULE_PATH = ["jinmu.formats"]
SITE_TITLE = _("Jinmu")
