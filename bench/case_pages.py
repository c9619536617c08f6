"""Case pages with a million cases: the analyst's queue with each filter, all cases, the
merchant's portal and lookup, one case page, the API's case list, the managers' dashboard (page,
a year's trends, a CSV export and the API) and the SLA compliance and satisfaction reports,
rendered through Django's test client against PostgreSQL.

The data lives in its own database (`helpdesk_bench`, or `BENCH_DATABASE`; kept between runs):
`seed_demo`, then one million StoreConnect cases copied from a seeded case by one INSERT … SELECT
(95% closed, 2% resolved, 3% in the active statuses with running deadlines, a tenth of those
breached), their SLA clocks, 90 days of the dashboard's daily roll-ups and every day of the
customer SLA report's (tickets.models.DailyAccountSla). Each page is fetched
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
ROLLUP_DAYS = 90
DATABASE = os.environ.get("BENCH_DATABASE", "helpdesk_bench")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
OUTPUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "case_pages.json"
# The compliance report is kept for five minutes; counting it afresh is measured but is not held
# to the page goal (it reads a year of clocks).
RECOUNT = "SLA compliance, recount"


def _setup_django() -> None:
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings.test"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("REDIS_URL", None)  # the pages need no broker; mail queued by seeding stays queued

    import django

    django.setup()


def _seed() -> None:
    from django.core.management import call_command
    from django.db import connection

    from demo.seed import seed_demo
    from helpdesk.models import Tenant
    from tickets.models import Case

    call_command("migrate", verbosity=0)
    seed_demo()
    tenant = Tenant.objects.get(slug="storeconnect")
    have = Case.objects.for_tenant(tenant).count()
    if have >= CASES:
        _rollup(tenant)
        return
    print(f"  seeding {CASES - have:,} cases (once; they stay in the {DATABASE} database)…", flush=True)
    template = Case.objects.for_tenant(tenant).filter(account__slug="harbour-homewares").order_by("pk").first()
    if template is None:
        raise RuntimeError("the demo data has no harbour-homewares case to copy")
    with connection.cursor() as cursor:
        cursor.execute(_COPY_CASES, {"template": template.pk, "start": have, "end": CASES, "tenant": tenant.pk})
        cursor.execute(_COPY_CLOCKS, {"tenant": tenant.pk, "start": have})
        # VACUUM too: index-only scans (the dashboard's open-case figures) need the visibility map.
        cursor.execute("VACUUM ANALYZE tickets_case")
        cursor.execute("VACUUM ANALYZE sla_slaclock")
    _rollup(tenant, again=True)


def _rollup(tenant: Any, *, again: bool = False) -> None:
    """The dashboard's daily roll-ups of the last 90 days, and the customer SLA report's of every
    day with cases, as beat would have kept them (with the days the seeding marked recounted)."""
    from django.utils import timezone

    from reports.models import DailySlaTally
    from reports.services import rollup_recent
    from tickets.account_rollup import account_rollup_recent, rollup_marked
    from tickets.models import Case, DailyAccountSla

    now = timezone.now()
    if again or not DailySlaTally.objects.for_tenant(tenant).exists():
        print(f"  counting {ROLLUP_DAYS} days of roll-ups…", flush=True)
        began = time.perf_counter()
        rollup_recent(tenant=tenant, now=now, days=ROLLUP_DAYS)
        print(f"  roll-ups counted in {time.perf_counter() - began:.1f} s", flush=True)
    if again or not DailyAccountSla.objects.for_tenant(tenant).exists():
        oldest = Case.objects.for_tenant(tenant).order_by("opened_at").values_list("opened_at", flat=True).first()
        days = (now - oldest).days + 2 if oldest else 1
        print(f"  counting {days} days of the customer SLA report's roll-ups…", flush=True)
        began = time.perf_counter()
        account_rollup_recent(tenant=tenant, now=now, days=days)
        print(f"  account roll-ups counted in {time.perf_counter() - began:.1f} s", flush=True)
    rollup_marked(tenant=tenant)


# Copies of one seeded case: numbers SC-2000000 upwards, subjects with a few common words,
# spread over the tenant's accounts, priorities and analysts; mostly closed, as in a helpdesk
# that has run for years. Open Critical copies are worked first (work_rank 1), as the services
# would have stored it.
_COPY_CASES = """
WITH accounts AS (SELECT array_agg(a.id ORDER BY a.id) AS ids,
                         array_agg(a.technical_contact_id ORDER BY a.id) AS contacts
                  FROM helpdesk_account a WHERE a.tenant_id = %(tenant)s),
     priorities AS (SELECT array_agg(id ORDER BY rank) AS ids, array_agg(worked_first ORDER BY rank) AS first
                    FROM tickets_priority WHERE tenant_id = %(tenant)s),
     analysts AS (SELECT array_agg(id ORDER BY id) AS ids FROM helpdesk_user
                  WHERE tenant_id = %(tenant)s AND role = 'analyst')
INSERT INTO tickets_case (number, subject, description, category, channel, status, cc_emails, recent_changes,
    business_impact, steps_to_reproduce, workaround, opened_at, updated_at, sla_due_at, version, account_id,
    assignee_id, requester_id, sla_policy_id, store_id, tenant_id, plan_id, priority_id, imported_from, work_rank)
