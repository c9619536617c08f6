"""Settings shared by every environment. Everything that differs comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Only development and tests may run on this key; production.py refuses it.
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105  # nosec B105  # production.py refuses it
SECRET_KEY = env("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "csp",
    "django_htmx",
    "django_prometheus",
    "pgtrigger",  # PostgreSQL triggers that keep case history (tickets.models)
    "helpdesk",
    "tickets",
    "sla",
    "surveys",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "helpdesk.logs.RequestIdMiddleware",
    # Probes and metrics answer before the HTTPS redirect, host check, session and tenancy: load
    # balancers probe plain HTTP by address, and no probe needs a user.
    "helpdesk.health.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "helpdesk.http.RequestBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.tenancy.TenancyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "helpdesk.http.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.tenancy.scope_context",
            ],
        },
    },
    {
        # The plain-text parts and subjects of mail (helpdesk.messaging.outbox): text is not HTML, so
        # nothing is escaped there (O'Brien & Co, not O&#x27;Brien &amp; Co).
        "NAME": "mail_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]


def database_from_url(url: str) -> dj_database_url.DBConfig:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The demo runs web, worker and beat on one SQLite file: WAL lets readers and the
        # writer overlap, IMMEDIATE transactions fail fast instead of deadlocking on upgrade.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
# Behind a pooler in transaction mode (PgBouncer `pool_mode = transaction`) a server-side cursor
# would outlive its transaction's server connection, so `.iterator()` must read client-side.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "helpdesk.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Shared file storage for running on many machines: with a bucket, attachments live in
# S3-compatible object storage (django-storages), otherwise under MEDIA_ROOT. Objects stay
# private (no ACL is set, so the bucket's private default holds) and are only ever streamed
# through the download views' authorisation check; any URL the storage itself hands out is
# signed and short-lived.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            # A download is spooled from the bucket: up to 1 MB in memory, the rest on disk.
            "max_memory_size": 1_048_576,
        },
    }

# Redis serves as broker and cache when configured; without it (the demo default) the broker is
# kombu's filesystem transport and the cache is per-process memory.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # Publishing gives up after one quick retry when Redis is down (kombu's default retries for
    # ever, and a page that changed a case would hang with it); the rows wait for the drain.
    # Workers reconnect by broker_connection_max_retries, which these do not change.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": 3600,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    # kombu does not create its folders, and every command that queues a task (seed_demo, a web
    # request) needs them, not only the demo's worker.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One beat sends the schedule (helpdesk/scheduler.py): the leader's lock in Redis expires this many
# seconds after its last renewal, so a standby beat takes over within that time; without Redis the
# lock is this file.
BEAT_LOCK_TTL_SECONDS = float(env("BEAT_LOCK_TTL_SECONDS", "30"))
BEAT_LOCK_FILE = VAR_DIR / "beat.lock"

# Mail: any Django backend by dotted path. Production uses a django-anymail backend such as
# anymail.backends.postmark.EmailBackend; every ANYMAIL_<NAME> variable becomes ANYMAIL[<NAME>].
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Helpdesk <support@helpdesk.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL: dict[str, Any] = {
    key[len("ANYMAIL_") :]: value for key, value in os.environ.items() if key.startswith("ANYMAIL_")
}
# Seconds to wait for the provider's API (anymail's default: 30); a number, not the variable's text.
if "REQUESTS_TIMEOUT" in ANYMAIL:
    ANYMAIL["REQUESTS_TIMEOUT"] = float(ANYMAIL["REQUESTS_TIMEOUT"])

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only, so that each operation's schema offers exactly one content type and a
    # generated client sends its body one way; the upload view declares multipart itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "helpdesk.api.base.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per API key (or signed-in user) per period, counted in the cache (Redis when configured).
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/minute")
# Brute-force protection (helpdesk/signin_limits.py): failed sign-ins, and password-reset mails,
# per address and per client IP within the window, before that address or IP waits a window.
SIGNIN_MAX_FAILURES = int(env("SIGNIN_MAX_FAILURES", "5"))
PASSWORD_RESET_MAX_REQUESTS = int(env("PASSWORD_RESET_MAX_REQUESTS", "5"))
SIGNIN_LIMIT_WINDOW_MINUTES = int(env("SIGNIN_LIMIT_WINDOW_MINUTES", "15"))
# Trusted reverse proxies in front of the app: the client IP is read from X-Forwarded-For that
# many hops from the right (0: REMOTE_ADDR, the right choice without a proxy).
NUM_PROXIES = int(env("NUM_PROXIES", "0"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": (
        "Cases, SLA status and quotes, escalations, monitoring alerts and exports for store integrations. "
        "Authenticate with `Authorization: Bearer <key>`. Every error is "
        '`{"message": "...", "errors": {"field": ["..."]}}`. A POST with an `Idempotency-Key` header is '
        "answered once: the same key and body within 24 hours return the first answer."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.api.schema.document_shared_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EscalationReasonEnum": "tickets.models.EscalationReason",
        "NotificationKindEnum": "tickets.models.NotificationKind",
        # An alert's kind keeps its name beside the notifications' own `kind`.
        "KindEnum": [(kind, kind) for kind in ("availability", "data_synchronisation", "payment", "other")],
        "ReassignReasonEnum": [
            ("time_zone", "time_zone"),
            ("expertise", "expertise"),
            ("workload", "workload"),
            ("other", "other"),
        ],
    },
}

# Content-Security-Policy, in every environment so that the browser tests prove each page works
# under it: only the product's own scripts, styles, images and fonts (Swagger UI's icons are data:
# URIs), no inline script or style, no framing, forms post only to the product.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Every line carries the request id (helpdesk/logs.py); LOG_FORMAT=json writes one JSON object
# per line for a log collector.
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "helpdesk.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "helpdesk.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Operations (helpdesk/health.py, helpdesk/metrics.py): /healthz, /readyz and /metrics. With
# METRICS_TOKEN set, /metrics wants `Authorization: Bearer <token>`; without it, /metrics is
# served only where METRICS_OPEN_WITHOUT_TOKEN is on (development and tests), else 404.
METRICS_TOKEN = env("METRICS_TOKEN")
METRICS_OPEN_WITHOUT_TOKEN = False
STATICFILES_DIRS = [BASE_DIR / "static"]
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Request bodies: form fields and non-multipart bodies (JSON, webhooks) up to
# DATA_UPLOAD_MAX_MEMORY_SIZE; a multipart body up to that plus one attachment, refused by its
# Content-Length before it is read (helpdesk.http.RequestBodyLimitMiddleware). Uploaded files
# over FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(env("FILE_UPLOAD_MAX_MEMORY_SIZE", str(1_048_576)))

# The SLA sweeps claim and record due clocks this many at a time, one transaction each, until
# none are due (tickets.sla_sweep_chunks); a test lowers it to kill a worker between chunks.
SLA_SWEEP_CHUNK = int(env("SLA_SWEEP_CHUNK", "1000"))

# Absolute links in mail, and the domain of reply addresses (reply+<case>.<signature>@MAIL_DOMAIN)
# whose inbound mail the provider posts to /anymail/<provider>/inbound/.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
MAIL_DOMAIN = env("MAIL_DOMAIN", "helpdesk.test")

# Outbound webhooks to addresses that are not public (private, loopback, link-local, shared
# 100.64.0.0/10, and their IPv6 forms) are refused unless allowed (development and tests deliver
# to local receivers). See helpdesk/outbound_http.py.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)

# Store health checks (helpdesk/monitoring.py): seconds to connect, and again to get the answer.
# They obey the webhook address rules above.
STORE_CHECK_TIMEOUT_SECONDS = float(env("STORE_CHECK_TIMEOUT_SECONDS", "5"))
