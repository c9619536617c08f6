"""`ensure_dataset(database_url, cases)`: a realistic data set of `cases` cases for the benchmarks.

The database is migrated and seeded with the demo (`seed_demo`: its tenants, logins and scenario
cases stay as they are); ten more tenants are made through the services (bench.data.tenants); then
`cases` cases are written with PostgreSQL COPY, in chunks, with their SLA clocks, pauses, comments
and events (bench.data.rows). The heavy tenant, StoreConnect, gets a tenth of them open (100,000 of
a million) and as many again resolved or closed; the rest go to bench-01 … bench-10 in unequal
shares, mostly closed. Afterwards each tenant's case counter is moved past its numbers, 90 days of
the dashboard's roll-ups are counted by `reports.services.rollup_recent` and every day of the
customer SLA report's by `tickets.account_rollup.account_rollup_recent`, and the tables analysed.

Idempotent: the table `bench_dataset` (the generator's, not the app's) records the size made; a
second call with that size does nothing, and a database holding another size is refused.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import os
import random
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bench.data.rows import (
    ACTIVE,
    CASE_COLUMNS,
    CLOCK_COLUMNS,
    COMMENT_COLUMNS,
    EVENT_COLUMNS,
    PAUSE_COLUMNS,
    NewCase,
    Rows,
    add_case,
)

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CHUNK = 20_000
WORKERS = int(os.environ.get("BENCH_DATA_WORKERS", str(os.cpu_count() or 2)))
ROLLUP_DAYS = 90
HEAVY_OPEN_SHARE = 0.10  # of all cases: the heavy tenant's open ones
HEAVY_CLOSED_SHARE = 0.10  # and its resolved or closed ones
# How the other tenants' cases are shared out (unequal, as customers are), and their open share.
TENANT_WEIGHTS = (16, 14, 12, 11, 10, 9, 8, 7, 7, 6)
OTHER_OPEN_SHARE = 0.06
ACTIVE_MIX = (("new", 12), ("open", 48), ("waiting_on_customer", 28), ("reopened", 12))
RESOLVED_OF_DONE = 0.05  # of the cases that are no longer open, resolved and awaiting confirmation
TABLES = (
    ("tickets_case", CASE_COLUMNS, "cases"),
    ("sla_slaclock", CLOCK_COLUMNS, "clocks"),
    ("sla_casepause", PAUSE_COLUMNS, "pauses"),
    ("tickets_comment", COMMENT_COLUMNS, "comments"),
    ("tickets_caseevent", EVENT_COLUMNS, "events"),
)


def setup_django(database_url: str) -> None:
    """Create the database when missing and point Django at it (before anything imports models)."""
    import psycopg2

    server, name = database_url.rsplit("/", 1)
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings.test"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("REDIS_URL", None)  # generating and the pages need no broker

    import django

    django.setup()


def _made() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dataset (cases integer NOT NULL, made_at timestamptz NOT NULL)"
        )
        cursor.execute("SELECT cases FROM bench_dataset ORDER BY made_at DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def allocation(cases: int, tenants: int) -> list[dict[str, int]]:
    """Cases by status for the heavy tenant, then for each of the `tenants - 1` others."""
    heavy_open = round(cases * HEAVY_OPEN_SHARE)
    heavy_done = round(cases * HEAVY_CLOSED_SHARE)
    plans = [_split(heavy_open, heavy_done)]
    rest = cases - heavy_open - heavy_done
    weights = TENANT_WEIGHTS[: tenants - 1]
    shares = [rest * w // sum(weights) for w in weights]
    shares[0] += rest - sum(shares)
    plans += [_split(round(share * OTHER_OPEN_SHARE), share - round(share * OTHER_OPEN_SHARE)) for share in shares]
    return plans


def _split(active: int, done: int) -> dict[str, int]:
    counts = {status: active * weight // 100 for status, weight in ACTIVE_MIX}
    counts["open"] += active - sum(counts.values())
    counts["resolved"] = round(done * RESOLVED_OF_DONE)
    counts["closed"] = done - counts["resolved"]
    return counts


def _statuses(counts: dict[str, int], rng: random.Random) -> list[str]:
    """Oldest kinds first, so that case numbers (ids) mostly grow with the opening time."""
    active = [status for status in ACTIVE for _ in range(counts.get(status, 0))]
    rng.shuffle(active)
    return ["closed"] * counts.get("closed", 0) + ["resolved"] * counts.get("resolved", 0) + active


def _reserve(cursor: Any, table: str, count: int) -> int:
    """The first of `count` consecutive ids taken from the table's sequence."""
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return int(first)


