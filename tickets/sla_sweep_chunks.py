"""Set-based SLA sweeps: a chunk of due clocks claimed, recorded and notified in a fixed number of
statements, whatever its size (tickets.sla_sweeps runs chunks until none are due).

One chunk is one transaction:
1. read up to `size` due clocks (partial index), then lock their cases in id order with SKIP
   LOCKED, the order every service locks in (case, then its clocks), so a concurrent sweep skips
   them instead of waiting, and a case being changed is left for the next chunk or run;
2. lock and claim the clocks that are still due (FOR UPDATE rechecks the condition on the latest
   row), and set `breached_at` (or `warned_at`) in one UPDATE;
3. insert the events, escalations, notifications, outbox rows and webhook deliveries in bulk, built
   by the same code as the one-event path (`staff_notifications.staff_notices`,
   `webhook_events.build`), and bump the cases' versions in one UPDATE.
After commit the new outbox rows and deliveries go to the workers in one hand-over each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, QuerySet

from helpdesk.messaging.outbox import mail_enqueue_many
from helpdesk.messaging.webhooks import webhook_enqueue_many
from helpdesk.models import OutboxMessage, User, WebhookDelivery, WebhookEndpoint
from helpdesk.roles import STAFF_ROLES
from sla.models import SlaClock
from tickets import staff_notifications, webhook_events
from tickets.models import (
    Case,
    CaseEvent,
    Escalation,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    Notification,
    RaisedBy,
)

CLOCK_RELATED = ("case__tenant", "case__account", "case__plan", "case__priority", "case__assignee__staff_profile")


@dataclass
class Effects:
    """What one chunk inserts, in order."""

    events: list[tuple[CaseEvent, SlaClock]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)
    deliveries: list[WebhookDelivery] = field(default_factory=list)


def _lock_cases(case_ids: Iterable[int]) -> set[int]:
    locked = Case.objects.filter(pk__in=set(case_ids)).order_by("pk").select_for_update(skip_locked=True)
    return set(locked.values_list("pk", flat=True))


def _claim(candidates: QuerySet[SlaClock], *, size: int, **claimed: object) -> tuple[int, list[SlaClock]]:
    """(candidates seen, the clocks this chunk claimed, loaded with their cases)."""
    seen = list(candidates.values_list("pk", "case_id")[:size])
    if not seen:
        return 0, []
    cases = _lock_cases(case_id for _, case_id in seen)
    mine = candidates.filter(pk__in=[pk for pk, case_id in seen if case_id in cases])
    ids = list(mine.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return len(seen), []
    SlaClock.objects.filter(pk__in=ids).update(**claimed)
    clocks = SlaClock.objects.filter(pk__in=ids).select_related(*CLOCK_RELATED).order_by("due_at", "pk")
    return len(seen), list(clocks)


def _preload(cases: list[Case]) -> None:
    """Each tenant's active staff (`_staff` picks analysts or managers) and webhook endpoints, read once."""
    tenants = {case.tenant_id for case in cases}
    staff = User.objects.filter(tenant_id__in=tenants, role__in=STAFF_ROLES, is_active=True)
    by_tenant: dict[int, list[User]] = {}
    for user in staff.select_related("staff_profile").order_by("pk"):
        by_tenant.setdefault(user.tenant_id or 0, []).append(user)
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(tenant_id__in=tenants, is_active=True).order_by("pk"):
        endpoints.setdefault(endpoint.tenant_id, []).append(endpoint)
    for case in cases:
        staff_notifications.staff_preload(case, by_tenant.get(case.tenant_id, []))
        webhook_events.endpoints_preload(case, endpoints.get(case.tenant_id, []))


def _event(case: Case, code: str, *, at: datetime, new: dict[str, Any], note: str = "") -> CaseEvent:
    return CaseEvent(tenant_id=case.tenant_id, case=case, code=code, actor=None, created_at=at, new=new, note=note)


def _insert(effects: Effects, cases: Iterable[Case], *, at: datetime, bump: bool) -> None:
    """Insert the events, then everything each event causes, and (`bump`) the cases' versions."""
    CaseEvent.objects.bulk_create([event for event, _ in effects.events])
    for event, clock in effects.events:
        notifications, messages = staff_notifications.staff_notices(event, clock=clock)
        effects.notifications += notifications
        effects.messages += messages
        effects.deliveries += webhook_events.build(event)
    Notification.objects.bulk_create(effects.notifications, ignore_conflicts=True)
    mail_enqueue_many(effects.messages)
    if effects.deliveries:
        webhook_enqueue_many(effects.deliveries)
    if bump:  # as escalation_raise's save_case does: the case changed under whoever has it open;
        # a breach also changes the customer SLA report's figures (tickets.account_rollup)
        Case.objects.filter(pk__in={case.pk for case in cases}).update(
            version=F("version") + 1, updated_at=at, rollup_stale=True
        )


