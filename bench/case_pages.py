"""Case pages with a million cases: the analyst's queue with each filter, all cases, the
merchant's portal and lookup, one case page, the API's case list, the managers' dashboard (page,
a year's trends, a CSV export and the API) and the SLA compliance and satisfaction reports,
rendered through Django's test client against PostgreSQL.

The data is the generator's (bench.data; BENCH_CASES cases, a million by default, in its own
database `helpdesk_bench_data`, or `BENCH_DATABASE`, kept between runs): the demo's tenants and
ten more; the pages are the heavy tenant's, StoreConnect, with a tenth of all cases open (100,000
of a million) and as many again resolved or closed, their clocks in every state, comments and
history, 90 days of the dashboard's daily roll-ups and every day of the customer SLA report's
(tickets.models.DailyAccountSla). Each page is fetched
15 times after a warm-up; the table shows the median and the slowest, and the goal is a median
under 150 ms per page on this machine, 100 ms for the dashboard (the compliance report's recount,
which reads a year of clocks, is shown but not held to it).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
REPEAT = 15
GOAL_MS = 150.0
# The managers' dashboard is held to less (issue #14): it is their home, opened all day.
DASHBOARD_GOAL_MS = 100.0
# The queue's first page, the analysts' home, is held to less still (issue #13).
QUEUE_GOAL_MS = 25.0
DATABASE = os.environ.get("BENCH_DATABASE", "helpdesk_bench_data")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
OUTPUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "case_pages.json"
# The compliance report is kept for five minutes; counting it afresh is measured but is not held
# to the page goal (it reads a year of clocks).
RECOUNT = "SLA compliance, recount"


def _setup_django() -> None:
    from bench.data.generate import setup_django

    setup_django(f"{SERVER}/{DATABASE}")


def _seed() -> None:
    """The generator's data set of CASES cases (made once; it stays in the database)."""
    from bench.data.generate import ensure_dataset

    made = ensure_dataset(f"{SERVER}/{DATABASE}", CASES)
    if made["made"]:
        rate = made["rows"] / made["copy_seconds"]
        print(f"  data set made: {made['rows']:,} rows in {made['seconds']:.0f} s ({rate:,.0f} rows/s)", flush=True)
    _recount_marked()


def _recount_marked() -> None:
    """What beat's `reports.rollup_account_marks` does every minute: recount the customer SLA
    report's days that changes since have marked (the stack bench's API writes and breaches, say),
    so the report is measured as a running system serves it, not with hours of marks piled up."""
    from helpdesk import rls
    from helpdesk.models import Tenant
    from tickets.account_rollup import rollup_marked

    with rls.cross_tenant("the bench recounts every tenant's marked days"):
        for tenant in Tenant.objects.all():
            rollup_marked(tenant=tenant)


