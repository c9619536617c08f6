"""The product through the real stack (issue #17, item 2): gunicorn with the production settings
(2 sync workers on 127.0.0.1), PostgreSQL and Redis, measured by clients over HTTP.

It takes a prepared database by URL (`BENCH_DATABASE_URL`, default the `BENCH_DATABASE` database
`make bench`'s case pages use, `helpdesk_bench_data`) and finds what it needs there by query: the
heavy tenant `storeconnect`, its analyst, manager and a merchant (seed_demo's logins), filter
values and sample cases. A database without that tenant is prepared first: by
`bench.data.ensure_dataset(url, BENCH_CASES)` when that generator exists, else by
bench/case_pages.py's seeding. The run changes the database a little: the three users' passwords
are re-hashed with the production hasher when the data was made under the test settings (MD5),
API keys are made for the run and deleted after it, API creates and PATCHes write cases, and the
Celery part records BENCH_STACK_SWEEP_DUE breaches it makes due.

Measured (bench/httpclient.py, one process per client): the queue's first page and page
BENCH_STACK_PAGE_DEPTH (200; reached by following the pages' own next links), each queue filter,
the case workspace, the portal, the managers' dashboard and reports, and the API's case list,
retrieve, create and PATCH, each with 1, 4 and 16 concurrent clients (BENCH_STACK_CLIENTS),
BENCH_STACK_REQUESTS requests each (200). SQL statements per request come from the
`X-Bench-Queries` header of bench/stack_wsgi.py. Afterwards: the peak resident memory of each
gunicorn worker, and of a Celery worker (solo pool) running a breach sweep. The table goes to the
terminal and var/bench/stack.json (BENCH_STACK_OUTPUT).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench import servers
from bench.httpclient import Client, load, sign_in
from bench.stack_pages import Subjects, discover, pages

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = (
    os.environ.get("BENCH_DATABASE_URL") or f"{SERVER}/{os.environ.get('BENCH_DATABASE', 'helpdesk_bench_data')}"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")  # the bench's own: flushed
FLUSH_REDIS = os.environ.get("BENCH_REDIS_FLUSH", "1") != "0"  # 0: a database shared with others
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
CLIENTS = [int(n) for n in os.environ.get("BENCH_STACK_CLIENTS", "1,4,16").split(",") if n.strip()]
REQUESTS = int(os.environ.get("BENCH_STACK_REQUESTS", "200"))
SWEEP_DUE = int(os.environ.get("BENCH_STACK_SWEEP_DUE", "1000"))
OUTPUT = Path(os.environ.get("BENCH_STACK_OUTPUT") or servers.ROOT / "var" / "bench" / "stack.json")
DEPTH = int(os.environ.get("BENCH_STACK_PAGE_DEPTH", "200"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "demo12345")


def server_env() -> dict[str, str]:
    """The production settings on loopback: what production.py requires, HTTPS redirect and
    secure-only cookies off (plain HTTP on 127.0.0.1), the per-key API rate limit lifted."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV", "TMPDIR"}}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.production",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "ANYMAIL_WEBHOOK_SECRET": f"bench:{secrets.token_urlsafe(24)}",
        "API_RATE_LIMIT": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def _setup_django() -> None:
    """This process reads and prepares the data through the ORM (the test settings, so that it
    needs none of production's secrets); the server it measures runs the production settings."""
    from urllib.parse import urlsplit

    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    os.environ.update(DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="helpdesk.settings.test")
    os.environ.pop("REDIS_URL", None)  # preparing the data queues its mail in the filesystem broker, never sent
    import django

    django.setup()


def _prepare() -> None:
    """The heavy tenant's data, when the database has none yet."""
    from importlib import import_module, util

    from django.core.management import call_command

    from helpdesk.models import Tenant

    call_command("migrate", verbosity=0)
    if Tenant.objects.filter(slug="storeconnect").exists():
        return
    print(f"  preparing {CASES:,} cases in the database (once)…", flush=True)
    if util.find_spec("bench.data") is not None:
        import_module("bench.data").ensure_dataset(DATABASE_URL, CASES)
        return
    os.environ.setdefault("BENCH_CASES", str(CASES))
    case_pages = import_module("bench.case_pages")
    case_pages._seed()


