"""The query plans behind the hot pages: for each, the page is fetched through the test client as
in `case_pages` (same data set, same users), its SQL statements are timed as they run, and the
slowest ones are run again under `EXPLAIN (ANALYZE, BUFFERS)`. Written as Markdown to
var/bench/explain.md (bench/RESULTS.md quotes it), and printed. Reads only: it changes nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench import case_pages

OUTPUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "explain.md"
HOT = (
    "queue",
    "queue: breached",
    "case page",
    "portal",
    "api: cases",
    "all cases: closed",
    "dashboard",
    "customer SLA report: 36 months",
)
SLOWEST = 2  # statements explained per page
WIDEST = 240  # characters of a plan's line kept


class _Timer:
    """A `connection.execute_wrapper` that keeps each statement, its parameters and its time."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                self.statements.append(((time.perf_counter() - began) * 1000, sql, params))


def _plan(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    # A filter on a few thousand ids prints them all: its start says what it is.
    return "\n".join(line if len(line) <= WIDEST else f"{line[:WIDEST]}…" for line in lines)


def _page(client: Any, what: str, path: str) -> list[str]:
    from django.db import connection

    client.get(path)  # warm-up: caches and the planner's statistics as a repeated visit finds them
    timer = _Timer()
    with connection.execute_wrapper(timer):
        answer = client.get(path)
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")
    total = sum(ms for ms, _, _ in timer.statements)
    lines = [f"### {what} (`{path}`): {len(timer.statements)} statements, {total:.1f} ms of SQL", ""]
    for ms, sql, params in sorted(timer.statements, key=lambda row: -row[0])[:SLOWEST]:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines += [f"{ms:.1f} ms as run by the page:", "", "```", _plan(sql, params), "```", ""]
    return lines


def main() -> bool:
    from django.test import Client

    case_pages._setup_django()
    from django.db import connection

    # A fresh connection to the data set as its owner: in `make bench` the benchmarks before this
    # one switched role (bench.rls) and database (bench.background) on the shared connection.
    connection.close()
    connection.settings_dict["NAME"] = case_pages.DATABASE
    case_pages._seed()
    from helpdesk.models import User

    lines = [f"## Query plans of the hot pages ({case_pages.CASES:,} cases, database {case_pages.DATABASE})", ""]
    clients: dict[str, Client] = {}
    for what, email, path in case_pages._pages():
        if what not in HOT:
            continue
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
        lines += _page(clients[email], what, path)
    text = "\n".join(lines)
    print(text)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text + "\n")
    return True


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
