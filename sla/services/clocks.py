"""Case SLA clocks: start them at opening, meet, pause and resume, reopen, retarget.

Callers are the case services, inside their transaction and holding the case's row lock. Each
function reads the case's clocks (and pauses) once, stores what changed, and returns the case's
new earliest deadline: the caller sets `Case.sla_due_at` and saves the case once, with its other
changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sla.business_time.clock_maths import Pause, instant_after, share_of
from sla.calendar_cache import clock_measure, target_commitment
from sla.models import CasePause, Metric, SlaClock, SlaPolicy, SlaTarget

if TYPE_CHECKING:
    from tickets.models import Case

_SCHEDULE_FIELDS = ("met_at", "breached_at", "warned_at", "due_at", "at_risk_at")


@dataclass
class ClockChange:
    """What a change did to a case's clocks: its new earliest deadline and the clocks met now."""

    due: datetime | None
    met: list[SlaClock] = field(default_factory=list)


def case_pauses(case: Case) -> list[Pause]:
    return [(row.started_at, row.ended_at) for row in _pauses(case)]


def _pauses(case: Case) -> list[CasePause]:
    return list(CasePause.objects.for_tenant(case.tenant).filter(case=case).order_by("started_at"))


def _clocks(case: Case) -> list[SlaClock]:
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


def earliest_due(clocks: Iterable[SlaClock]) -> datetime | None:
    """The case's next deadline: the earliest of its running clocks' deadlines."""
    return min((c.due_at for c in clocks if c.met_at is None and c.due_at is not None), default=None)


def _policy_of(case: Case) -> SlaPolicy:
    """The policy version a case's clocks follow (every case gets one when it opens)."""
    if case.sla_policy is None:
        raise ValueError(f"case {case.pk} has no SLA policy version")
    return case.sla_policy


def _new_clock(case: Case, target: SlaTarget, at_risk_share: Decimal) -> SlaClock:
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


def _targets(case: Case) -> dict[str, SlaTarget]:
    if case.sla_policy_id is None:
        return {}
    rows = SlaTarget.objects.for_tenant(case.tenant).filter(
        policy_id=case.sla_policy_id, plan_id=case.plan_id, priority_id=case.priority_id
    )
    return {row.metric: row for row in rows.select_related("calendar")}


def clocks_plan(*, case: Case, targets: Iterable[SlaTarget] | None = None) -> list[SlaClock]:
    """The clocks of a case being opened, from its locked policy version, scheduled but not yet
    stored (a new case has no pauses): the caller stores the case with their `earliest_due`
    first, then the clocks with `clocks_start`. `targets`: the case's plan and priority's targets
    of that version (with their calendars), when the caller read them already (e.g. for many
    cases at once); otherwise they are read here."""
    clocks = []
    for target in _targets(case).values() if targets is None else targets:
        clock = _new_clock(case, target, _policy_of(case).at_risk_share)
        _schedule(clock, zone_name=case.tenant.time_zone, pauses=[])
        clocks.append(clock)
    return clocks


def clocks_start(*, clocks: list[SlaClock]) -> None:
    SlaClock.objects.bulk_create(clocks)


def clocks_advance(
    *,
    case: Case,
    at: datetime,
    meet: Iterable[str] = (),
    resume: bool = False,
    reopen: bool = False,
    pause: str = "",
) -> ClockChange:
    """One step of a case's clocks (`clocks_step`), read from and stored in the database: the
    clocks (and, when the pauses change, the pauses) are read once, and only what changed is
    written."""
    clocks = _clocks(case)
    before = {clock.pk: [getattr(clock, name) for name in _SCHEDULE_FIELDS] for clock in clocks}
    pauses = _pauses(case) if resume or reopen or pause else []
    step = clocks_step(
        case=case, clocks=clocks, pauses=pauses, at=at, meet=meet, resume=resume, reopen=reopen, pause=pause
    )
    if step.ended is not None:
        step.ended.save(update_fields=["ended_at"])
    if step.started is not None:
        step.started.save(force_insert=True)
    for clock in clocks:
        changed = [n for n, old in zip(_SCHEDULE_FIELDS, before[clock.pk], strict=True) if getattr(clock, n) != old]
        if changed:
            clock.save(update_fields=changed)
    return ClockChange(due=earliest_due(clocks), met=step.met)


