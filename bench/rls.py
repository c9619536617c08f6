"""What row-level security costs on the hot pages: the same pages and data as `case_pages`
(a million StoreConnect cases in `helpdesk_bench`), fetched once as the tables' owner (whom the
policies do not bind) and once as the application role `helpdesk_app` (whom they do), on one
connection. Goal: each hot page's median within 10% (or 2 ms, for pages of a few ms) of the owner's.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from bench import case_pages

GOAL_RATIO = 1.10
GOAL_SLACK_MS = 2.0
HOT = ("queue", "case page", "portal", "api: cases", "api: merchant's cases", "all cases: closed")
OUTPUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "rls.json"


def _as_app_role() -> None:
    from django.db import connection

    from helpdesk import rls

    rls.create_role(rls.DEFAULT_APP_ROLE)
    rls.install(app_role=rls.DEFAULT_APP_ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {rls.DEFAULT_APP_ROLE}")


def _measure(clients: dict, pages: list[tuple[str, str, str]]) -> dict[str, float]:
    medians = {}
    for what, email, path in pages:
        client = clients[email]
        response = client.get(path)  # warm-up
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times = []
        for _ in range(case_pages.REPEAT):
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        medians[what] = statistics.median(times)
    return medians


def _signed_in(pages: list[tuple[str, str, str]]) -> dict:
    """Sessions made as the owner (the test client's sign-in skips /login/'s cross-tenant door)."""
    from django.test import Client

    from helpdesk.models import User

    clients: dict = {}
    for _, email, _ in pages:
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
    return clients


def main() -> bool:
    case_pages.DATABASE = os.environ.get("BENCH_DATABASE", case_pages.DATABASE)
    case_pages._setup_django()
    print(f"\nRow-level security on the hot pages (database {case_pages.DATABASE})")
    case_pages._seed()
    pages = [page for page in case_pages._pages() if page[0] != case_pages.RECOUNT]
    clients = _signed_in(pages)
    owner = _measure(clients, pages)
    _as_app_role()
    app = _measure(clients, pages)
    print(f"{'page':24} {'owner ms':>9} {'app role ms':>12} {'ratio':>6}")
    rows, met = [], True
    for page in owner:
        before, after = owner[page], app[page]
        hot = page in HOT
        ok = not hot or after <= max(before * GOAL_RATIO, before + GOAL_SLACK_MS)
        met = met and ok
        mark = "" if not hot else ("  ok" if ok else "  MISSED")
        print(f"{page:24} {before:9.1f} {after:12.1f} {after / before:6.2f}{mark}")
        rows.append({"page": page, "owner_ms": before, "app_role_ms": after, "hot": hot, "met": ok})
    goal = f"hot pages under the app role within {GOAL_RATIO - 1:.0%} (or {GOAL_SLACK_MS:.0f} ms) of the owner"
    print(f"  {'met   ' if met else 'MISSED'} {goal}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"rows": rows, "goals": [{"goal": goal, "met": met}]}, indent=2))
    return met


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
