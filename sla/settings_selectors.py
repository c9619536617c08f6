"""Reads for the SLA settings pages: calendars with their upcoming holidays, the targets draft,
published versions, the diff of two sets of targets, and a preview of due times with the worked
"why". Every read takes the request's scope; another tenant's object answers as a missing one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet

from helpdesk.errors import NotFound
from helpdesk.tenancy import Scope
from sla.business_time.explain import explain
from sla.calendar_cache import load_calendar, target_commitment
from sla.models import Calendar, CalendarHoliday, CalendarOverride, Metric, SlaDraft, SlaPolicy, SlaTarget, Unit
from sla.selectors import TWENTY_FOUR_SEVEN, TargetCell, policy_current, policy_targets

UPCOMING_DAYS = 366


def calendar_list(*, scope: Scope) -> QuerySet[Calendar]:
    return Calendar.objects.for_tenant(scope.tenant).annotate(
        holiday_count=Count("holidays", distinct=True), override_count=Count("overrides", distinct=True)
    )


def calendar_get(*, scope: Scope, pk: int) -> Calendar:
    calendar = Calendar.objects.for_tenant(scope.tenant).filter(pk=pk).first()
    if calendar is None:
        raise NotFound("No such calendar.")
    return calendar


def calendar_holidays(*, scope: Scope, calendar: Calendar) -> QuerySet[CalendarHoliday]:
    return CalendarHoliday.objects.for_tenant(scope.tenant).filter(calendar=calendar).order_by("date")


def calendar_overrides(*, scope: Scope, calendar: Calendar) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.for_tenant(scope.tenant).filter(calendar=calendar).order_by("date")


@dataclass(frozen=True)
class UpcomingHoliday:
    day: date
    name: str
    open_by_override: bool  # a date override opens the calendar on this holiday


def upcoming_holidays(*, calendar: Calendar, today: date) -> list[UpcomingHoliday]:
    """The calendar's public and explicit holidays of the next twelve months."""
    loaded = load_calendar(calendar)
    last = today + timedelta(days=UPCOMING_DAYS)
    return [
        UpcomingHoliday(day, name, not loaded.business.is_holiday(day))
        for day, name in sorted(loaded.holiday_names.items())
        if today <= day <= last
    ]


def draft_get(*, scope: Scope) -> SlaDraft | None:
    return SlaDraft.objects.for_tenant(scope.tenant).select_related("updated_by", "based_on").first()


def policy_versions(*, scope: Scope) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.for_tenant(scope.tenant).select_related("created_by").order_by("-version")


def policy_get(*, scope: Scope, pk: int) -> SlaPolicy:
    policy = policy_versions(scope=scope).filter(pk=pk).first()
    if policy is None:
        raise NotFound("No such SLA policy version.")
    return policy


def policy_previous(*, scope: Scope, policy: SlaPolicy) -> SlaPolicy | None:
    return policy_versions(scope=scope).filter(version__lt=policy.version).first()


def published_targets(*, scope: Scope, policy: SlaPolicy | None = None) -> list[SlaTarget]:
    policy = policy or policy_current(tenant=scope.tenant)
    return list(policy_targets(tenant=scope.tenant, policy=policy)) if policy else []


def target_text(target: TargetCell | None) -> str:
    """A target as the admin reads it: "2 business hours on business", or "no target"."""
    if target is None:
        return "no target"
    unit = Unit(target.unit).label
    text = f"{target.amount} {unit.removesuffix('s') if target.amount == 1 else unit}"
    return f"{text} on {target.calendar.name}" if target.calendar is not None else text


def cell_label(target: TargetCell) -> str:
    """E.g. "First response, Gold, Critical" (metric, plan, priority), as the grid labels cells."""
    return f"{Metric(target.metric).label}, {target.plan.name}, {target.priority.name}"


@dataclass(frozen=True)
class TargetChange:
    label: str
    before: str
    after: str
    order: tuple[int, int, int]


def targets_diff(before: Iterable[TargetCell], after: Iterable[TargetCell]) -> list[TargetChange]:
    """The cells whose target differs between two sets of targets, in grid order (metric,
    priority, plan), each as old -> new text."""
    old = {(t.metric, t.priority.pk, t.plan.pk): t for t in before}
    new = {(t.metric, t.priority.pk, t.plan.pk): t for t in after}
    metrics = list(Metric.values)
    changes = []
    for key in old.keys() | new.keys():
        was, now = old.get(key), new.get(key)
        if target_text(was) == target_text(now):
            continue
        shown = now or was
        assert shown is not None  # nosec B101  # a type narrowing: the key came from one of them
        order = (metrics.index(shown.metric), shown.priority.rank, shown.plan.rank)
        changes.append(TargetChange(cell_label(shown), target_text(was), target_text(now), order))
    return sorted(changes, key=lambda c: c.order)


@dataclass(frozen=True)
class PreviewCell:
    due: datetime
    why: list[str]


def preview_explained(*, scope: Scope, targets: Iterable[TargetCell], opened_at: datetime) -> dict[str, PreviewCell]:
    """Due instant and the worked "why" per grid cell ("metric-priority-plan") for a case opened
    at `opened_at`: the deadline its clock would store (nothing is saved)."""
    found = {}
    for t in targets:
        commitment = target_commitment(target=t, started_at=opened_at, zone_name=scope.tenant.time_zone)
        loaded = load_calendar(t.calendar) if Unit.is_business(t.unit) and t.calendar is not None else None
        why = explain(
            opened_at=opened_at,
            due_at=commitment.due_at,
            target=target_text(t).split(" on ")[0],
            zone=commitment.measure.zone,
            calendar=loaded.business if loaded else None,
            calendar_name=t.calendar.name if t.calendar is not None and loaded else TWENTY_FOUR_SEVEN,
            holiday_names=loaded.holiday_names if loaded else None,
        )
        found[f"{t.metric}-{t.priority.pk}-{t.plan.pk}"] = PreviewCell(commitment.due_at, why)
    return found


def calendar_targets(*, scope: Scope, calendar: Calendar) -> list[SlaTarget]:
    """The current version's targets counted on this calendar, in grid order."""
    return [t for t in published_targets(scope=scope) if t.calendar_id == calendar.pk and Unit.is_business(t.unit)]
