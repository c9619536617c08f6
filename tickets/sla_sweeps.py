"""The periodic SLA sweeps: at-risk warnings, breaches, and closing resolved cases nobody answered.

Each sweep reads only due rows through a partial index. The breach and at-risk sweeps are
set-based (tickets.sla_sweep_chunks): chunks of SLA_SWEEP_CHUNK clocks, each claimed and recorded
in one transaction with a fixed number of statements, until none are due. The auto-close sweep
claims each case with a conditional UPDATE in its own transaction. Two sweeps at once, or a task
delivered twice, therefore record and notify nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db.models import QuerySet

from helpdesk.models import Tenant
from sla.models import SlaClock
from tickets import sla_sweep_chunks as chunks
from tickets.models import Case, Status
from tickets.services import case_close_if_unanswered

BATCH = 500  # resolved cases closed per tenant and run


class Chunk(Protocol):
    def __call__(self, *, now: datetime, candidates: QuerySet[SlaClock], size: int) -> tuple[int, int]: ...


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


def _chunk_size() -> int:
    return max(1, int(getattr(settings, "SLA_SWEEP_CHUNK", 1000)))


def _sweep(chunk: Chunk, candidates: QuerySet[SlaClock], *, now: datetime) -> int:
    """Run chunks until no candidate is left, or a chunk found only clocks of cases that another
    transaction holds (another sweep working through them, or a change in progress: the next run
    takes those). Every due clock is recorded in this run, however many fell due at once."""
    size, recorded = _chunk_size(), 0
    while True:
        seen, done = chunk(now=now, candidates=candidates, size=size)
        recorded += done
        if seen < size or done == 0:
            return recorded


def sweep_breaches(*, now: datetime) -> int:
    return _sweep(chunks.breach_chunk, breach_candidates(now=now), now=now)


def sweep_warnings(*, now: datetime) -> int:
    return _sweep(chunks.warning_chunk, warning_candidates(now=now), now=now)


def sweep_auto_close(*, now: datetime) -> int:
    """Close resolved cases whose merchant has not answered within their tenant's number of days."""
    closed = 0
    for tenant in Tenant.objects.only("pk", "auto_close_days"):
        for case in closing_candidates(tenant=tenant, now=now)[:BATCH]:
            closed += case_close_if_unanswered(case=case, at=now) is not None
    return closed
