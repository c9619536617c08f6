"""`make load`: 200 users for 60 s against gunicorn (3 workers) and 3 Celery workers, loopback only.

A throwaway PostgreSQL database (`LOAD_DATABASE`, default `helpdesk_load`, dropped and made again)
gets the demo data; a Redis database (`LOAD_REDIS_URL`, default db 14) serves as broker and cache.
Locust runs headless (bench/load/locustfile.py). Afterwards: zero 5xx, and every write the server
accepted is in the history exactly once (each case once with one `case.opened` event, each
comment once with one event, an API create sent twice with one Idempotency-Key made one case, and
as many `case.assigned` / `case.resolution_proposed` events as accepted takes and resolutions).
Throughput and p50/p95/p99 go to bench/RESULTS.md (its "Load" section is replaced).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess  # nosec B404  # starts our own servers, workers and locust
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "load"
SERVER = os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("LOAD_DATABASE", "helpdesk_load")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
USERS = int(os.environ.get("LOAD_USERS", "200"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
RESULTS = ROOT / "bench" / "RESULTS.md"


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_RATE_LIMIT": "100000/minute",  # one key per API user; the limiter is not under test
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _prepare() -> None:
    """A fresh database with the demo data, and the principals' sessions and keys for locust."""
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()
    os.environ.update(_env())
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # a throwaway database number of its own
    from demo.seed import seed_demo

    seed_demo()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "principals.json").write_text(json.dumps(_principals()))