def _copy(cursor: Any, rows: Rows) -> int:
    written = 0
    for table, columns, attribute in TABLES:
        lines: list[str] = getattr(rows, attribute)
        if lines:
            stream = io.StringIO("".join(lines))
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", stream)
            written += len(lines)
    return written


def _numbers(cursor: Any, tenant_id: int, count: int) -> int:
    """Move the tenant's case counter on by `count`; the first number of the block."""
    cursor.execute(
        "INSERT INTO tickets_casesequence (tenant_id, last_number) VALUES (%s, 1000 + %s) "
        "ON CONFLICT (tenant_id) DO UPDATE SET last_number = tickets_casesequence.last_number + %s "
        "RETURNING last_number",
        [tenant_id, count, count],
    )
    return int(cursor.fetchone()[0]) - count + 1


def _chunks(statuses: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(statuses), CHUNK):
        yield statuses[start : start + CHUNK]


@dataclass(frozen=True)
class Job:
    """One chunk of one tenant's cases, its ids and numbers taken already."""

    shape: int  # index into _SHAPES
    statuses: list[str]
    first_id: int
    first_number: int
    seed: int


_SHAPES: list[Any] = []  # the tenants' shapes, read before the writing processes fork


def _jobs(shapes: list[Any], cases: int) -> list[Job]:
    """Every chunk of every tenant, with ids and case numbers reserved in one transaction."""
    from django.db import connection, transaction

    jobs = []
    with transaction.atomic(), connection.cursor() as cursor:
        for k, (shape, counts) in enumerate(zip(shapes, allocation(cases, len(shapes)), strict=True)):
            order = random.Random(k)  # nosec B311  # made-up data, not secrets
            for n, chunk in enumerate(_chunks(_statuses(counts, order))):
                first_id = _reserve(cursor, "tickets_case", len(chunk))
                first_number = _numbers(cursor, shape.tenant_id, len(chunk))
                jobs.append(Job(k, chunk, first_id, first_number, seed=k * 1_000_000 + n))
    return jobs


def _rows(job: Job, now: datetime) -> Rows:
    """Runs in a writing process: the chunk's rows (no database: the shapes hold what they need)."""
    rng = random.Random(job.seed)  # nosec B311  # made-up data, not secrets
    shape, rows = _SHAPES[job.shape], Rows()
    for k, status in enumerate(job.statuses):
        add_case(shape, rng, rows, NewCase(job.first_id + k, f"{shape.prefix}-{job.first_number + k}", status), now)
    return rows


