"""Production settings refuse unsafe configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_production_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "EMAIL_BACKEND"} and not k.startswith("ANYMAIL_")
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="helpdesk.settings.production")
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_production_refuses_a_missing_secret_key():
    result = load_production_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = load_production_settings(
        SECRET_KEY="insecure-development-key-never-use-in-production",
        EMAIL_BACKEND="anymail.backends.test.EmailBackend",
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


WEBHOOK_SECRET = "postmark:" + "w" * 24


def test_production_needs_a_mail_backend_and_starts_with_one():
    key = "k" * 50
    assert "EMAIL_BACKEND must name" in load_production_settings(SECRET_KEY=key).stderr
    started = load_production_settings(
        SECRET_KEY=key, EMAIL_BACKEND="anymail.backends.test.EmailBackend", ANYMAIL_WEBHOOK_SECRET=WEBHOOK_SECRET
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "anymail.backends.test.EmailBackend"


@pytest.mark.parametrize("secret", [None, "", "nocolon", "user:short", ":" + "w" * 24])
def test_production_refuses_to_start_without_a_webhook_secret(secret):
    """Without it anymail accepts unauthenticated posts to the inbound and tracking webhooks."""
    env = {"SECRET_KEY": "k" * 50, "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend"}
    if secret is not None:
        env["ANYMAIL_WEBHOOK_SECRET"] = secret
    result = load_production_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ANYMAIL_WEBHOOK_SECRET must be set" in result.stderr


def test_production_on_a_signing_provider_needs_its_webhook_key():
    env = {
        "SECRET_KEY": "k" * 50,
        "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
        "ANYMAIL_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    refused = load_production_settings(**env)
    assert refused.returncode != 0 and "ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY must be set" in refused.stderr
    started = load_production_settings(**env, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY="key-123")
    assert started.returncode == 0, started.stderr


def test_anymail_settings_come_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings; print(settings.ANYMAIL)"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.dev",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "t0k",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert "'POSTMARK_SERVER_TOKEN': 't0k'" in result.stdout