def _signed_in(origin: str, email: str) -> Client:
    client = Client(origin)
    sign_in(client, "/login/", {"username": email, "password": PASSWORD})
    return client


def _keyed(origin: str, key: str) -> Client:
    client = Client(origin)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def measure(origin: str, subjects: Subjects) -> list[dict[str, Any]]:
    sessions = {email: _signed_in(origin, email) for email in subjects.emails()}
    keys = {email: _keyed(origin, key) for email, key in subjects.keys.items()}
    rows = []
    for page in pages(subjects, sessions, keys):
        for clients in CLIENTS:
            figures = load(page.client, page.pick, clients=clients, requests=max(REQUESTS, clients), ok=page.ok)
            rows.append({"page": page.name, "path": page.path, "who": page.who, "clients": clients, **figures})
            print(_row_line(rows[-1]), flush=True)
    return rows


def _sweep_rss(env: dict[str, str]) -> dict[str, Any]:
    """A Celery worker (solo pool: the task runs in the worker process itself) on the sweeps queue
    records SWEEP_DUE breaches made due a minute ago; its peak resident memory after the sweep."""
    from datetime import timedelta

    from celery import Celery
    from django.utils import timezone

    from helpdesk import rls
    from sla.models import SlaClock

    app = Celery("bench", broker=REDIS_URL)  # the worker's broker; this process's settings have none

    command = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", "sweeps", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "benchstack@%h"]
    worker = servers.start(command, env=env, log="stack-celery.log")
    try:
        _wait_for_worker(worker, app)
        idle = servers.rss_mb(worker.pid)
        with rls.cross_tenant("the stack bench makes clocks due"):
            running = SlaClock.objects.filter(met_at=None, breached_at=None, due_at__gt=timezone.now())
            chosen = list(running.order_by("due_at", "pk").values_list("pk", flat=True)[:SWEEP_DUE])
            SlaClock.objects.filter(pk__in=chosen).update(due_at=timezone.now() - timedelta(minutes=1))
            began = time.perf_counter()
            app.send_task("sla.sweep_breaches", queue="sweeps")
            left = len(chosen)
            while left and time.perf_counter() - began < 600:
                time.sleep(0.2)
                left = SlaClock.objects.filter(pk__in=chosen, breached_at=None).count()
        seconds = time.perf_counter() - began
        return {"breaches": len(chosen) - left, "seconds": seconds, "idle_mb": idle,
                "peak_mb": servers.peak_rss_mb(worker.pid)}  # fmt: skip
    finally:
        servers.stop(worker)


def _wait_for_worker(worker: Any, app: Any) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit("the Celery worker stopped; see var/bench/stack-celery.log")
        if any(name.startswith("benchstack@") for answer in app.control.ping(timeout=1) for name in answer):
            return
    raise SystemExit("the Celery worker did not answer within 90 s; see var/bench/stack-celery.log")


def _row_line(row: dict[str, Any]) -> str:
    queries = "" if row["queries"] is None else str(row["queries"])
    server = "" if row.get("server_p95_ms") is None else f"{row['server_p95_ms']:.1f}"
    errors = f"{row['errors']}" + (f" ({row['timed_out']} timed out)" if row["timed_out"] else "")
    return (
        f"{row['page'][:34]:34} {row['clients']:>3} {row['rps']:8.1f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
        f"{row['p99_ms']:8.1f} {server:>8} {queries:>7} {errors:>6}"
    )


def _figure(rows: list[dict[str, Any]], page: str, clients: int, key: str) -> float:
    for row in rows:
        if row["page"] == page and row["clients"] == clients and row.get(key) is not None:
            return float(row[key])
    return float("nan")


