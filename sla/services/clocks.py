"""Case SLA clocks: start them at opening, pause and resume, meet, reopen, retarget.

Callers are the case services, inside their transaction and holding the case's row lock. Every
function stores the clocks' deadlines and the case's earliest deadline (`Case.sla_due_at`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min

from sla.calendar_cache import clock_measure, target_commitment
from sla.clock_maths import Pause, instant_after, share_of
from sla.models import CasePause, Metric, SlaClock, SlaTarget


def case_pauses(case) -> list[Pause]:
    rows = CasePause.objects.for_tenant(case.tenant).filter(case=case).order_by("started_at")
    return [(row.started_at, row.ended_at) for row in rows]


def _clocks(case) -> list[SlaClock]:
    return list(SlaClock.objects.for_tenant(case.tenant).filter(case=case).select_related("calendar"))


def _schedule(clock: SlaClock, *, zone_name: str, pauses: list[Pause]) -> None:
    """Store the clock's deadline and at-risk instant; both empty while a pause lasts."""
    measure = clock_measure(clock=clock, zone_name=zone_name)
    # Waiting on the customer, and resolved-awaiting-confirmation, stop only the resolution clock.
    applicable = pauses if clock.metric == Metric.RESOLUTION else []
    clock.due_at = instant_after(measure=measure, started_at=clock.started_at, length=clock.length, pauses=applicable)
    clock.at_risk_at = instant_after(
        measure=measure,
        started_at=clock.started_at,
        length=share_of(clock.length, clock.at_risk_share),
        pauses=applicable,
    )


def _refresh_case_due(case) -> None:
    earliest = (
        SlaClock.objects.for_tenant(case.tenant)
        .filter(case=case, met_at__isnull=True, due_at__isnull=False)
        .aggregate(earliest=Min("due_at"))["earliest"]
    )
    case.sla_due_at = earliest


def _new_clock(case, target: SlaTarget, at_risk_share) -> SlaClock:
    clock = SlaClock(
        tenant_id=case.tenant_id,
        case=case,
        metric=target.metric,
        amount=target.amount,
        unit=target.unit,
        calendar=target.calendar,
        started_at=case.opened_at,
        at_risk_share=at_risk_share,
    )
    _apply_target(clock, target, case.tenant.time_zone)
    return clock


def _apply_target(clock: SlaClock, target: SlaTarget, zone_name: str) -> None:
    clock.amount, clock.unit, clock.calendar = target.amount, target.unit, target.calendar
    clock.length = target_commitment(target=clock, started_at=clock.started_at, zone_name=zone_name).length


def _targets(case) -> dict[str, SlaTarget]:
    if case.sla_policy_id is None:
        return {}
    rows = SlaTarget.objects.for_tenant(case.tenant).filter(
        policy_id=case.sla_policy_id, plan_id=case.plan_id, priority_id=case.priority_id
    )
    return {row.metric: row for row in rows.select_related("calendar")}


def clocks_start(*, case) -> list[SlaClock]:
    """Create the clocks of a newly opened case from its locked policy version."""
    zone_name, pauses = case.tenant.time_zone, case_pauses(case)
    clocks = []
    for target in _targets(case).values():
        clock = _new_clock(case, target, case.sla_policy.at_risk_share)
        _schedule(clock, zone_name=zone_name, pauses=pauses)
        clock.save()
        clocks.append(clock)
    _refresh_case_due(case)
    return clocks


def clocks_recompute(*, case) -> None:
    """Store every clock's deadlines again (after a pause starts or ends)."""
    zone_name, pauses = case.tenant.time_zone, case_pauses(case)
    for clock in _clocks(case):
        _schedule(clock, zone_name=zone_name, pauses=pauses)
        clock.save(update_fields=["due_at", "at_risk_at"])
    _refresh_case_due(case)


def clocks_retarget(*, case, at: datetime) -> dict[str, tuple[str | None, str | None]]:
    """Apply the targets of the case's (new) priority: from the opening time, minus paused time.

    Returns {metric: (old due, new due)} as ISO strings for the event. A recorded breach or
    warning that no longer holds under the new deadline is cleared.
    """
    zone_name, pauses = case.tenant.time_zone, case_pauses(case)
    targets = _targets(case)
    changes: dict[str, tuple[str | None, str | None]] = {}
    existing = {clock.metric: clock for clock in _clocks(case)}
    for metric in Metric.values:
        clock, target = existing.get(metric), targets.get(metric)
        old_due = clock.due_at.isoformat() if clock and clock.due_at else None
        if target is None:
            if clock is not None:
                clock.delete()
                changes[metric] = (old_due, None)
            continue
        if clock is None:
            clock = _new_clock(case, target, case.sla_policy.at_risk_share)
        else:
            _apply_target(clock, target, zone_name)
        _schedule(clock, zone_name=zone_name, pauses=pauses)
        if clock.met_at is None and clock.breached_at and (clock.due_at is None or clock.due_at > at):
            clock.breached_at = None
        if clock.met_at is None and clock.warned_at and (clock.at_risk_at is None or clock.at_risk_at > at):
            clock.warned_at = None
        clock.save()
        changes[metric] = (old_due, clock.due_at.isoformat() if clock.due_at else None)
    _refresh_case_due(case)
    return changes


def clock_meet(*, case, metric: str, at: datetime) -> SlaClock | None:
    """Stop a clock as met at `at`; met after its deadline also records the breach."""
    clock = SlaClock.objects.for_tenant(case.tenant).filter(case=case, metric=metric).first()
    if clock is None or clock.met_at is not None:
        return None
    clock.met_at = at
    if clock.due_at is not None and at > clock.due_at and clock.breached_at is None:
        clock.breached_at = clock.due_at
    clock.save(update_fields=["met_at", "breached_at"])
    _refresh_case_due(case)
    return clock


def clock_reopen(*, case) -> None:
    """Run the resolution clock again after a reopening; the resolved stretch stays paused."""
    SlaClock.objects.for_tenant(case.tenant).filter(case=case, metric=Metric.RESOLUTION).update(met_at=None)
    clocks_recompute(case=case)


def pause_start(*, case, reason: str, at: datetime) -> CasePause:
    pause = CasePause.objects.create(tenant_id=case.tenant_id, case=case, reason=reason, started_at=at)
    clocks_recompute(case=case)
    return pause


def pause_end(*, case, at: datetime) -> CasePause | None:
    pause = CasePause.objects.for_tenant(case.tenant).filter(case=case, ended_at__isnull=True).first()
    if pause is None:
        return None
    pause.ended_at = max(at, pause.started_at)
    pause.save(update_fields=["ended_at"])
    clocks_recompute(case=case)
    return pause
