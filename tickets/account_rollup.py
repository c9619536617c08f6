"""The customer SLA report's daily roll-ups (tickets.models.DailyAccountSla): counting an
account's cases and clocks over a stretch of time, recounting whole days into rows, and the marks
(`Case.rollup_stale`) that say which cases changed since their day was counted.

Times to meet a target are kept as a histogram of minutes (opening to met, wall-clock, seconds
dropped): every minute below 128 is its own bucket; from 128 minutes on, a bucket keeps the
minutes' top 7 binary digits (128–255 in steps of 2, 256–511 in steps of 4, …, each bucket 1/64 to
1/128 of its value wide), and stands for the middle of its minutes. A median read from the
buckets is exact to the minute below 128 minutes and within 0.8% above (see `bucket_middle`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from helpdesk.models import Account, Tenant
from sla.models import Metric, SlaClock
from tickets.models import Case, DailyAccountSla

EXACT_MINUTES = 128  # below this every minute is a bucket; above, 64 buckets per doubling


def minutes_bucket(minutes: int) -> int:
    """The bucket of a number of minutes: its lowest value."""
    if minutes < EXACT_MINUTES:
        return max(0, minutes)
    shift = minutes.bit_length() - 7
    return (minutes >> shift) << shift


def bucket_middle(bucket: int) -> float:
    """The minutes a bucket stands for: the mean of the whole minutes it holds. A bucket from 128
    on holds 2**k minutes starting at its lowest value (>= 64 * 2**k), so its middle is at most
    half a width, under 1/128 of the value, from any minute in it."""
    if bucket < EXACT_MINUTES:
        return float(bucket)
    width = 1 << (bucket.bit_length() - 7)
    return bucket + (width - 1) / 2


def histogram_median(histogram: Counter[int]) -> float | None:
    """The median minutes of {bucket: clocks}, each bucket at its middle; the mean of the middle
    two when the count is even; None for no clocks."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[float] = []
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        while wanted and wanted[0] < seen:
            found.append(bucket_middle(bucket))
            wanted.pop(0)
    return sum(found) / 2


@dataclass
class MetricTally:
    met: int = 0
    missed: int = 0
    running: int = 0
    minutes: Counter[int] = field(default_factory=Counter)

    def add(self, other: MetricTally) -> None:
        self.met += other.met
        self.missed += other.missed
        self.running += other.running
        self.minutes.update(other.minutes)


@dataclass
class DayTally:
    """The cases of one account, local day and priority, and their clocks by metric."""

    opened: int = 0
    metrics: dict[str, MetricTally] = field(default_factory=lambda: {m: MetricTally() for m in Metric.values})


Key = tuple[int, date, int]  # account id, local day of opening, priority id


