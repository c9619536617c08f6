"""`make bench-peer` (issue #17, item 4): django-helpdesk 2.6.1 beside us, with the same client.

The peer runs in its own virtual environment (var/peer/venv, from bench/peer/requirements.txt;
the Makefile makes it) and its own PostgreSQL database (PEER_DATABASE, default `helpdesk_peer`),
served by gunicorn with 2 sync workers on 127.0.0.1 from our minimal project (bench/peer/:
peer_settings, peer_urls, peer_wsgi). It gets BENCH_CASES tickets (default 1,000,000, the number
our benchmarks use): one made through its ORM (peer_seed.py), the rest copied from it by one
INSERT … SELECT, mostly closed as ours are. Then, through bench/httpclient.py as bench/stack.py
uses it: its staff ticket list page and the list's JSON (the datatables endpoint the page loads),
the same JSON over all statuses, the dashboard, a ticket page, and its REST API's list, retrieve
and create, with BENCH_PEER_CLIENTS clients (1) and BENCH_PEER_REQUESTS requests (5) each. A
request slower than BENCH_PEER_TIMEOUT seconds (120) is cut off and shown as "> N s" (its REST list
reads every ticket). Ratios are printed beside our figures from var/bench/stack.json.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess  # nosec B404  # runs the peer's own Python with fixed command lines
import sys
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

from bench import servers
from bench.httpclient import Call, Client, Picker, json_call, load, sign_in

HERE = Path(__file__).resolve().parent
PYTHON = str(servers.ROOT / "var" / "peer" / "venv" / "bin" / "python")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("PEER_DATABASE", "helpdesk_peer")
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
CLIENTS = [int(n) for n in os.environ.get("BENCH_PEER_CLIENTS", "1").split(",") if n.strip()]
REQUESTS = int(os.environ.get("BENCH_PEER_REQUESTS", "5"))
TIMEOUT = float(os.environ.get("BENCH_PEER_TIMEOUT", "120"))
OURS = Path(os.environ.get("BENCH_STACK_OUTPUT") or servers.ROOT / "var" / "bench" / "stack.json")
OUTPUT = servers.ROOT / "var" / "bench" / "peer.json"
PASSWORD = secrets.token_urlsafe(12)
DATATABLES = re.compile(r"datatables_ticket_list/([A-Za-z0-9_=\-]+)")
# The peer's page or call, and ours it is set beside.
COUNTERPARTS = {
    "ticket list page": "queue: first page",
    "ticket list JSON": "queue: first page",
    "ticket list JSON, all statuses": "all cases",
    "dashboard": "dashboard",
    "ticket page": "case workspace",
    "REST list": "api: list",
    "REST retrieve": "api: retrieve",
    "REST create": "api: create",
}


def _env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    host = SERVER.rsplit("@", 1)[-1].split(":")
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "peer_settings",
        "PEER_DATABASE_NAME": DATABASE,
        "PEER_DATABASE_HOST": host[0],
        "PEER_DATABASE_PORT": host[1] if len(host) > 1 else "5432",
        "PEER_DATABASE_USER": SERVER.split("//", 1)[-1].split("@", 1)[0].split(":")[0],
        "PEER_SECRET_KEY": secrets.token_urlsafe(48),
        "PEER_PASSWORD": PASSWORD,
    }


def _peer(*args: str) -> str:
    result = subprocess.run(  # noqa: S603  # nosec B603  # the peer's Python, fixed arguments
        [PYTHON, *args], cwd=HERE, env=_env(), capture_output=True, text=True, timeout=1800, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"the peer's {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _connect(database: str) -> Any:
    return psycopg2.connect(f"{SERVER}/{database}")


def prepare() -> dict[str, Any]:
    """The peer's database, migrated, with its staff user, queue and BENCH_CASES tickets."""
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    admin.close()
    _peer("-m", "django", "migrate", "--verbosity", "0")
    seeded = json.loads(_peer("peer_seed.py").strip().splitlines()[-1])
    _copy_tickets(seeded)
    return seeded


def _copy_tickets(seeded: dict[str, Any]) -> None:
    connection = _connect(DATABASE)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM helpdesk_ticket")
        have = cursor.fetchone()[0]
        if have < CASES:
            print(f"  copying {CASES - have:,} tickets into {DATABASE} (once)…", flush=True)
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'helpdesk_ticket' "
                "AND column_name <> 'id' ORDER BY ordinal_position"
            )
            columns = [row[0] for row in cursor.fetchall()]
            # %% is the modulo operator in a statement with parameters.
            chosen = {
                "title": "(ARRAY['Refund fails', 'Checkout error', 'Stock sync stalled', 'Shipping labels missing', "
                "'Tax rates wrong'])[1 + (g / 7) %% 5] || ' at store ' || (g %% 997)",
                "status": "CASE WHEN g %% 100 < 95 THEN 4 WHEN g %% 100 < 97 THEN 3 ELSE 1 + (g / 100) %% 2 END",
                "created": "now() - make_interval(mins => g)",
                "modified": "now() - make_interval(mins => g / 2)",
                "assigned_to_id": f"CASE WHEN g %% 3 = 0 THEN NULL ELSE {int(seeded['staff'])} END",
            }
            select = sql.SQL(", ").join(
                sql.SQL(chosen[c]) if c in chosen else sql.SQL("t.{}").format(sql.Identifier(c)) for c in columns
            )
            cursor.execute(
                sql.SQL("INSERT INTO helpdesk_ticket ({}) SELECT {} FROM helpdesk_ticket t, generate_series(%s, %s) g "
                        "WHERE t.id = %s").format(sql.SQL(", ").join(map(sql.Identifier, columns)), select),
                [have + 1, CASES, seeded["template"]],
            )  # fmt: skip
            cursor.execute("VACUUM ANALYZE helpdesk_ticket")
    connection.close()