@dataclass
class ClockStep:
    """What `clocks_step` did in memory: the clocks met, the pause it ended and the one it started."""

    met: list[SlaClock]
    ended: CasePause | None = None
    started: CasePause | None = None


def clocks_step(
    *,
    case: Case,
    clocks: list[SlaClock],
    pauses: list[CasePause],
    at: datetime,
    meet: Iterable[str] = (),
    resume: bool = False,
    reopen: bool = False,
    pause: str = "",
) -> ClockStep:
    """One step of a case's clocks, in memory (nothing is read or written; `pauses` are the case's
    pauses in order, needed only when the step resumes, reopens or pauses, and a started pause is
    appended to them). In this order: meet the `meet` metrics at `at` (met after the deadline
    records the breach), end the running pause (`resume`), run the resolution clock again
    (`reopen`; the resolved stretch stays paused), start a pause for the reason `pause`.
    Deadlines are scheduled again whenever the pauses or the running clocks change.
    `clocks_advance` is this step on the stored rows; the demo's history builds past cases with it."""
    by_metric = {clock.metric: clock for clock in clocks}
    step = ClockStep(met=[by_metric[m] for m in meet if m in by_metric and by_metric[m].met_at is None])
    for clock in step.met:
        clock.met_at = at
        if clock.due_at is not None and at > clock.due_at and clock.breached_at is None:
            clock.breached_at = clock.due_at
    if not (resume or reopen or pause):
        return step
    running = next((row for row in pauses if row.ended_at is None), None)
    if resume and running is not None:
        running.ended_at = max(at, running.started_at)
        step.ended = running
    if reopen:
        for clock in clocks:
            if clock.metric == Metric.RESOLUTION:
                clock.met_at = None
    if pause:
        step.started = CasePause(tenant_id=case.tenant_id, case=case, reason=pause, started_at=at)
        pauses.append(step.started)
    spans = [(row.started_at, row.ended_at) for row in pauses]
    for clock in clocks:
        _schedule(clock, zone_name=case.tenant.time_zone, pauses=spans)
    return step


def clocks_retarget(*, case: Case, at: datetime) -> tuple[dict[str, tuple[str | None, str | None]], datetime | None]:
    """Apply the targets of the case's (new) priority: from the opening time, minus paused time.

    Returns {metric: (old due, new due)} as ISO strings for the event, and the case's new
    earliest deadline. A recorded breach or warning that no longer holds under the new deadline
    is cleared.
    """
    zone_name, pauses = case.tenant.time_zone, case_pauses(case)
    targets = _targets(case)
    changes: dict[str, tuple[str | None, str | None]] = {}
    existing = {clock.metric: clock for clock in _clocks(case)}
    kept: list[SlaClock] = []
    for metric in Metric.values:
        clock, target = existing.get(metric), targets.get(metric)
        old_due = clock.due_at.isoformat() if clock and clock.due_at else None
        if target is None:
            if clock is not None:
                clock.delete()
                changes[metric] = (old_due, None)
            continue
        if clock is None:
            clock = _new_clock(case, target, _policy_of(case).at_risk_share)
        else:
            _apply_target(clock, target, zone_name)
        _schedule(clock, zone_name=zone_name, pauses=pauses)
        if clock.met_at is None and clock.breached_at and (clock.due_at is None or clock.due_at > at):
            clock.breached_at = None
        if clock.met_at is None and clock.warned_at and (clock.at_risk_at is None or clock.at_risk_at > at):
            clock.warned_at = None
        clock.save()
        kept.append(clock)
        changes[metric] = (old_due, clock.due_at.isoformat() if clock.due_at else None)
    return changes, earliest_due(kept)
