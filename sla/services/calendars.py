"""Writes of SLA data: calendars, policy versions, and applying presets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.models import Tenant, User
from sla.business_time import InvalidCalendar
from sla.calendars import build_calendar
from sla.models import Calendar, CalendarHoliday, CalendarOverride, MetBy, Metric, SlaPolicy, SlaTarget, Unit
from sla.presets import Preset
from sla.selectors import policy_current, policy_targets
from tickets.models import Plan, Priority


def _check_calendar(**parts: object) -> None:
    try:
        build_calendar(name="check", **parts)  # type: ignore[arg-type]
    except InvalidCalendar as error:
        raise ValidationFailed(str(error), errors={"calendar": [str(error)]}) from None


@transaction.atomic
def calendar_save(
    *,
    tenant: Tenant,
    name: str,
    time_zone: str,
    hours: dict,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    calendar: Calendar | None = None,
) -> Calendar:
    """Create or change a calendar; refuses hours or holiday settings that do not make a calendar."""
    _check_calendar(
        time_zone=time_zone, hours=hours, holiday_country=holiday_country, holiday_subdivision=holiday_subdivision
    )
    if calendar is None:
        if Calendar.objects.for_tenant(tenant).filter(name=name).exists():
            raise ValidationFailed(f"A calendar “{name}” exists already.", errors={"name": ["Already in use."]})
        calendar = Calendar(tenant=tenant)
    calendar.name, calendar.time_zone, calendar.hours = name, time_zone, hours
    calendar.holiday_country, calendar.holiday_subdivision = holiday_country.upper(), holiday_subdivision.upper()
    if calendar.pk:
        calendar.save(
            update_fields=["name", "time_zone", "hours", "holiday_country", "holiday_subdivision"],
        )
        calendar_touch(calendar=calendar)
    else:
        calendar.save()
    return calendar


def calendar_touch(*, calendar: Calendar) -> None:
    """Mark a calendar changed so that loaders rebuild it (after hours, holiday or override edits)."""
    Calendar.objects.filter(pk=calendar.pk).update(revision=F("revision") + 1, updated_at=timezone.now())
    calendar.refresh_from_db(fields=["revision", "updated_at"])


@transaction.atomic
def calendar_holiday_add(*, calendar: Calendar, day: date, name: str = "") -> CalendarHoliday:
    holiday, _ = CalendarHoliday.objects.update_or_create(
        tenant_id=calendar.tenant_id, calendar=calendar, date=day, defaults={"name": name}
    )
    calendar_touch(calendar=calendar)
    return holiday


@transaction.atomic
def calendar_override_set(*, calendar: Calendar, day: date, intervals: list, note: str = "") -> CalendarOverride:
    _check_calendar(time_zone=calendar.time_zone, hours=calendar.hours, overrides={day: intervals})
    override, _ = CalendarOverride.objects.update_or_create(
        tenant_id=calendar.tenant_id, calendar=calendar, date=day, defaults={"intervals": intervals, "note": note}
    )
    calendar_touch(calendar=calendar)
    return override


@dataclass(frozen=True)
class TargetInput:
    plan: Plan
    priority: Priority
    metric: str
    amount: int
    unit: str
    calendar: Calendar | None = None


def _validate_targets(tenant: Tenant, targets: list[TargetInput]) -> None:
    errors: list[str] = []
    seen: set[tuple[int, int, str]] = set()
    for t in targets:
        cell = f"{t.plan.name} / {t.priority.name} / {t.metric}"
        key = (t.plan.pk, t.priority.pk, t.metric)
        if key in seen:
            errors.append(f"{cell}: given twice.")
        seen.add(key)
        if {t.plan.tenant_id, t.priority.tenant_id, (t.calendar or t.plan).tenant_id} != {tenant.pk}:
            errors.append(f"{cell}: plan, priority and calendar must belong to this tenant.")
        if t.metric not in Metric.values:
            errors.append(f"{cell}: unknown metric.")
        if t.unit not in Unit.values:
            errors.append(f"{cell}: unknown unit “{t.unit}”.")
        if not isinstance(t.amount, int) or t.amount < 1:
            errors.append(f"{cell}: the amount must be a whole number of at least 1.")
        if Unit.is_business(t.unit) and t.calendar is None:
            errors.append(f"{cell}: a target in {t.unit.replace('_', ' ')} needs a business calendar.")
    if errors:
        raise ValidationFailed("The SLA targets are not valid: " + " ".join(errors), errors={"targets": errors})


def _same_policy(policy: SlaPolicy, targets: list[TargetInput], met_by: str, at_risk_share: Decimal) -> bool:
    if policy.first_response_met_by != met_by or policy.at_risk_share != at_risk_share:
        return False
    stored = {
        (t.plan_id, t.priority_id, t.metric, t.amount, t.unit, t.calendar_id)
        for t in policy_targets(tenant=policy.tenant, policy=policy)
    }
    wanted = {(t.plan.pk, t.priority.pk, t.metric, t.amount, t.unit, t.calendar and t.calendar.pk) for t in targets}
    return stored == wanted


@transaction.atomic
def policy_publish(
    *,
    tenant: Tenant,
    targets: Iterable[TargetInput],
    first_response_met_by: str = MetBy.REPLY,
    at_risk_share: Decimal | None = None,
    note: str = "",
    actor: User | None = None,
) -> SlaPolicy:
    """Make a new policy version with exactly these targets; earlier versions stay as they were.

    Publishing the same targets and rules as the current version changes nothing.
    """
    targets = list(targets)
    _validate_targets(tenant, targets)
    if first_response_met_by not in MetBy.values:
        raise ValidationFailed("Unknown first-response rule.", errors={"first_response_met_by": ["Unknown."]})
    share = Decimal(at_risk_share if at_risk_share is not None else tenant.at_risk_share).quantize(Decimal("0.01"))
    if not Decimal("0") < share < Decimal("1"):
        raise ValidationFailed("The at-risk share must lie between 0 and 1.", errors={"at_risk_share": ["0 < x < 1"]})
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # one publisher at a time per tenant
    current = policy_current(tenant=tenant)
    if current is not None and _same_policy(current, targets, first_response_met_by, share):
        return current
    policy = SlaPolicy.objects.create(
        tenant=tenant,
        version=(current.version + 1) if current else 1,
        first_response_met_by=first_response_met_by,
        at_risk_share=share,
        note=note,
        created_by=actor,
    )
    SlaTarget.objects.bulk_create(
        SlaTarget(
            tenant=tenant,
            policy=policy,
            plan=t.plan,
            priority=t.priority,
            metric=t.metric,
            amount=t.amount,
            unit=t.unit,
            calendar=t.calendar,
        )
        for t in targets
    )
    return policy


@transaction.atomic
def preset_apply(*, tenant: Tenant, preset: Preset, actor: User | None = None) -> SlaPolicy:
    """Give a tenant the preset's plans, priorities, calendars and SLA targets.

    Idempotent: rows that exist already (matched by name) are updated only where they differ, and
    a policy version is published only when the targets differ from the current version.
    """
    plans = {
        name: Plan.objects.for_tenant(tenant).update_or_create(tenant=tenant, name=name, defaults={"rank": rank})[0]
        for rank, name in enumerate(preset.plans, start=1)
    }
    priorities = {}
    for rank, level in enumerate(preset.priorities, start=1):
        priorities[level.name], _ = Priority.objects.for_tenant(tenant).update_or_create(
            tenant=tenant,
            name=level.name,
            defaults={
                "rank": rank,
                "criteria": level.criteria,
                "must_phone": level.must_phone,
                "escalate_on_open": level.escalate_on_open,
            },
        )
    calendars = {}
    for spec in preset.calendars:
        existing = Calendar.objects.for_tenant(tenant).filter(name=spec.name).first()
        wanted = {
            "time_zone": spec.time_zone,
            "hours": {day: [list(pair) for pair in pairs] for day, pairs in spec.hours.items()},
            "holiday_country": spec.holiday_country,
            "holiday_subdivision": spec.holiday_subdivision,
        }
        if existing is None or any(getattr(existing, field) != value for field, value in wanted.items()):
            existing = calendar_save(tenant=tenant, name=spec.name, calendar=existing, **wanted)
        calendars[spec.name] = existing
    targets = [
        TargetInput(plans[plan], priorities[priority], metric, t.amount, t.unit, calendars[t.calendar])
        for metric, cells in ((Metric.FIRST_RESPONSE, preset.first_response), (Metric.RESOLUTION, preset.resolution))
        for (plan, priority), t in cells.items()
    ]
    return policy_publish(
        tenant=tenant,
        targets=targets,
        first_response_met_by=preset.first_response_met_by,
        note=f"Preset {preset.slug}",
        actor=actor,
    )
