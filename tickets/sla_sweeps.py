"""The periodic SLA sweeps: at-risk warnings, breaches, and closing resolved cases nobody answered.

Each sweep reads only due rows through a partial index, then claims each row with a conditional
UPDATE inside its own transaction and acts only when the UPDATE changed exactly one row. Two
sweeps at once, or a task delivered twice, therefore record and notify nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, QuerySet

from helpdesk.models import Tenant
from sla.models import SlaClock
from tickets.models import Case, EscalationLevel, EscalationReason, RaisedBy, Status
from tickets.services import case_close_if_unanswered, case_event_record, escalation_raise

BATCH = 500


def breach_candidates(*, now: datetime) -> QuerySet[SlaClock]:
    """Clocks whose deadline has passed unmet and whose breach is not recorded yet (index clock_due)."""
    return SlaClock.objects.filter(
        due_at__lte=now, met_at__isnull=True, breached_at__isnull=True, due_at__isnull=False
    ).order_by("due_at")


def warning_candidates(*, now: datetime) -> QuerySet[SlaClock]:
    """Clocks past their at-risk instant but not yet due, unwarned, unmet and unbreached (index
    clock_at_risk); a clock already past its deadline gets a breach, not a warning."""
    return SlaClock.objects.filter(
        at_risk_at__lte=now,
        due_at__gt=now,
        met_at__isnull=True,
        warned_at__isnull=True,
        breached_at__isnull=True,
        at_risk_at__isnull=False,
    ).order_by("at_risk_at")


def closing_candidates(*, tenant: Tenant, now: datetime) -> QuerySet[Case]:
    """Resolved cases of a tenant unanswered for its number of days (index case_resolved_to_close)."""
    return (
        Case.objects.for_tenant(tenant)
        .filter(status=Status.RESOLVED, resolved_at__lte=now - timedelta(days=tenant.auto_close_days))
        .order_by("resolved_at")
    )


def due_breaches(*, now: datetime) -> list[int]:
    return list(breach_candidates(now=now).values_list("pk", flat=True)[:BATCH])


def due_warnings(*, now: datetime) -> list[int]:
    return list(warning_candidates(now=now).values_list("pk", flat=True)[:BATCH])


@transaction.atomic
def clock_breach(*, clock_id: int, now: datetime) -> bool:
    """Record one breach (at the deadline), note it on the case and escalate to the managers.
    Returns False when another sweep claimed it, or the clock was met or moved meanwhile."""
    claimed = SlaClock.objects.filter(
        pk=clock_id, due_at__lte=now, met_at__isnull=True, breached_at__isnull=True
    ).update(breached_at=F("due_at"))
    if claimed != 1:
        return False
    clock = SlaClock.objects.select_related("case__tenant").get(pk=clock_id)
    case, due_at = clock.case, clock.breached_at  # the claim above set it to the deadline
    if due_at is None:
        raise RuntimeError(f"clock {clock_id} was claimed without its deadline")
    due_local = due_at.astimezone(ZoneInfo(case.tenant.time_zone))
    case_event_record(
        case,
        "sla.breached",
        actor=None,
        at=now,
        new={"metric": clock.metric, "due_at": due_at.isoformat(), "clock": clock.pk},
    )
    escalation_raise(
        case=case,
        actor=None,
        reason=EscalationReason.SLA_BREACHED,
        level=EscalationLevel.SUPPORT_MANAGER,
        raised_by=RaisedBy.SYSTEM,
        notes=f"The {clock.get_metric_display().lower()} target ({clock.target_label}) "
        f"was due {due_local:%a %d %b %Y, %H:%M %Z} and has not been met.",
        at=now,
    )
    return True


@transaction.atomic
def clock_warn(*, clock_id: int, now: datetime) -> bool:
    """Record one at-risk warning; False when it was claimed, met or breached meanwhile."""
    claimed = SlaClock.objects.filter(
        pk=clock_id,
        at_risk_at__lte=now,
        due_at__gt=now,
        met_at__isnull=True,
        warned_at__isnull=True,
        breached_at__isnull=True,
    ).update(warned_at=now)
    if claimed != 1:
        return False
    clock = SlaClock.objects.select_related("case").get(pk=clock_id)
    case_event_record(
        clock.case,
        "sla.at_risk",
        actor=None,
        at=now,
        new={"metric": clock.metric, "due_at": clock.due_at.isoformat() if clock.due_at else None, "clock": clock.pk},
    )
    return True


def sweep_breaches(*, now: datetime) -> int:
    return sum(clock_breach(clock_id=clock_id, now=now) for clock_id in due_breaches(now=now))


def sweep_warnings(*, now: datetime) -> int:
    return sum(clock_warn(clock_id=clock_id, now=now) for clock_id in due_warnings(now=now))


def sweep_auto_close(*, now: datetime) -> int:
    """Close resolved cases whose merchant has not answered within their tenant's number of days."""
    closed = 0
    for tenant in Tenant.objects.only("pk", "auto_close_days"):
        for case in closing_candidates(tenant=tenant, now=now)[:BATCH]:
            closed += case_close_if_unanswered(case=case, at=now) is not None
    return closed