SELECT 'SC-' || (2000000 + g),
       (ARRAY['Refund fails', 'Checkout error', 'Stock sync stalled', 'Shipping labels missing', 'Tax rates wrong'])
         [1 + (g / 7) %% 5] || ' at store ' || (g %% 997),
       t.description, t.category, t.channel, s.status,
       t.cc_emails, '', '', '', '',
       now() - make_interval(mins => g), now() - make_interval(mins => g / 2),
       CASE WHEN g %% 100 >= 97 AND (g / 100) %% 4 <> 2
            THEN now() + make_interval(mins => (g %% 20000) - 2000) END,
       1, a.ids[1 + g %% cardinality(a.ids)],
       CASE WHEN g %% 3 = 0 THEN NULL ELSE n.ids[1 + g %% cardinality(n.ids)] END,
       a.contacts[1 + g %% cardinality(a.contacts)], t.sla_policy_id, NULL, t.tenant_id, t.plan_id,
       p.ids[1 + g %% cardinality(p.ids)], '',
       CASE WHEN s.status NOT IN ('closed', 'resolved') AND p.first[1 + g %% cardinality(p.ids)] THEN 1 ELSE 2 END
FROM tickets_case t, accounts a, priorities p, analysts n, generate_series(%(start)s + 1, %(end)s) g,
     LATERAL (SELECT CASE WHEN g %% 100 < 95 THEN 'closed' WHEN g %% 100 < 97 THEN 'resolved'
                     ELSE (ARRAY['new', 'open', 'waiting_on_customer', 'reopened'])[1 + (g / 100) %% 4] END
              AS status) s
WHERE t.id = %(template)s
"""

# One first-response clock per copied case: met for closed ones, running (a tenth breached) otherwise.
_COPY_CLOCKS = """
INSERT INTO sla_slaclock (metric, amount, unit, started_at, length, at_risk_share, due_at, at_risk_at, met_at,
    warned_at, breached_at, calendar_id, case_id, tenant_id)
SELECT 'first_response', 1, 'business_days', c.opened_at, interval '8 hours', 0.75,
       c.sla_due_at, c.sla_due_at - interval '2 hours',
       CASE WHEN c.status = 'closed' THEN c.opened_at + interval '1 hour' END,
       NULL,
       CASE WHEN c.sla_due_at < now() THEN c.sla_due_at END,
       (SELECT id FROM sla_calendar WHERE tenant_id = %(tenant)s ORDER BY id LIMIT 1), c.id, c.tenant_id
FROM tickets_case c
WHERE c.tenant_id = %(tenant)s AND c.number LIKE 'SC-2%%'
  AND substr(c.number, 4)::bigint > 2000000 + %(start)s
"""


def _pages() -> list[tuple[str, str, str]]:
    """(what, who, path) for every page measured."""
    from helpdesk.api.pagination import encode
    from tickets.models import Case

    one = Case.objects.filter(number="SC-2500001").values_list("number", flat=True).first() or "SC-1001"
    middle = Case.objects.filter(number="SC-2500000").values_list("work_rank", "sla_due_at", "opened_at", "pk").first()
    deep = encode(list(middle)) if middle else ""
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
        ("queue: number", analyst, "/queue/?q=SC-2345678"),
        ("all cases: closed", analyst, "/cases/?status=closed"),
        ("all cases: common word", analyst, "/cases/?q=labels"),
        ("all cases: rare words", analyst, "/cases/?q=store+123"),
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

    print(f"\nCase pages with {CASES:,} StoreConnect cases (PostgreSQL, database {DATABASE})")
    _seed()
    total = Case.objects.for_tenant(Tenant.objects.get(slug="storeconnect")).count()
    rows = measure()
    print(f"{'page':28} {'median ms':>10} {'slowest ms':>11}")
    for row in rows:
        note = "  (not held to the goal)" if row["page"] == RECOUNT else ""
        print(f"{row['page']:28} {row['median_ms']:10.1f} {row['slowest_ms']:11.1f}{note}")
    worst = max(row["median_ms"] for row in rows if row["page"] != RECOUNT)
    met = worst < GOAL_MS
    goal = f"every page's median under {GOAL_MS:.0f} ms with {total:,} cases (worst {worst:.1f} ms)"
    print(f"  {'met   ' if met else 'MISSED'} {goal}")
    dashboard = max(row["median_ms"] for row in rows if "dashboard" in row["page"])
    dashboard_met = dashboard < DASHBOARD_GOAL_MS
    dashboard_goal = f"the dashboard's median under {DASHBOARD_GOAL_MS:.0f} ms (worst {dashboard:.1f} ms)"
    print(f"  {'met   ' if dashboard_met else 'MISSED'} {dashboard_goal}")
    goals = [{"goal": goal, "met": met}, {"goal": dashboard_goal, "met": dashboard_met}]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"cases": total, "rows": rows, "goals": goals}, indent=2))
    print(f"  written to {OUTPUT.relative_to(OUTPUT.parent.parent.parent)}")
    return met and dashboard_met


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
