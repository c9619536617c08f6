"""The customer SLA report: one account's attainment by month and priority (cases opened, targets
met and missed, median times), for the account's merchants, partners linked to it, and staff.

Reads go through the request's scope, so a merchant can only ever name its own account. Past days
come from the daily roll-ups (tickets.models.DailyAccountSla); today, and any day marked changed
since beat last recounted it, are counted live from the cases and clocks (tickets.account_rollup),
so the figures are never stale."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.models import Account
from helpdesk.selectors import account_list
from helpdesk.tenancy import Scope
from sla.models import Metric
from tickets.account_rollup import DayTally, MetricTally, count_cases, day_window, histogram_median
from tickets.models import Case, DailyAccountSla
from tickets.selectors import priority_list


@dataclass
class MetricFigures:
    met: int = 0
    missed: int = 0
    running: int = 0
    minutes: Counter[int] = field(default_factory=Counter)  # minutes to met, bucketed (tickets.account_rollup)

    @property
    def median(self) -> timedelta | None:
        minutes = histogram_median(self.minutes)
        return None if minutes is None else timedelta(minutes=minutes)

    @property
    def median_words(self) -> str:
        return duration_words(self.median)

    def add(self, tally: MetricTally) -> None:
        self.met += tally.met
        self.missed += tally.missed
        self.running += tally.running
        self.minutes.update(tally.minutes)


@dataclass
class AccountSlaRow:
    month: datetime  # the first instant of the month, in the account's zone
    priority: str
    rank: int
    opened: int = 0
    metrics: dict[str, MetricFigures] = field(default_factory=lambda: {m: MetricFigures() for m in Metric})

    @property
    def first_response(self) -> MetricFigures:
        return self.metrics[Metric.FIRST_RESPONSE]

    @property
    def resolution(self) -> MetricFigures:
        return self.metrics[Metric.RESOLUTION]


def report_account(scope: Scope, slug: str | None) -> Account:
    """The account the report is about: a merchant's own (the slug may be left out), else the
    scope's account with this slug; another account's slug answers like an unknown one."""
    accounts = account_list(scope=scope)
    if not slug:
        if scope.account is None:
            raise ValidationFailed("Name the account (its slug).", errors={"account": ["Required."]})
        return scope.account
    account = accounts.filter(slug=slug).first()
    if account is None:
        raise ValidationFailed(f"No account “{slug}”.", errors={"account": ["Unknown account."]})
    return account


MONTHS = 12
MAX_MONTHS = 36


def report_months(text: str | None) -> int:
    """The report's span from a query parameter: 1 to MAX_MONTHS, MONTHS when not given."""
    if not text:
        return MONTHS
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise ValidationFailed(
            f"Give months as a whole number from 1 to {MAX_MONTHS}.", errors={"months": [f"1 to {MAX_MONTHS}."]}
        )
    return int(text)


