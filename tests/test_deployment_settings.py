"""Settings a multi-host deployment sets from the environment (README "Deployment")."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.worker import ROOT

CODE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], settings.BEAT_LOCK_TTL_SECONDS)"
)


def loaded(**env: str) -> str:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DISABLE_SERVER_SIDE_CURSORS", "BEAT_LOCK_TTL_SECONDS"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="helpdesk.settings.dev")
    result = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_transaction_pooler_turns_server_side_cursors_off_and_the_beat_lock_expiry_is_set():
    assert loaded() == "False 30.0"
    assert loaded(DISABLE_SERVER_SIDE_CURSORS="1", BEAT_LOCK_TTL_SECONDS="12") == "True 12.0"