def _principals() -> dict[str, list[dict[str, str]]]:
    from django.test import Client

    from helpdesk import rls
    from helpdesk.models import Role, Tenant, User
    from helpdesk.services import api_key_create
    from tickets.models import Priority

    tenant = Tenant.objects.order_by("pk").first()
    assert tenant is not None, "seed_demo made no tenant"  # nosec B101  # a broken seed stops the run
    priorities = list(Priority.objects.for_tenant(tenant).order_by("pk"))
    priority = priorities[len(priorities) // 2]  # a middle one: not the urgent that escalates on opening
    users = User.objects.filter(tenant=tenant, is_active=True)
    principals: dict[str, list[dict[str, str]]] = {"merchant": [], "analyst": [], "api": []}
    with rls.cross_tenant("the load run signs its principals in"):
        for user in users.filter(role=Role.MERCHANT):
            principals["merchant"].append({"session": _session(Client(), user), "priority": str(priority.pk)})
            principals["api"].append({"key": api_key_create(user=user, name="load")[1], "priority": priority.name})
        for user in users.filter(role__in=[Role.ANALYST, Role.MANAGER]):
            principals["analyst"].append({"session": _session(Client(), user)})
    return principals


def _session(client: Any, user: Any) -> str:
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def _start(command: list[str], log: str) -> subprocess.Popen:
    handle = (OUT / log).open("wb")
    return subprocess.Popen(  # noqa: S603  # nosec B603  # our own fixed command lines
        command, cwd=ROOT, env=_env(), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _wait_for_web() -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=2).close()  # nosec B310  # loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s; see var/load/web.log")


def _run_locust() -> None:
    python = sys.executable
    web = _start(
        [python, "-m", "gunicorn", "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", "3"],
        "web.log",
    )
    worker = [python, "-m", "celery", "-A", "helpdesk", "worker", "--concurrency=1"]
    workers = [_start([*worker, f"--hostname=load{n}@%h"], f"worker{n}.log") for n in range(3)]
    try:
        _wait_for_web()
        (OUT / "journal.jsonl").unlink(missing_ok=True)
        (OUT / "started.txt").write_text(datetime.now(UTC).isoformat())
        locust = shutil.which("locust", path=str(Path(python).parent)) or "locust"
        command = [
            locust, "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
            "-u", str(USERS), "-r", str(max(USERS // 10, 1)), "-t", f"{SECONDS}s",
            "--host", f"http://127.0.0.1:{PORT}", "--csv", str(OUT / "stats"), "--only-summary",
        ]  # fmt: skip
        env = {
            **_env(),
            "LOAD_PRINCIPALS": str(OUT / "principals.json"),
            "LOAD_JOURNAL": str(OUT / "journal.jsonl"),
            "LOAD_STATUSES": str(OUT / "statuses.json"),
        }
        subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603  # nosec B603  # fixed command line
        time.sleep(5)  # the workers finish what the last requests queued
    finally:
        for process in [web, *workers]:
            _stop(process)


def _check() -> list[str]:
    """What went wrong: 5xx answers, and accepted writes not in the history exactly once."""
    from django.db.models import Count

    from helpdesk import rls
    from tickets.models import Case, CaseEvent, Comment

    problems: list[str] = []
    statuses = Counter(json.loads((OUT / "statuses.json").read_text()))
    server_errors = sum(n for status, n in statuses.items() if status.isdigit() and int(status) >= 500)
    if server_errors:
        problems.append(f"{server_errors} answers were 5xx")
    journal = [json.loads(line) for line in (OUT / "journal.jsonl").read_text().splitlines() if line]
    with rls.cross_tenant("the load run checks its history"):
        for entry in journal:
            problems += _check_entry(entry, Case, CaseEvent, Comment)
        started = datetime.fromisoformat((OUT / "started.txt").read_text())
        for kind, code in (("take", "case.assigned"), ("resolve", "case.resolution_proposed")):
            events = CaseEvent.objects.filter(code=code, actor__isnull=False, created_at__gte=started)
            recorded = Counter(events.values_list("case__number", flat=True))
            problems += _per_case(journal, kind, code, recorded)
        doubled = Case.objects.values("subject").annotate(n=Count("id")).filter(n__gt=1, subject__startswith="API load")
        problems += [f"{row['subject']!r} made {row['n']} cases" for row in doubled]
    return problems


def _per_case(journal: list[dict[str, str]], kind: str, code: str, recorded: Counter) -> list[str]:
    """Each case's `code` events lie between the accepted `kind`s (none lost) and the ones sent
    (none doubled): a request in flight when the run stopped may have landed unanswered."""
    accepted = Counter(entry["case"] for entry in journal if entry["kind"] == kind)
    sent = Counter(entry["case"] for entry in journal if entry["kind"] == f"{kind}_sent")
    return [
        f"{number}: {accepted[number]} accepted and {sent[number]} sent {kind}s but {recorded[number]} {code} events"
        for number in sorted(set(sent) | set(recorded))
        if not accepted[number] <= recorded[number] <= sent[number]
    ]


def _check_entry(entry: dict[str, str], case: Any, event: Any, comment: Any) -> list[str]:
    kind, mark = entry["kind"], entry.get("token", "")
    if kind == "retry" and entry["again"] != entry["number"]:
        return [
            f"case {mark}: the retry with the same Idempotency-Key answered {entry['again']}, not {entry['number']}"
        ]
    if kind == "case":
        cases = list(case.objects.filter(subject__endswith=mark).values_list("pk", "number"))
        if len(cases) != 1:
            return [f"case {mark}: {len(cases)} cases"]
        opened = event.objects.filter(case_id=cases[0][0], code="case.opened").count()
        return [] if opened == 1 else [f"case {mark}: {opened} case.opened events"]
    if kind == "comment":
        comments = list(comment.objects.filter(body__endswith=mark).values_list("pk", flat=True))
        if len(comments) != 1:
            return [f"comment {mark}: {len(comments)} comments"]
        events = event.objects.filter(new__comment=comments[0]).count()
        return [] if events == 1 else [f"comment {mark}: {events} events"]
    return []


def _figures() -> dict[str, Any]:
    with (OUT / "stats_stats.csv").open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    writes = [row for name, row in rows.items() if row["Type"] == "POST"]
    return {
        "requests": int(total["Request Count"]),
        "throughput": float(total["Requests/s"]),
        "write_throughput": sum(float(row["Requests/s"]) for row in writes),
        "p50": total["50%"],
        "p95": total["95%"],
        "p99": total["99%"],
        "failures": int(total["Failure Count"]),
        "rows": rows,
    }


def _accepted() -> str:
    """Accepted writes by kind (a kind missing here was not exercised in the run: say so)."""
    journal = (OUT / "journal.jsonl").read_text().splitlines()
    kinds = Counter(json.loads(line)["kind"] for line in journal if line)
    return ", ".join(f"{kind}: {kinds.get(kind, 0)}" for kind in ("case", "retry", "comment", "take", "resolve"))


def _write_results(figures: dict[str, Any], statuses: dict[str, int], problems: list[str]) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Load",
        "",
        f"`make load` ({when}): {USERS} users for {SECONDS} s against gunicorn (3 workers) and 3 Celery",
        "workers, PostgreSQL and Redis on this machine (the load generator, locust, on the same cores;",
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end): the figures are what this",
        "machine gave, not what the product does on hardware of its own.",
        "",
        f"- Requests: {figures['requests']:,}; throughput {figures['throughput']:.1f} requests/s, of which writes "
        f"{figures['write_throughput']:.1f}/s",
        f"- Latency over all requests: p50 {figures['p50']} ms, p95 {figures['p95']} ms, p99 {figures['p99']} ms",
        f"- Statuses: {', '.join(f'{status}: {n}' for status, n in sorted(statuses.items()))}",
        f"- 5xx: {sum(n for s, n in statuses.items() if s.isdigit() and int(s) >= 500)}; "
        f"lost or doubled updates: {len(problems) if problems else 0}",
        f"- Accepted writes checked against the history: {_accepted()}",
        "",
        "| request | count | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in figures["rows"].items():
        if name != "Aggregated":
            lines.append(
                f"| {row['Type']} {name} | {row['Request Count']} | {row['50%']} | {row['95%']} | {row['99%']} |"
            )
    lines += [f"- problem: {problem}" for problem in problems[:20]]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    start = text.find("## Load\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def main() -> bool:
    _prepare()
    _run_locust()
    problems = _check()
    statuses = json.loads((OUT / "statuses.json").read_text())
    figures = _figures()
    _write_results(figures, statuses, problems)
    print(f"{figures['requests']} requests, {figures['throughput']:.1f}/s; p50/p95/p99 {figures['p50']}/"
          f"{figures['p95']}/{figures['p99']} ms; statuses {statuses}")  # fmt: skip
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return not problems


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