def _breach_note(clock: SlaClock, case: Case) -> str:
    due_at = clock.breached_at
    if due_at is None:
        raise RuntimeError(f"clock {clock.pk} was claimed without its deadline")
    due_local = due_at.astimezone(ZoneInfo(case.tenant.time_zone))
    return (
        f"The {clock.get_metric_display().lower()} target ({clock.target_label}) "
        f"was due {due_local:%a %d %b %Y, %H:%M %Z} and has not been met."
    )


def _open_breach_escalations(case_ids: set[int]) -> dict[int, Escalation]:
    """Each case's open system escalation for breaches (the oldest), locked to add notes to it."""
    open_ones = Escalation.objects.filter(
        case_id__in=case_ids, raised_by=RaisedBy.SYSTEM, reason=EscalationReason.SLA_BREACHED
    ).exclude(state=EscalationState.RESOLVED)
    found: dict[int, Escalation] = {}
    for escalation in open_ones.select_for_update().order_by("created_at", "pk"):
        found.setdefault(escalation.case_id, escalation)
    return found


def _escalations(clocks: list[SlaClock], *, at: datetime) -> tuple[dict[int, Escalation], list[tuple[SlaClock, str]]]:
    """One open breach escalation per case: the case's open one gets notes, else one is raised
    (bulk) with its first breach's note and notes for the others. Returns each case's escalation
    and, per clock, what happened to it ("raised" or "noted")."""
    existing = _open_breach_escalations({clock.case_id for clock in clocks})
    raised: dict[int, Escalation] = {}
    steps: list[tuple[SlaClock, str]] = []
    for clock in clocks:
        note = _breach_note(clock, clock.case)
        escalation = existing.get(clock.case_id) or raised.get(clock.case_id)
        if escalation is None:
            raised[clock.case_id] = Escalation(
                tenant_id=clock.case.tenant_id,
                case=clock.case,
                raised_by=RaisedBy.SYSTEM,
                reason=EscalationReason.SLA_BREACHED,
                level=EscalationLevel.SUPPORT_MANAGER,
                notes=note,
                created_at=at,
            )
            steps.append((clock, "raised"))
        else:
            escalation.notes = f"{escalation.notes}\n{note}".strip()
            steps.append((clock, "noted"))
    Escalation.objects.bulk_create(list(raised.values()))
    noted = {clock.case_id for clock, step in steps if step == "noted"}
    if noted & existing.keys():
        Escalation.objects.bulk_update([existing[case_id] for case_id in noted & existing.keys()], ["notes"])
    return {**existing, **raised}, steps


@transaction.atomic
def breach_chunk(*, now: datetime, candidates: QuerySet[SlaClock], size: int) -> tuple[int, int]:
    """Record up to `size` breaches (at their deadlines) with their escalations and notices.
    Returns (candidates seen, breaches recorded)."""
    seen, clocks = _claim(candidates, size=size, breached_at=F("due_at"))
    if not clocks:
        return seen, 0
    cases = list({clock.case_id: clock.case for clock in clocks}.values())
    _preload(cases)
    by_case, steps = _escalations(clocks, at=now)
    effects = Effects()
    for clock, step in steps:
        escalation, breached_at = by_case[clock.case_id], clock.breached_at
        new = {"metric": clock.metric, "due_at": breached_at.isoformat() if breached_at else None, "clock": clock.pk}
        effects.events.append((_event(clock.case, "sla.breached", at=now, new=new), clock))
        note = _breach_note(clock, clock.case)
        if step == "raised":
            detail = {"reason": escalation.reason, "level": escalation.level, "raised_by": RaisedBy.SYSTEM}
            event = _event(
                clock.case, "escalation.raised", at=now, new={"escalation": escalation.pk, **detail}, note=note
            )
        else:
            event = _event(clock.case, "escalation.noted", at=now, new={"escalation": escalation.pk}, note=note)
        effects.events.append((event, clock))
    _insert(effects, cases, at=now, bump=True)
    return seen, len(clocks)


@transaction.atomic
def warning_chunk(*, now: datetime, candidates: QuerySet[SlaClock], size: int) -> tuple[int, int]:
    """Record up to `size` at-risk warnings and their notices. Returns (seen, recorded)."""
    seen, clocks = _claim(candidates, size=size, warned_at=now)
    if not clocks:
        return seen, 0
    cases = list({clock.case_id: clock.case for clock in clocks}.values())
    _preload(cases)
    effects = Effects()
    for clock in clocks:
        new = {"metric": clock.metric, "due_at": clock.due_at.isoformat() if clock.due_at else None, "clock": clock.pk}
        effects.events.append((_event(clock.case, "sla.at_risk", at=now, new=new), clock))
    _insert(effects, cases, at=now, bump=False)
    return seen, len(clocks)