def report_since(account: Account, now: datetime, months: int = MONTHS) -> datetime:
    """The first instant of the month `months - 1` months before this one, in the account's zone."""
    local = now.astimezone(ZoneInfo(account.time_zone))
    month_index = local.year * 12 + local.month - 1 - (months - 1)
    return local.replace(
        year=month_index // 12, month=month_index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


def _marked_days(scope: Scope, account: Account, zone: ZoneInfo) -> set[date]:
    """Local days of the account whose roll-up a change has made stale (beat has not recounted)."""
    stale = Case.objects.for_scope(scope).filter(account=account, rollup_stale=True)  # index case_rollup_stale
    return {opened_at.astimezone(zone).date() for opened_at in stale.order_by().values_list("opened_at", flat=True)}


def _rolled_up(scope: Scope, account: Account, first: date, today: date, live: set[date]) -> list[tuple]:
    """(month's first day, priority, metric, opened, met, missed, running, {bucket: clocks}) of the
    roll-up rows before today that no change has marked, summed by month in the database."""
    rows = DailyAccountSla.objects.for_scope(scope).filter(account=account, day__gte=first, day__lt=today)
    rows = rows.exclude(day__in=live).order_by()
    sums = (
        rows.annotate(month=TruncMonth("day"))
        .values("month", "priority_id", "metric")
        .annotate(opened=Sum("opened"), met=Sum("met"), missed=Sum("missed"), running=Sum("running"))
    )
    histograms = _month_histograms(rows)
    return [
        (*key, s["opened"], s["met"], s["missed"], s["running"], histograms.get(key, {}))
        for s in sums
        for key in [(s["month"], s["priority_id"], s["metric"])]
    ]


def _month_histograms(rows: QuerySet[DailyAccountSla]) -> dict[tuple[date, int, str], Counter[int]]:
    """The rows' histograms of minutes to met added up by month, priority and metric. PostgreSQL
    adds them itself (a year of an account's days is thousands of rows of up to ~150 buckets, too
    many to parse and add in Python within the page's time); SQLite (the demo) in Python."""
    months: dict[tuple[date, int, str], Counter[int]] = defaultdict(Counter)
    if connection.vendor != "postgresql":
        for day, priority_id, metric, minutes in rows.values_list("day", "priority_id", "metric", "minutes"):
            months[(day.replace(day=1), priority_id, metric)].update({int(b): n for b, n in minutes.items()})
        return months
    inner, params = rows.values("day", "priority_id", "metric", "minutes").query.sql_with_params()
    # The inner query is the ORM's own, its values passed as parameters.
    sql = (
        "SELECT date_trunc('month', r.day)::date, r.priority_id, r.metric, e.key::int, sum(e.value::int) "  # noqa: S608
        f"FROM ({inner}) r CROSS JOIN LATERAL jsonb_each_text(r.minutes) e GROUP BY 1, 2, 3, 4"  # nosec B608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for month, priority_id, metric, bucket, clocks in cursor.fetchall():
            months[(month, priority_id, metric)][bucket] = clocks
    return months


def _counted_live(scope: Scope, account: Account, days: set[date], zone: ZoneInfo) -> dict:
    """Today's and the marked days' tallies, straight from the cases (one index read per day)."""
    tallies: dict = {}
    for day in sorted(days):
        start, end = day_window(day, zone)
        cases = Case.objects.for_scope(scope).filter(account=account, opened_at__gte=start, opened_at__lt=end)
        rows = cases.values_list("pk", "account_id", "opened_at", "priority_id")
        tallies.update(count_cases(rows, tenant=scope.tenant, zones={account.pk: zone}))
    return tallies


def account_sla_report(
    *, scope: Scope, account: Account, since: datetime, now: datetime | None = None
) -> list[AccountSlaRow]:
    """Rows by month (newest first) and priority (most urgent first), for cases opened since
    `since`. A target met after its deadline counts as missed; a running one as neither."""
    zone = ZoneInfo(account.time_zone)
    first, today = since.astimezone(zone).date(), (now or timezone.now()).astimezone(zone).date()
    live = {day for day in _marked_days(scope, account, zone) if first <= day <= today} | {today}
    priorities = {p.pk: (p.name, p.rank) for p in priority_list(tenant=scope.tenant)}
    rows: dict[tuple[date, int], AccountSlaRow] = {}

    def row_of(day: date, priority_id: int) -> AccountSlaRow:
        month = day.replace(day=1)
        name, rank = priorities[priority_id]
        if (month, rank) not in rows:
            rows[(month, rank)] = AccountSlaRow(datetime(month.year, month.month, 1, tzinfo=zone), name, rank)
        return rows[(month, rank)]

    for month, priority_id, metric, opened, met, missed, running, minutes in _rolled_up(
        scope, account, first, today, live
    ):
        row = row_of(month, priority_id)
        if metric == Metric.FIRST_RESPONSE:  # `opened` is on each metric's row of the day
            row.opened += opened
        row.metrics.setdefault(metric, MetricFigures()).add(MetricTally(met, missed, running, minutes))
    tally: DayTally
    for (_, day, priority_id), tally in _counted_live(scope, account, live, zone).items():
        row = row_of(day, priority_id)
        row.opened += tally.opened
        for metric, figures in tally.metrics.items():
            row.metrics.setdefault(metric, MetricFigures()).add(figures)
    return sorted(rows.values(), key=lambda row: (-row.month.timestamp(), row.rank))


def duration_words(value: timedelta | None) -> str:
    """ "3 d 4 h", "2 h 05 min", "12 min", or "—"."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def report_as_json(rows: list[AccountSlaRow]) -> list[dict[str, object]]:
    def figures(f: MetricFigures) -> dict[str, object]:
        seconds = f.median.total_seconds() if f.median is not None else None
        return {"met": f.met, "missed": f.missed, "running": f.running, "median_seconds": seconds}

    return [
        {
            "month": row.month.strftime("%Y-%m"),
            "priority": row.priority,
            "opened": row.opened,
            "first_response": figures(row.first_response),
            "resolution": figures(row.resolution),
        }
        for row in rows
    ]