def _samples() -> tuple[str, str, str]:
    """A heavy-tenant case to open, a search for its number, and a keyset cursor halfway down the list."""
    from helpdesk.api.pagination import encode
    from tickets.models import Case

    cases = Case.objects.filter(tenant__slug="storeconnect", account__slug="harbour-homewares")
    middle = cases.order_by("pk")[cases.count() // 2]
    open_case = cases.filter(status="open").order_by("pk").last() or middle
    keys = Case.objects.filter(pk=middle.pk).values_list("work_rank", "sla_due_at", "opened_at", "pk").get()
    return open_case.number, middle.number, encode(list(keys))


def _pages() -> list[tuple[str, str, str]]:
    """(what, who, path) for every page measured."""
    one, number, deep = _samples()
    analyst, merchant = "analyst@storeconnect.test", "merchant@harbour-homewares.test"
    year_ago = (datetime.now(UTC) - timedelta(days=360)).date().isoformat()
    return [
        ("api: cases", analyst, "/api/v1/cases/"),
        ("api: cases, deep cursor", analyst, f"/api/v1/cases/?cursor={deep}"),
        ("api: merchant's cases", merchant, "/api/v1/cases/"),
        ("queue", analyst, "/queue/"),
        ("queue: mine", analyst, "/queue/?owner=me"),
        ("queue: unassigned", analyst, "/queue/?owner=unassigned"),
        ("queue: breached", analyst, "/queue/?sla=breached"),
        ("queue: at risk", analyst, "/queue/?sla=at_risk"),
        ("queue: subject word", analyst, "/queue/?q=labels"),
        ("queue: number", analyst, f"/queue/?q={number}"),
        ("all cases: closed", analyst, "/cases/?status=closed"),
        ("all cases: common word", analyst, "/cases/?q=labels"),
        ("all cases: rare words", analyst, "/cases/?q=POS+terminal+crashes"),
        ("case page", analyst, f"/cases/{one}/"),
        ("notifications", analyst, "/notifications/"),
        ("api: notifications", analyst, "/api/v1/notifications/"),
        ("portal", merchant, "/portal/"),
        ("merchant lookup", merchant, "/cases/?q=refund"),
        ("merchant: old cases", merchant, "/cases/?status=closed"),
        ("SLA compliance report", "manager@storeconnect.test", "/reports/sla/"),
        ("dashboard", "manager@storeconnect.test", "/dashboard/"),
        ("dashboard: a year's trends", "manager@storeconnect.test", f"/dashboard/?start={year_ago}"),
        ("dashboard: CSV of backlog", "manager@storeconnect.test", "/dashboard/?export=backlog"),
        ("api: dashboard", "manager@storeconnect.test", "/api/v1/reports/dashboard/"),
        ("satisfaction report", "manager@storeconnect.test", "/reports/satisfaction/"),
        ("SLA compliance: CSV by month", "manager@storeconnect.test", "/reports/sla/?export=month"),
        ("satisfaction: CSV by month", "manager@storeconnect.test", "/reports/satisfaction/?export=month"),
        ("customer SLA report", merchant, "/reports/account-sla/"),
        ("api: customer SLA report", merchant, "/api/v1/reports/account-sla/"),
        ("customer SLA report: 36 months", merchant, "/reports/account-sla/?months=36"),
        (RECOUNT, "manager@storeconnect.test", "/reports/sla/?refresh=1"),
    ]


def measure() -> list[dict[str, Any]]:
    from django.test import Client

    from helpdesk.models import User

    clients: dict[str, Client] = {}
    rows = []
    for what, email, path in _pages():
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
        client = clients[email]
        response = client.get(path)  # warm-up
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times = []
        for _ in range(REPEAT):
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        rows.append({"page": what, "path": path, "median_ms": statistics.median(times), "slowest_ms": max(times)})
    return rows


def main() -> bool:
    _setup_django()
    from helpdesk.models import Tenant
    from tickets.models import Case

    print(f"\nCase pages of the heavy tenant, {CASES:,} cases in all (PostgreSQL, database {DATABASE})")
    _seed()
    total = Case.objects.for_tenant(Tenant.objects.get(slug="storeconnect")).count()
    print(f"  StoreConnect: {total:,} cases, {Case.objects.count():,} in all tenants")
    rows = measure()
    print(f"{'page':28} {'median ms':>10} {'slowest ms':>11}")
    for row in rows:
        note = "  (not held to the goal)" if row["page"] == RECOUNT else ""
        print(f"{row['page']:28} {row['median_ms']:10.1f} {row['slowest_ms']:11.1f}{note}")
    worst = max(row["median_ms"] for row in rows if row["page"] != RECOUNT)
    met = worst < GOAL_MS
    goal = f"every page's median under {GOAL_MS:.0f} ms with {total:,} heavy-tenant cases (worst {worst:.1f} ms)"
    print(f"  {'met   ' if met else 'MISSED'} {goal}")
    dashboard = max(row["median_ms"] for row in rows if "dashboard" in row["page"])
    dashboard_met = dashboard < DASHBOARD_GOAL_MS
    dashboard_goal = f"the dashboard's median under {DASHBOARD_GOAL_MS:.0f} ms (worst {dashboard:.1f} ms)"
    print(f"  {'met   ' if dashboard_met else 'MISSED'} {dashboard_goal}")
    queue = next(row["median_ms"] for row in rows if row["page"] == "queue")
    queue_met = queue < QUEUE_GOAL_MS
    queue_goal = f"the queue's first page's median under {QUEUE_GOAL_MS:.0f} ms ({queue:.1f} ms)"
    print(f"  {'met   ' if queue_met else 'MISSED'} {queue_goal}")
    goals = [
        {"goal": goal, "met": met},
        {"goal": dashboard_goal, "met": dashboard_met},
        {"goal": queue_goal, "met": queue_met},
    ]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"cases": total, "rows": rows, "goals": goals}, indent=2))
    print(f"  written to {OUTPUT.relative_to(OUTPUT.parent.parent.parent)}")
    return met and dashboard_met and queue_met


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
