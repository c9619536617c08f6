"""The test suite: PostgreSQL and Redis from DATABASE_URL and REDIS_URL (set by `make test`)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import ANYMAIL, AWS_STORAGE_BUCKET_NAME, STORAGES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-anymail's test backend: messages land in django.core.mail.outbox with an anymail_status.
# Worker processes started by the tests set EMAIL_BACKEND and ANYMAIL_* to reach a fake provider.
EMAIL_BACKEND = env("EMAIL_BACKEND", "anymail.backends.test.EmailBackend")
TEST_WEBHOOK_SECRET = "anymail:webhook-secret"  # noqa: S105  # nosec B105  # a secret for the test suite only
ANYMAIL = {"WEBHOOK_SECRET": TEST_WEBHOOK_SECRET, **ANYMAIL}
WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the tests' receivers listen on 127.0.0.1
STORAGES = {
    # Web processes started by the shared-storage tests set AWS_STORAGE_BUCKET_NAME (base.py).
    "default": STORAGES["default"]
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
METRICS_OPEN_WITHOUT_TOKEN = True  # /metrics without METRICS_TOKEN: development only

# Parallel test workers (pytest-xdist, `make test-fast`) share one Redis: each keeps its cache keys
# (rate limits, sign-in counters, cached reports) apart. Their databases are apart already.
CACHES["default"]["KEY_PREFIX"] = env("PYTEST_XDIST_WORKER", "main")
