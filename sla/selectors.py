"""Reads of SLA data: calendars, the current policy version, targets, quotes, and compliance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from helpdesk.errors import ValidationFailed
from helpdesk.models import Tenant
from sla.business_time.deadlines import read_in_zone
from sla.business_time.why import explain as explain_sentence
from sla.calendar_cache import clock_measure, load_calendar, target_commitment
from sla.models import Calendar, CasePause, Metric, SlaClock, SlaPolicy, SlaTarget

if TYPE_CHECKING:
    from tickets.models import Case, Plan, Priority

TWENTY_FOUR_SEVEN = "24x7"


def policy_current(*, tenant: Tenant) -> SlaPolicy | None:
    return SlaPolicy.objects.for_tenant(tenant).order_by("-version").first()


def policy_targets(*, tenant: Tenant, policy: SlaPolicy) -> QuerySet[SlaTarget]:
    return (
        SlaTarget.objects.for_tenant(tenant)
        .filter(policy=policy)
        .select_related("plan", "priority", "calendar")
        .order_by("metric", "priority__rank", "plan__rank")
    )


class TargetCell(Protocol):
    """A cell of the targets grid: a target for one metric, priority and plan."""

    @property
    def metric(self) -> str: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def plan(self) -> Plan: ...
    @property
    def amount(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def calendar(self) -> Calendar | None: ...


@dataclass(frozen=True)
class Quote:
    metric: str
    amount: int
    unit: str
    calendar: str
    due: datetime

    def as_json(self) -> dict:
        return {"amount": self.amount, "unit": self.unit, "calendar": self.calendar, "due": self.due.isoformat()}


def target_due(*, tenant: Tenant, target: SlaTarget, opened_at: datetime) -> Quote:
    """The due instant of one target for a case opened at `opened_at`: what its clock would store."""
    due = target_commitment(target=target, started_at=opened_at, zone_name=tenant.time_zone).due_at
    name = target.calendar.name if target.calendar is not None else TWENTY_FOUR_SEVEN
    return Quote(metric=target.metric, amount=target.amount, unit=target.unit, calendar=name, due=due)


def targets_preview(*, tenant: Tenant, targets: Iterable[TargetCell], opened_at: datetime) -> dict[str, datetime]:
    """Due instants per cell of the targets grid ("metric-priority-plan") for a case opened at
    `opened_at`, computed as the clocks of a case opened then would be (nothing is saved)."""
    return {
        f"{t.metric}-{t.priority.pk}-{t.plan.pk}": target_commitment(
            target=t, started_at=opened_at, zone_name=tenant.time_zone
        ).due_at
        for t in targets
    }


def opening_instant(text: str, *, tenant: Tenant) -> datetime:
    """The instant an `opened_at` of a quote means: ISO 8601, a time without an offset read in
    the tenant's zone (see `read_in_zone` for the times a DST change skips or repeats)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"opened_at “{text}” is not an ISO 8601 time such as 2026-11-24T14:00:00+11:00.",
            errors={"opened_at": ["Invalid time."]},
        ) from None
    if not 1900 <= moment.year <= 9000:
        raise ValidationFailed(
            "opened_at must lie between the years 1900 and 9000.", errors={"opened_at": ["Out of range."]}
        )
    return read_in_zone(moment, ZoneInfo(tenant.time_zone))


def sla_quote(
    *, tenant: Tenant, plan: Plan, priority: Priority, opened_at: datetime, policy: SlaPolicy | None = None
) -> dict[str, Quote | None]:
    """The committed times for a case of this plan and priority opened at `opened_at`.

    Each metric maps to a Quote, or None when the policy sets no explicit target.
    """
    policy = policy or policy_current(tenant=tenant)
    quotes: dict[str, Quote | None] = {metric: None for metric in Metric.values}
    if policy is None:
        return quotes
    targets = policy_targets(tenant=tenant, policy=policy).filter(plan=plan, priority=priority)
    for target in targets:
        quotes[target.metric] = target_due(tenant=tenant, target=target, opened_at=opened_at)
    return quotes


def quote_as_json(quotes: dict[str, Quote | None]) -> dict[str, dict | None]:
    return {metric: (quote.as_json() if quote else None) for metric, quote in quotes.items()}


# -- case clocks and their explanation ---------------------------------------------------------


def case_clocks(*, tenant: Tenant, case: Case) -> list[SlaClock]:
    return list(SlaClock.objects.for_tenant(tenant).filter(case=case).select_related("calendar").order_by("metric"))


@dataclass(frozen=True)
class Explanation:
    """Why a deadline is where it is: everything between the opening and the due instant."""

    metric: str
    calendar: str
    time_zone: str
    amount: int
    unit: str
    opened_at: datetime
    counting_from: datetime
    pauses: list[tuple[datetime, datetime | None, str]]
    holidays: list[tuple[date, str]]
    closed_periods: list[tuple[datetime, datetime]]
    due_at: datetime | None
    at_risk_at: datetime | None
    state: str
    sentence: str = ""  # the worked arithmetic (sla.business_time.why)