def goals(rows: list[dict[str, Any]], depth_page: str) -> list[dict[str, Any]]:
    """The issue's targets, each from the figures above: latency with one client (so the server's
    own time plus loopback), throughput with four."""
    first = _figure(rows, "queue: first page", 1, "p95_ms")
    first_server = _figure(rows, "queue: first page", 1, "server_p95_ms")
    first_median = _figure(rows, "queue: first page", 1, "p50_ms")
    deep = _figure(rows, depth_page, 1, "p50_ms")
    retrieve = _figure(rows, "api: retrieve", 1, "p95_ms")
    retrieve_rps = _figure(rows, "api: retrieve", 4, "rps")
    listing = _figure(rows, "api: list", 1, "p95_ms")
    dashboard = _figure(rows, "dashboard", 1, "p50_ms")
    return [
        {
            "goal": "queue first page p95 < 25 ms server time (1 client)",
            "measured": f"{first_server:.1f} ms ({first:.1f} at the client)",
            "met": first_server < 25,
        },
        {
            "goal": f"{depth_page} median within 2x page 1 (1 client)",
            "measured": f"{deep:.1f} vs {first_median:.1f} ms",
            "met": deep <= 2 * first_median,
        },
        {"goal": "API retrieve p95 < 10 ms (1 client)", "measured": f"{retrieve:.1f} ms", "met": retrieve < 10},
        {
            "goal": "API retrieve >= 500 req/s (4 clients)",
            "measured": f"{retrieve_rps:.0f} req/s",
            "met": retrieve_rps >= 500,
        },
        {"goal": "API list p95 < 30 ms (1 client)", "measured": f"{listing:.1f} ms", "met": listing < 30},
        {"goal": "dashboard median < 100 ms (1 client)", "measured": f"{dashboard:.1f} ms", "met": dashboard < 100},
    ]


def report(result: dict[str, Any]) -> None:
    print(f"\n{'goal':52} {'measured':>22}  met")
    for goal in result["goals"]:
        print(f"{goal['goal']:52} {goal['measured']:>22}  {'yes' if goal['met'] else 'NO'}")
    rss = result["rss"]
    workers = ", ".join(f"{mb:.0f}" for mb in rss["gunicorn_workers_peak_mb"])
    print(f"peak RSS: gunicorn workers {workers} MB; Celery worker {rss['celery'].get('peak_mb') or 0:.0f} MB "
          f"after a sweep of {rss['celery'].get('breaches', 0)} breaches "
          f"({rss['celery'].get('seconds', 0):.1f} s; {rss['celery'].get('idle_mb') or 0:.0f} MB idle)")  # fmt: skip
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2, default=str))
    print(f"  written to {OUTPUT}")


def main() -> bool:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    _setup_django()
    import redis

    _prepare()
    if FLUSH_REDIS:
        redis.Redis.from_url(REDIS_URL).flushdb()  # the bench's own database number: cache and broker
    subjects = discover(PASSWORD, DEPTH)
    print(f"\nThrough the stack: gunicorn (production settings, 2 sync workers), {subjects.cases:,} cases in "
          f"{subjects.tenant_slug}, database {DATABASE_URL.rsplit('/', 1)[-1]}")  # fmt: skip
    env, port = server_env(), servers.free_port()
    web = servers.gunicorn(sys.executable, "bench.stack_wsgi:application", port=port, env=env, log="stack-web.log")
    try:
        servers.wait_for(f"http://127.0.0.1:{port}/login/", web, log="stack-web.log")
        print(
            f"{'page':34} {'c':>3} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'srv p95':>8} {'queries':>7} errors"
        )
        rows = measure(f"http://127.0.0.1:{port}", subjects)
        workers = [servers.peak_rss_mb(pid) or 0.0 for pid in servers.children(web.pid)]
    finally:
        servers.stop(web)
        subjects.forget_keys()
    celery = _sweep_rss(env) if SWEEP_DUE else {}
    depth_page = next((row["page"] for row in rows if row["page"].startswith("queue: page ")), "queue: page 200")
    result: dict[str, Any] = {
        "cases": subjects.cases,
        "tenant": subjects.tenant_slug,
        "database": DATABASE_URL.rsplit("/", 1)[-1],
        "clients": CLIENTS,
        "requests": REQUESTS,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": rows,
        "goals": goals(rows, depth_page),
        "rss": {"gunicorn_workers_peak_mb": workers, "celery": celery},
    }
    report(result)
    errors = sum(row["errors"] for row in rows)
    if errors:
        print(f"  {errors} answers were not the expected status", file=sys.stderr)
    return errors == 0 and all(goal["met"] for goal in result["goals"])


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
