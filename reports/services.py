"""The daily roll-ups: recount one tenant's day from the clocks and surveys, replacing its rows.

A day's rows are a pure function of the source rows, so recounting is idempotent: two beat runs at
once, or a rerun after a failure, leave the same rows. Beat recounts today and yesterday every few
minutes (`reports.tasks`); `manage.py reports_rollup --days N` fills older days once."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from helpdesk.models import Tenant
from reports.models import DailySatisfaction, DailySlaTally
from reports.selectors import decided_clocks, pauses_of, satisfaction_counts
from sla.calendar_cache import clock_measure
from sla.clock_maths import Measure
from sla.models import Metric, SlaClock


def day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of a local calendar day (23 or 25 hours across a DST change)."""
    return datetime.combine(day, time(), zone), datetime.combine(day + timedelta(days=1), time(), zone)


@dataclass
class _Group:
    met: int = 0
    breached: int = 0
    minutes: Counter[int] = field(default_factory=Counter)


def minutes_taken(*, clock: SlaClock, measure: Measure, pauses: list[tuple[datetime, datetime | None]]) -> int:
    """The business (or, for calendar units, elapsed) minutes a met clock ran: its measure between
    start and meeting, less the pauses of a resolution clock in that stretch."""
    assert clock.met_at is not None  # nosec B101  # a type narrowing: only met clocks are passed
    taken = measure.between(clock.started_at, clock.met_at)
    if clock.metric == Metric.RESOLUTION:
        for began, ended in pauses:
            lo, hi = max(began, clock.started_at), min(ended or clock.met_at, clock.met_at)
            if hi > lo:
                taken -= measure.between(lo, hi)
    return max(0, int(taken.total_seconds() // 60))


def _sla_groups(tenant: Tenant, start: datetime, end: datetime) -> dict[tuple[int, int, str], _Group]:
    groups: dict[tuple[int, int, str], _Group] = defaultdict(_Group)
    clocks = decided_clocks(tenant=tenant, start=start, end=end)
    pauses = pauses_of(tenant=tenant, case_ids={c.case_id for c in clocks if c.metric == Metric.RESOLUTION})
    for clock in clocks:
        group = groups[(clock.case.priority_id, clock.case.plan_id, clock.metric)]
        if clock.breached_at is not None and start <= clock.breached_at < end:
            group.breached += 1
        if clock.met_at is not None and start <= clock.met_at < end:
            if clock.breached_at is None:
                group.met += 1
            measure = clock_measure(clock=clock, zone_name=tenant.time_zone)
            group.minutes[minutes_taken(clock=clock, measure=measure, pauses=pauses.get(clock.case_id, []))] += 1
    return groups


@transaction.atomic
def rollup_day(*, tenant: Tenant, day: date) -> None:
    """Recount `day` (in the tenant's zone) of one tenant: its SLA tallies and its surveys."""
    start, end = day_window(day, ZoneInfo(tenant.time_zone))
    groups = _sla_groups(tenant, start, end)
    DailySlaTally.objects.for_tenant(tenant).filter(day=day).delete()
    DailySlaTally.objects.bulk_create(
        DailySlaTally(
            tenant=tenant,
            day=day,
            priority_id=priority,
            plan_id=plan,
            metric=metric,
            met=group.met,
            breached=group.breached,
            minutes_taken={str(minutes): n for minutes, n in sorted(group.minutes.items())},
        )
        for (priority, plan, metric), group in groups.items()
    )
    counts = satisfaction_counts(tenant=tenant, start=start, end=end)
    DailySatisfaction.objects.for_tenant(tenant).update_or_create(tenant=tenant, day=day, defaults=counts)


def rollup_recent(*, tenant: Tenant, now: datetime, days: int = 2) -> list[date]:
    """Recount the last `days` local days of a tenant, today included; returns them."""
    today = now.astimezone(ZoneInfo(tenant.time_zone)).date()
    recounted = [today - timedelta(days=back) for back in range(days)]
    for day in recounted:
        rollup_day(tenant=tenant, day=day)
    return recounted
