"""The customer SLA report: one account's attainment by month and priority (cases opened, targets
met and missed, median times), for the account's merchants, partners linked to it, and staff.

Reads go through the request's scope, so a merchant can only ever name its own account."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from helpdesk.errors import ValidationFailed
from helpdesk.models import Account
from helpdesk.selectors import account_list
from helpdesk.tenancy import Scope
from sla.models import Metric, SlaClock
from tickets.models import Case


@dataclass
class MetricFigures:
    met: int = 0
    missed: int = 0
    running: int = 0
    times: list[timedelta] = field(default_factory=list)  # opening to met, for clocks that were met

    @property
    def median(self) -> timedelta | None:
        return timedelta(seconds=median(t.total_seconds() for t in self.times)) if self.times else None

    @property
    def median_words(self) -> str:
        return duration_words(self.median)


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


def _month(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def account_sla_report(*, scope: Scope, account: Account, since: datetime) -> list[AccountSlaRow]:
    """Rows by month (newest first) and priority (most urgent first), for cases opened since
    `since`. A target met after its deadline counts as missed; a running one as neither."""
    zone = ZoneInfo(account.time_zone)
    cases = (
        Case.objects.for_scope(scope)
        .filter(account=account, opened_at__gte=since)
        .values_list("pk", "opened_at", "priority__name", "priority__rank")
    )
    rows: dict[tuple[datetime, int], AccountSlaRow] = {}
    row_of_case: dict[int, AccountSlaRow] = {}
    for pk, opened_at, priority, rank in cases:
        key = (_month(opened_at, zone), rank)
        row = rows.setdefault(key, AccountSlaRow(month=key[0], priority=priority, rank=rank))
        row.opened += 1
        row_of_case[pk] = row
    clocks = SlaClock.objects.for_tenant(scope.tenant).filter(case_id__in=list(row_of_case))
    for case_id, metric, started_at, met_at, breached_at in clocks.values_list(
        "case_id", "metric", "started_at", "met_at", "breached_at"
    ):
        figures = row_of_case[case_id].metrics[metric]
        if breached_at is not None:
            figures.missed += 1
        elif met_at is not None:
            figures.met += 1
        else:
            figures.running += 1
        if met_at is not None:
            figures.times.append(met_at - started_at)
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