def clock_explain(*, tenant: Tenant, clock: SlaClock) -> Explanation:
    """The calendar, target, opening time, pauses, holidays and closed periods skipped, and the
    resulting instant of one clock (closed periods and holidays up to the deadline, or to now
    while paused)."""
    measure = clock_measure(clock=clock, zone_name=tenant.time_zone)
    zone = measure.zone
    pauses = [
        (p.started_at.astimezone(zone), p.ended_at.astimezone(zone) if p.ended_at else None, p.get_reason_display())
        for p in CasePause.objects.for_tenant(tenant).filter(case_id=clock.case_id).order_by("started_at")
    ]
    if clock.metric != Metric.RESOLUTION:
        pauses = []
    end = clock.due_at or clock.met_at or (pauses[-1][0] if pauses else clock.started_at)
    holidays: list[tuple[date, str]] = []
    closed: list[tuple[datetime, datetime]] = []
    names: dict[date, str] = {}
    if measure.calendar is not None and clock.calendar is not None:
        loaded = load_calendar(clock.calendar)
        names = dict(loaded.holiday_names)
        first, last = clock.started_at.astimezone(zone).date(), end.astimezone(zone).date()
        holidays = sorted(
            (d, n) for d, n in loaded.holiday_names.items() if first <= d <= last and loaded.business.is_holiday(d)
        )
        periods = measure.calendar.open_periods(clock.started_at, end)
        cursor = clock.started_at.astimezone(zone)
        for start, stop in periods:
            if start > cursor:
                closed.append((cursor, start))
            cursor = stop
    return Explanation(
        metric=clock.metric,
        calendar=clock.calendar.name if clock.calendar is not None else TWENTY_FOUR_SEVEN,
        time_zone=str(zone),
        amount=clock.amount,
        unit=clock.unit,
        opened_at=clock.started_at.astimezone(zone),
        counting_from=measure.start(clock.started_at),
        pauses=pauses,
        holidays=holidays,
        closed_periods=closed,
        due_at=clock.due_at.astimezone(zone) if clock.due_at else None,
        at_risk_at=clock.at_risk_at.astimezone(zone) if clock.at_risk_at else None,
        state=clock.state,
        sentence=explain_sentence(
            measure=measure,
            started_at=clock.started_at,
            due_at=clock.due_at,
            amount=clock.amount,
            unit=clock.unit,
            pauses=pauses,
            holiday_names=names,
        ),
    )


# -- compliance ----------------------------------------------------------------------------------

COMPLIANCE_MONTHS = 12
COMPLIANCE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ComplianceRow:
    """One group of clocks of one metric: how many there were, met on time, breached, running."""

    label: str
    metric: str
    clocks: int
    met: int
    breached: int
    # The group as case-list filters: the metric's key and {"priority": id}, {"plan": id} or
    # {"month": the month's first local day}, so each figure opens the cases it counts.
    group: tuple[tuple[str, object], ...] = ()

    @property
    def running(self) -> int:
        return self.clocks - self.met - self.breached

    @property
    def compliance(self) -> float | None:
        """Met on time as a share of the clocks that are decided (met or breached), in percent."""
        decided = self.met + self.breached
        return round(100 * self.met / decided, 1) if decided else None


def sla_compliance(*, tenant: Tenant, since: datetime, until: datetime | None = None) -> dict[str, list[ComplianceRow]]:
    """SLA compliance of the clocks started in [since, until), by month (in the tenant's zone),
    priority and plan, each per metric. A target met after its breach counts as breached.

    One grouped query over the clocks (month × priority × plan × metric, a few hundred rows at
    most); the three tables are sums of its rows."""
    clocks = SlaClock.objects.for_tenant(tenant).filter(started_at__gte=since)
    if until is not None:
        clocks = clocks.filter(started_at__lt=until)
    rows = (
        clocks.annotate(month=TruncMonth("started_at", tzinfo=ZoneInfo(tenant.time_zone)))
        .values(
            "month",
            "case__priority__rank",
            "case__priority__name",
            "case__priority_id",
            "case__plan__name",
            "case__plan_id",
            "metric",
        )
        .annotate(
            n=Count("pk"),
            met=Count("pk", filter=Q(met_at__isnull=False, breached_at__isnull=True)),
            breached=Count("pk", filter=Q(breached_at__isnull=False)),
        )
        .order_by()
    )
    groups = {
        "month": lambda row: (row["month"], row["month"].strftime("%B %Y"), ("month", row["month"].date())),
        "priority": lambda row: (
            row["case__priority__rank"],
            row["case__priority__name"],
            ("priority", row["case__priority_id"]),
        ),
        "plan": lambda row: (row["case__plan__name"], row["case__plan__name"], ("plan", row["case__plan_id"])),
    }
    sums: dict[str, dict[tuple, list[int]]] = {title: {} for title in groups}
    for row in rows:
        for title, key in groups.items():
            (order, label, group), metric = key(row), row["metric"]
            total = sums[title].setdefault((order, label, metric, group), [0, 0, 0])
            total[0], total[1], total[2] = total[0] + row["n"], total[1] + row["met"], total[2] + row["breached"]
    return {
        title: [
            ComplianceRow(label, Metric(metric).label, counts[0], counts[1], counts[2], (("metric", metric), group))
            for (_, label, metric, group), counts in sorted(totals.items(), key=lambda item: item[0][:3])
        ]
        for title, totals in sums.items()
    }
