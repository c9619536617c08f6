"""`make backup` / `make restore` (scripts/backup.sh) round-trip: a database with cases, events and
files is backed up, restored into a fresh database and folder, and compared row by row and byte by byte.

The test creates and drops databases of its own (psycopg2, on the 127.0.0.1 server the suite uses),
never touching the test database in use.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Each table's rows in a fixed order, as text: equal digests mean equal contents.
TABLES = ["tickets_case", "tickets_caseevent", "tickets_comment", "tickets_attachment", "helpdesk_tenant"]
SEED_FILES = """
from django.core.files.base import ContentFile
from tickets.models import Case
from tickets.services import attachment_add, comment_add
for n, case in enumerate(Case.objects.order_by("pk")[:4]):
    comment_add(case=case, actor=case.requester, body=f"Backup check {n}.", notify=False)
    data = b"%PDF-1.4\\n" + bytes([n]) * (5000 + n)
    attachment_add(case=case, actor=case.requester, file=ContentFile(data, name=f"report-{n}.pdf"))
"""

pytestmark = pytest.mark.slow


def server() -> dict:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    assert host in LOOPBACK, f"the backup test runs only against a local server, not {host}"
    return {"host": host, "port": db.get("PORT") or 5432, "user": db.get("USER") or "postgres"}


def url(name: str) -> str:
    s = server()
    return f"postgres://{s['user']}@{s['host']}:{s['port']}/{name}"


def admin(statement: sql.Composable) -> None:
    connection = psycopg2.connect(dbname="postgres", **server())
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:10]
    names = (f"helpdesk_backup_src_{suffix}", f"helpdesk_backup_dst_{suffix}")
    for name in names:
        admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield names
    finally:
        for name in names:
            admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def environment(database: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "MEDIA_ROOT", "BACKUP_DIR"}}
    # The demo's settings: files on disk under VAR_DIR/media, mail and broker folders there too.
    env.update(DJANGO_SETTINGS_MODULE="helpdesk.settings.dev", DATABASE_URL=url(database), VAR_DIR=str(var_dir))
    return env | extra


def table_digests(database: str) -> dict[str, tuple[int, str]]:
    connection = psycopg2.connect(dbname=database, **server())
    try:
        with connection.cursor() as cursor:
            digests = {}
            for table in TABLES:
                query = sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), '')) FROM {} t"
                )
                cursor.execute(query.format(sql.Identifier(table)))
                digests[table] = cursor.fetchone()
            return digests
    finally:
        connection.close()


def file_digests(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def test_backup_restores_cases_events_and_files_exactly(databases, tmp_path):
    source, target = databases
    source_var, target_var, backup = tmp_path / "source", tmp_path / "target", tmp_path / "backup"
    env = environment(source, source_var)
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--no-input", "-v0"], env)
    run([*manage, "seed_demo"], env)
    run([*manage, "shell", "-c", SEED_FILES], env)
    before, files_before = table_digests(source), file_digests(source_var / "media")
    assert before["tickets_case"][0] >= 4
    assert before["tickets_caseevent"][0] > before["tickets_case"][0]
    assert before["tickets_attachment"][0] == 4
    assert len(files_before) == 4

    run(["bash", "scripts/backup.sh", "backup"], env | {"BACKUP_DIR": str(backup)})
    assert sorted(p.name for p in backup.iterdir()) == ["SHA256SUMS", "database.dump", "media.tar.gz"]
    run(["bash", "scripts/backup.sh", "restore"], environment(target, target_var, BACKUP_DIR=str(backup)))

    assert table_digests(target) == before
    assert file_digests(target_var / "media") == files_before
    # The restored database keeps its history protection (the triggers travel in the dump).
    connection = psycopg2.connect(dbname=target, **server())
    try:
        refusal = pytest.raises(psycopg2.Error, match="Cannot update or delete rows from tickets_caseevent")
        with refusal, connection.cursor() as cursor:
            cursor.execute("DELETE FROM tickets_caseevent")
    finally:
        connection.close()


def test_a_damaged_backup_is_refused_before_anything_is_restored(databases, tmp_path):
    source, target = databases
    env = environment(source, tmp_path / "source")
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env)
    backup = tmp_path / "backup"
    run(["bash", "scripts/backup.sh", "backup"], env | {"BACKUP_DIR": str(backup)})
    with (backup / "database.dump").open("r+b") as dump:
        dump.seek(-10, os.SEEK_END)
        dump.write(b"\x00" * 10)
    restore_env = environment(target, tmp_path / "target", BACKUP_DIR=str(backup))
    result = subprocess.run(["bash", "scripts/backup.sh", "restore"], cwd=ROOT, env=restore_env, capture_output=True)
    assert result.returncode != 0
    assert b"database.dump: FAILED" in result.stdout + result.stderr
    assert "tickets_case" not in table_names(target)


def table_names(database: str) -> set[str]:
    connection = psycopg2.connect(dbname=database, **server())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()