def _some_ticket_ids() -> list[int]:
    connection = _connect(DATABASE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM helpdesk_ticket ORDER BY random() LIMIT 200")
        found = [row[0] for row in cursor.fetchall()]
    connection.close()
    return found


def _fixed(path: str) -> Picker:
    def pick(client: int, n: int) -> Call:
        return Call(path)

    return pick


def _datatables(staff: Client, page: str) -> str:
    found = DATATABLES.search(staff.get(page).text)
    if found is None:
        raise SystemExit(f"the peer's {page} names no datatables URL")
    return f"/datatables_ticket_list/{found.group(1)}?draw=1&start=0&length=25"


def calls(origin: str, seeded: dict[str, Any]) -> list[tuple[str, Client, Picker, frozenset[int]]]:
    staff = Client(origin, timeout=TIMEOUT)
    sign_in(staff, "/login/", {"username": "staff", "password": PASSWORD})
    api = Client(origin, timeout=TIMEOUT)
    api.headers["Authorization"] = f"Token {seeded['token']}"
    ids, run = _some_ticket_ids(), secrets.token_hex(3)
    every_status = "/tickets/?" + "&".join(f"status={n}" for n in range(1, 6))

    def ticket(template: str) -> Picker:
        return lambda client, n: Call(template.format(ids[(client * 37 + n) % len(ids)]))

    def create(client: int, n: int) -> Call:
        body = {
            "queue": seeded["queue"],
            "title": f"Bench peer {run} {client}-{n}",
            "priority": 3,
            "description": "Checkout fails at the payment step.",
            "submitter_email": "merchant@peer.test",
        }
        return json_call("/api/tickets/", "POST", json.dumps(body).encode())

    ok = frozenset({200})
    return [
        ("ticket list page", staff, _fixed("/tickets/"), ok),
        ("ticket list JSON", staff, _fixed(_datatables(staff, "/tickets/")), ok),
        ("ticket list JSON, all statuses", staff, _fixed(_datatables(staff, every_status)), ok),
        ("dashboard", staff, _fixed("/dashboard/"), ok),
        ("ticket page", staff, ticket("/tickets/{}/"), ok),
        ("REST list", api, _fixed("/api/tickets/"), ok),
        ("REST retrieve", api, ticket("/api/tickets/{}/"), ok),
        ("REST create", api, create, frozenset({201})),
    ]


def _ours() -> dict[tuple[str, int], dict[str, Any]]:
    if not OURS.exists():
        return {}
    return {(row["page"], row["clients"]): row for row in json.loads(OURS.read_text())["rows"]}


def _shown(row: dict[str, Any], key: str) -> str:
    if row["timed_out"] and row["requests"] == row["timed_out"]:
        return f"> {row['timeout_s']:.0f} s"
    return f"{row[key]:.1f}"


def main() -> bool:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out
    if not Path(PYTHON).exists():
        raise SystemExit("no var/peer/venv: run `make bench-peer`, which makes it from bench/peer/requirements.txt")
    seeded = prepare()
    port = servers.free_port()
    timeout = int(TIMEOUT) + 5  # gunicorn ends a worker still busy after the client gave up
    web = servers.gunicorn(PYTHON, "peer_wsgi:application", port=port, env=_env(), log="peer-web.log",
                           timeout=timeout, cwd=HERE)  # fmt: skip
    rows, ours = [], _ours()
    print(f"\ndjango-helpdesk 2.6.1 with {CASES:,} tickets (gunicorn, 2 sync workers; database {DATABASE})")
    print(f"{'page':32} {'c':>3} {'req/s':>7} {'p50 ms':>10} {'p95 ms':>10} {'ours p50':>9} {'peer/ours':>9}")
    try:
        servers.wait_for(f"http://127.0.0.1:{port}/login/", web, log="peer-web.log")
        for name, client, pick, ok in calls(f"http://127.0.0.1:{port}", seeded):
            for clients in CLIENTS:
                figures = load(client, pick, clients=clients, requests=max(REQUESTS, clients), ok=ok)
                mine = ours.get((COUNTERPARTS[name], clients))
                ratio = figures["p50_ms"] / mine["p50_ms"] if mine and not figures["timed_out"] else None
                ours_p50 = mine["p50_ms"] if mine else None
                rows.append({"page": name, "clients": clients, "ours": COUNTERPARTS[name], "ours_p50_ms": ours_p50,
                             "ratio_p50": ratio, **figures})  # fmt: skip
                ratio_text = "" if ratio is None else f"{ratio:.1f}x"
                if figures["timed_out"]:
                    ratio_text = "> " + (f"{TIMEOUT * 1000 / mine['p50_ms']:.0f}x" if mine else "?")
                print(f"{name:32} {clients:>3} {figures['rps']:7.2f} {_shown(figures, 'p50_ms'):>10} "
                      f"{_shown(figures, 'p95_ms'):>10} {mine['p50_ms'] if mine else float('nan'):9.1f} "
                      f"{ratio_text:>9}", flush=True)  # fmt: skip
    finally:
        servers.stop(web)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"tickets": CASES, "database": DATABASE, "rows": rows}, indent=2))
    print(f"  written to {OUTPUT}")
    return True


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
