"""The production settings, loaded in a subprocess with only the variables the README requires:
Django's deployment checks find nothing, and a request sees HTTPS enforced behind the proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# README "Deployment": the variables production needs (the rest have safe defaults).
REQUIRED = {
    "DJANGO_SETTINGS_MODULE": "helpdesk.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-test-key-not-secret-" + "k" * 20,
    "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
    "ANYMAIL_POSTMARK_SERVER_TOKEN": "postmark-token",
    "ANYMAIL_WEBHOOK_SECRET": "helpdesk:a-long-random-webhook-password",
    "ALLOWED_HOSTS": "help.example.com",
}


def _run(args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    keep = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    env = {**keep, **REQUIRED, "VAR_DIR": "/tmp/helpdesk-production-check", **extra}  # noqa: S108
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_the_deployment_checks_report_nothing():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="help.example.com")
plain = client.get("/login/")
behind_tls = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "tls": [behind_tls.status_code, behind_tls.get("Strict-Transport-Security"),
            behind_tls.get("Content-Security-Policy")],
}))
"""


@pytest.mark.parametrize(
    ("hsts_env", "hsts"), [({}, "max-age=31536000"), ({"SECURE_HSTS_SECONDS": "600"}, "max-age=600")]
)
def test_https_is_enforced_behind_the_proxy_with_hsts_and_the_policy(hsts_env, hsts):
    result = _run(["shell", "-c", PROBE], **hsts_env)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["plain"] == [301, "https://help.example.com/login/"]
    status, transport_security, policy = answers["tls"]
    assert status == 200
    assert transport_security == f"{hsts}; includeSubDomains; preload"
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