def count_cases(
    cases: Iterable[tuple[int, int, datetime, int]], *, tenant: Tenant, zones: dict[int, ZoneInfo]
) -> dict[Key, DayTally]:
    """Tally (case id, account id, opened_at, priority id) rows and their clocks by account, local
    day and priority. A clock breached counts as missed (met late too), met otherwise as met, else
    as running; every met clock's minutes to met go into the histogram."""
    tallies: dict[Key, DayTally] = defaultdict(DayTally)
    key_of_case: dict[int, Key] = {}
    for pk, account_id, opened_at, priority_id in cases:
        key = (account_id, opened_at.astimezone(zones[account_id]).date(), priority_id)
        tallies[key].opened += 1
        key_of_case[pk] = key
    clocks = SlaClock.objects.for_tenant(tenant).filter(case_id__in=list(key_of_case))
    rows = clocks.order_by().values_list("case_id", "metric", "started_at", "met_at", "breached_at")
    for case_id, metric, started_at, met_at, breached_at in rows.iterator(chunk_size=5000):
        figures = tallies[key_of_case[case_id]].metrics.setdefault(metric, MetricTally())
        if breached_at is not None:
            figures.missed += 1
        elif met_at is not None:
            figures.met += 1
        else:
            figures.running += 1
        if met_at is not None:
            figures.minutes[minutes_bucket(int((met_at - started_at).total_seconds() // 60))] += 1
    return tallies


def day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of a local calendar day (23 or 25 hours across a DST change)."""
    return datetime.combine(day, time(), zone), datetime.combine(day + timedelta(days=1), time(), zone)


def _zones(accounts: Iterable[Account]) -> dict[int, ZoneInfo]:
    return {account.pk: ZoneInfo(account.time_zone) for account in accounts}


@transaction.atomic
def rollup_account_days(*, tenant: Tenant, accounts: list[Account], days: Iterable[date]) -> None:
    """Recount these local days (each in its account's zone) of these accounts, replacing their
    rows: a pure function of the cases and clocks, so recounting is idempotent."""
    zones = _zones(accounts)
    for zone_name in {account.time_zone for account in accounts}:
        ids = [account.pk for account in accounts if account.time_zone == zone_name]
        for day in sorted(set(days)):
            start, end = day_window(day, ZoneInfo(zone_name))
            cases = Case.objects.for_tenant(tenant).filter(account_id__in=ids, opened_at__gte=start, opened_at__lt=end)
            tallies = count_cases(
                cases.values_list("pk", "account_id", "opened_at", "priority_id"), tenant=tenant, zones=zones
            )
            DailyAccountSla.objects.for_tenant(tenant).filter(account_id__in=ids, day=day).delete()
            DailyAccountSla.objects.bulk_create(_rows(tenant, tallies))


def _rows(tenant: Tenant, tallies: dict[Key, DayTally]) -> Iterable[DailyAccountSla]:
    for (account_id, day, priority_id), tally in tallies.items():
        for metric, figures in tally.metrics.items():
            yield DailyAccountSla(
                tenant=tenant,
                account_id=account_id,
                day=day,
                priority_id=priority_id,
                metric=metric,
                opened=tally.opened,
                met=figures.met,
                missed=figures.missed,
                running=figures.running,
                minutes={str(bucket): n for bucket, n in sorted(figures.minutes.items())},
            )


def account_rollup_recent(*, tenant: Tenant, now: datetime, days: int = 2) -> None:
    """Recount the last `days` local days, today included, of every account of the tenant."""
    accounts = list(Account.objects.for_tenant(tenant).only("pk", "time_zone"))
    for zone_name in {account.time_zone for account in accounts}:
        today = now.astimezone(ZoneInfo(zone_name)).date()
        group = [account for account in accounts if account.time_zone == zone_name]
        for back in range(days):
            rollup_account_days(tenant=tenant, accounts=group, days=[today - timedelta(days=back)])


def account_sla_mark(case: Case) -> None:
    """Note that the case's day needs recounting: `Case.rollup_stale`, written by the caller's one
    save of the case (`save_case`), so in the change's own transaction and at no extra query."""
    case.rollup_stale = True


CLEAR_CHUNK = 100  # an OR of (id, version) pairs per UPDATE; SQLite caps expression depth at 1000


def rollup_marked(*, tenant: Tenant) -> int:
    """Recount the days of the tenant's cases marked stale, then clear the marks of the cases not
    changed since they were read (same version): a case changed meanwhile stays marked for the
    next run. Returns the marks cleared."""
    stale = Case.objects.for_tenant(tenant).filter(rollup_stale=True)
    marks = list(stale.values_list("pk", "version", "account_id", "opened_at"))
    if not marks:
        return 0
    accounts = {a.pk: a for a in Account.objects.for_tenant(tenant).filter(pk__in={m[2] for m in marks})}
    days: dict[int, set[date]] = defaultdict(set)
    for _, _, account_id, opened_at in marks:
        days[account_id].add(opened_at.astimezone(ZoneInfo(accounts[account_id].time_zone)).date())
    for account_id, marked in days.items():
        rollup_account_days(tenant=tenant, accounts=[accounts[account_id]], days=marked)
    cleared = 0
    for begin in range(0, len(marks), CLEAR_CHUNK):
        seen = Q()
        for pk, version, _, _ in marks[begin : begin + CLEAR_CHUNK]:
            seen |= Q(pk=pk, version=version)
        cleared += stale.filter(seen).update(rollup_stale=False)
    return cleared
