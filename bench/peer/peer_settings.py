"""Settings of the minimal Django project that serves django-helpdesk 2.6.1 for `make bench-peer`.

Run from bench/peer/ with var/peer/venv's Python (so that `helpdesk` is django-helpdesk, not our
app). Production-like: DEBUG off, persistent connections as ours keep them (60 s), PostgreSQL
from PEER_DATABASE_* variables, the API with DRF tokens (as our API keys) and sessions.
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "peer-benchmark-only-key")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PEER_DATABASE_NAME", "helpdesk_peer"),
        "USER": os.environ.get("PEER_DATABASE_USER", "postgres"),
        "HOST": os.environ.get("PEER_DATABASE_HOST", "127.0.0.1"),
        "PORT": os.environ.get("PEER_DATABASE_PORT", "5432"),
        "CONN_MAX_AGE": 60,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT", "/tmp/peer-media")  # noqa: S108  # nosec B108  # nothing is uploaded
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
# django-helpdesk: no teams (they need pinax-teams), its API and staff pages on. The knowledge base
# stays on: 2.6.1's urls.py names its views even when it is off.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True
