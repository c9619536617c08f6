"""The demo default works: a fresh SQLite database migrates and seeds, twice, as `make demo` does
(with the history), quickly, and the second run adds nothing."""

from __future__ import annotations

import os
import re
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
    outputs = []
    for args in (["migrate", "--no-input", "-v0"], ["seed_demo", "--history"], ["seed_demo", "--history"]):
        result = manage(*args, database=database)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr  # e.g. queueing mail with no broker folders
        outputs.append(result.stdout)
    first, second = outputs[1], outputs[2]
    assert "History of storeconnect: written in" in first and "History of magento-oms: written in" in first
    assert "History of storeconnect: present already, nothing added." in second
    # The figure `make demo` prints; issue #14 asks for the whole seeding in under 30 s on SQLite.
    timing = re.search(r"Demo data ready in ([0-9.]+) s \(([0-9.]+) s CPU\)", first)
    assert timing is not None, first
    assert float(timing[2]) < 30, first
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from helpdesk_tenant").fetchone()[0] == 2
        assert db.execute("select count(*) from helpdesk_account").fetchone()[0] == 6
        assert db.execute("select count(*) from helpdesk_user").fetchone()[0] == 15  # 8 staff, 6 merchants, 1 partner
        per_tenant = "select count(*) from tickets_case group by tenant_id"
        assert [n >= 300 for (n,) in db.execute(per_tenant)] == [True, True]
        past_mail = (
            "select count(*) from helpdesk_outboxmessage m join tickets_case c on c.id = m.case_id"
            " where c.opened_at < datetime('now', '-14 days')"
        )
        assert db.execute(past_mail).fetchone()[0] == 0  # no mail about the past to send when the demo starts
