"""Writes of SLA policies: publishing a version of targets, and the calendars and targets of a
preset. Plans and priorities belong to tickets: they are given, never looked up or made here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import Tenant, User
from helpdesk.services import setting_change_record
from sla.models import Calendar, MetBy, Metric, SlaDraft, SlaPolicy, SlaTarget, Unit
from sla.presets import Preset
from sla.selectors import policy_current, policy_targets
from sla.services.calendars import calendar_save
from sla.settings_selectors import targets_diff

if TYPE_CHECKING:
    from tickets.models import Plan, Priority


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
    draft: SlaDraft | None = None,
) -> SlaPolicy:
    """Make a new policy version with exactly these targets; earlier versions stay as they were
    (each case keeps the version it opened under). Records the cells that changed in the settings
    history and, when published from the targets page, removes that `draft`.

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
    if draft is not None:
        SlaDraft.objects.filter(pk=draft.pk, tenant=tenant).delete()
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
    _record(tenant, actor, policy, current, targets)
    return policy


def _rules(policy: SlaPolicy) -> dict[str, object]:
    return {
        "First response is met by": policy.get_first_response_met_by_display(),
        "At risk after": f"{policy.at_risk_share:.0%}",
    }


def _record(
    tenant: Tenant, actor: User | None, policy: SlaPolicy, current: SlaPolicy | None, targets: list[TargetInput]
) -> None:
    before_targets = list(policy_targets(tenant=tenant, policy=current)) if current else []
    changes = targets_diff(before_targets, targets)
    before = {**(_rules(current) if current else {}), **{c.label: c.before for c in changes}}
    after = {**_rules(policy), **{c.label: c.after for c in changes}}
    if policy.note:
        after["Note"] = policy.note
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="sla-targets",
        label=f"SLA policy v{policy.version}",
        before=before,
        after=after,
        action="published",
    )


@transaction.atomic
def preset_targets_apply(
    *,
    tenant: Tenant,
    preset: Preset,
    plans: Mapping[str, Plan],
    priorities: Mapping[str, Priority],
    actor: User | None = None,
) -> SlaPolicy:
    """Give a tenant the preset's calendars and SLA targets, for its plans and priorities by name
    (`tickets.services.preset_apply` makes those first).

    Idempotent: calendars that exist already (matched by name) are updated only where they
    differ, and a policy version is published only when the targets differ from the current one.
    """
    calendars = {}
    for spec in preset.calendars:
        existing = Calendar.objects.for_tenant(tenant).filter(name=spec.name).first()
        wanted: dict[str, Any] = {
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
