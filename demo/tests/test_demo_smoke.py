"""The demo default works: a fresh SQLite database migrates and seeds, twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        VAR_DIR=str(database.parent / "var"),  # a machine where nothing ran before
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_fresh_sqlite_migrates_and_seeds_idempotently(tmp_path):
    database = tmp_path / "demo.sqlite3"
    for args in (["migrate", "--no-input", "-v0"], ["seed_demo"], ["seed_demo"]):
        result = manage(*args, database=database)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr  # e.g. queueing mail with no broker folders
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from helpdesk_tenant").fetchone()[0] == 2
        assert db.execute("select count(*) from helpdesk_account").fetchone()[0] == 6
        assert db.execute("select count(*) from helpdesk_user").fetchone()[0] == 15  # 8 staff, 6 merchants, 1 partner