def _set_aside_indexes() -> None:
    """Drop the written tables' secondary indexes (not the primary keys or unique constraints), kept
    in `bench_set_aside_index` until `_restore_indexes` builds them again: maintaining some thirty
    indexes row by row made the COPY about three times slower than building them once at the end."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_set_aside_index (name text PRIMARY KEY, definition text NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO bench_set_aside_index (name, definition) "
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "ON CONFLICT (name) DO NOTHING",
            [[table for table, _, _ in TABLES]],
        )
        cursor.execute("SELECT name FROM bench_set_aside_index ORDER BY name")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _restore_indexes() -> None:
    """Build the indexes `_set_aside_indexes` dropped (also those of an earlier run that died)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_set_aside_index (name text PRIMARY KEY, definition text NOT NULL)"
        )
        if connection.in_atomic_block:  # a test's transaction: its deferred checks must run before an index build
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SELECT name, definition FROM bench_set_aside_index ORDER BY name")
        for name, definition in cursor.fetchall():
            cursor.execute("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(definition)
            cursor.execute("DELETE FROM bench_set_aside_index WHERE name = %s", [name])
        cursor.execute("RESET maintenance_work_mem")


def _write(tenants: list[Any], cases: int, now: datetime, workers: int) -> int:
    """Rows made by `workers` forked processes (1: this one), copied in by this one as they come,
    chunk by chunk, each chunk in its own transaction, with the tables' secondary indexes set aside
    meanwhile; returns the rows written."""
    _set_aside_indexes()
    try:
        return _write_rows(tenants, cases, now, workers)
    finally:
        _restore_indexes()


def _write_rows(tenants: list[Any], cases: int, now: datetime, workers: int) -> int:
    from django.db import connection

    from bench.data.tenants import shape_of

    _SHAPES[:] = [shape_of(tenant) for tenant in tenants]
    jobs = _jobs(_SHAPES, cases)
    make = functools.partial(_rows, now=now)
    if workers <= 1 or len(jobs) <= 1:  # one chunk: nothing to share out
        return sum(_copy_chunk(rows) for rows in map(make, jobs))
    connection.close()  # the children must not share this process's connection
    written, began = 0, time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers, initializer=_plain_sigterm) as pool:
        for done, rows in enumerate(pool.imap(make, jobs), start=1):
            written += _copy_chunk(rows)
            if done % 10 == 0 or done == len(jobs):
                print(
                    f"  {done}/{len(jobs)} chunks, {written:,} rows ({time.perf_counter() - began:.0f} s)", flush=True
                )
    return written


def _plain_sigterm() -> None:
    """A forked worker dies on SIGTERM even when its parent handles it (bench/stack.py turns
    SIGTERM into an exit that stops its servers): the pool stops its workers with SIGTERM, and a
    worker running the parent's handler hung the pool's shutdown."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _copy_chunk(rows: Rows) -> int:
    """One chunk in one transaction. Foreign keys are checked at commit (Django makes them
    deferred), which cost more than the COPY itself; as the tables' owner the generator skips
    those checks (`session_replication_role = replica`: triggers off for this transaction only).
    Its rows' references are its own ids, and tests/test_bench_data.py checks every one."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        return _copy(cursor, rows)


def _finish(tenants: list[Any], now: datetime) -> None:
    """What the pages read besides the rows: the dashboard's roll-ups, and fresh planner statistics
    (VACUUM too: index-only scans need the visibility map)."""
    from django.db import connection

    from reports.services import rollup_recent
    from tickets.account_rollup import account_rollup_recent, rollup_marked
    from tickets.models import Case

    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # a test's transaction: no VACUUM
    with connection.cursor() as cursor:
        for table, _, _ in TABLES:
            cursor.execute(f"{vacuum} {table}")
    for tenant in tenants:
        rollup_recent(tenant=tenant, now=now, days=ROLLUP_DAYS)
        # The customer SLA report's roll-ups, every day with cases (generated cases are not marked stale).
        oldest = Case.objects.for_tenant(tenant).order_by("opened_at").values_list("opened_at", flat=True).first()
        account_rollup_recent(tenant=tenant, now=now, days=(now - oldest).days + 2 if oldest else 1)
        rollup_marked(tenant=tenant)


def ensure_dataset(database_url: str | None = None, cases: int = CASES, *, workers: int = WORKERS) -> dict[str, Any]:
    """Make the data set of `cases` cases in `database_url` (None: the database Django already
    uses) unless it is there; returns what was made and how long it took (nothing when it was there)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.data.tenants import ensure_tenants

    if database_url is not None:  # None: a database Django uses already, migrated (the tests')
        setup_django(database_url)
        call_command("migrate", verbosity=0)
    made = _made()
    if made == cases:
        return {"cases": cases, "made": False}
    if made is not None:
        raise SystemExit(f"The database holds a data set of {made:,} cases, not {cases:,}: use another database.")
    _restore_indexes()  # an earlier run that died while they were set aside
    tenants = ensure_tenants()
    now = timezone.now()
    began = time.perf_counter()
    rows = _write(tenants, cases, now, workers)
    copied = time.perf_counter() - began
    _finish(tenants, now)
    seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_dataset (cases, made_at) VALUES (%s, now())", [cases])
    return {"cases": cases, "made": True, "rows": rows, "copy_seconds": copied, "seconds": seconds}
