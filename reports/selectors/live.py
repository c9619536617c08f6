"""Live figures of the open cases: tiles, the breach forecast, the backlog and the agents' load.

Each is one or two queries on the case indexes (tenant, status, sla_due_at, …) and the clocks'
small partial indexes; open cases are a few percent of a tenant's history, so nothing here reads
closed cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from helpdesk.lookups import InArray
from helpdesk.models import Role, User
from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope
from sla.models import SlaClock
from tickets.ages import AGE_BUCKETS, opened_window
from tickets.models import ACTIVE_STATUSES, Case, EscalationState
from tickets.selectors import escalation_list, priority_list
from tickets.shifts import on_shift

FORECAST_HOURS = (4, 24)
FORECAST_LIMIT = 50


def open_cases(*, scope: Scope) -> QuerySet[Case]:
    """The scope's cases in an active status (new, open, waiting on the customer, reopened)."""
    return Case.objects.for_scope(scope).filter(status__in=ACTIVE_STATUSES)


@dataclass(frozen=True)
class Tiles:
    open: int
    unassigned: int
    at_risk: int
    breached: int
    escalations: int
    due_4h: int
    due_24h: int


def _due_within(now: datetime, hours: int) -> Q:
    """The earliest running deadline falls in the next `hours` and has not passed."""
    return Q(sla_due_at__gte=now, sla_due_at__lt=now + timedelta(hours=hours))


def dashboard_tiles(*, scope: Scope, now: datetime) -> Tiles:
    """Open cases, unassigned, at risk (a running target past its warning), breached (a target
    missed), open escalations (not yet resolved) and the 4 h and 24 h breach forecast."""
    cases = open_cases(scope=scope)
    counts = cases.aggregate(
        open=Count("pk"),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        due_4h=Count("pk", filter=_due_within(now, 4)),
        due_24h=Count("pk", filter=_due_within(now, 24)),
    )
    clocks = SlaClock.objects.for_tenant(scope.tenant)
    risky = clocks.filter(warned_at__isnull=False, met_at__isnull=True, breached_at__isnull=True)
    missed = clocks.filter(breached_at__isnull=False)
    escalations = escalation_list(scope=scope).exclude(state=EscalationState.RESOLVED)
    return Tiles(
        at_risk=cases.filter(InArray(F("pk"), risky.order_by().values("case"))).count(),
        breached=cases.filter(InArray(F("pk"), missed.order_by().values("case"))).count(),
        escalations=escalations.count(),
        **counts,
    )


def breach_forecast(*, scope: Scope, now: datetime, hours: int = 24) -> QuerySet[Case]:
    """Open cases whose earliest running deadline falls in the next `hours`, soonest first."""
    return (
        open_cases(scope=scope)
        .filter(_due_within(now, hours))
        .select_related("priority", "assignee", "account")
        .order_by("sla_due_at", "opened_at", "pk")[:FORECAST_LIMIT]
    )


@dataclass(frozen=True)
class BacklogRow:
    priority_id: int
    priority: str
    counts: tuple[int, ...]  # one per AGE_BUCKETS entry

    @property
    def total(self) -> int:
        return sum(self.counts)


def backlog(*, scope: Scope, now: datetime) -> list[BacklogRow]:
    """Open cases per priority (most urgent first) and age bucket, in one grouped query."""
    buckets = {}
    for key, *_ in AGE_BUCKETS:
        buckets[key] = Count("pk", filter=opened_window(key, now=now))
    # Grouped by the bare id, so the count reads the case_open_figures index alone (no join).
    counted = open_cases(scope=scope).values("priority_id").annotate(**buckets)
    rows: dict[int, Any] = {row["priority_id"]: row for row in counted}
    return [
        BacklogRow(priority.pk, priority.name, tuple(rows[priority.pk][key] for key, *_ in AGE_BUCKETS))
        for priority in priority_list(tenant=scope.tenant)
        if priority.pk in rows
    ]


@dataclass(frozen=True)
class AgentLoad:
    user_id: int
    email: str
    name: str
    open: int
    role: str = Role.ANALYST
    on_shift: bool = False


def agent_load(*, scope: Scope, now: datetime | None = None) -> list[AgentLoad]:
    """Open cases per analyst: every active analyst (none left out for having nothing), and any
    other staff member who holds open cases, each with whether their shift hours include `now`;
    the busiest first."""
    now = now or timezone.now()
    held = dict(
        open_cases(scope=scope)
        .filter(assignee__isnull=False)
        .values("assignee")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignee", "n")
    )
    people: list[User] = [
        user
        for user in staff_list(scope=scope).select_related("staff_profile")
        if (user.role == Role.ANALYST and user.is_active) or user.pk in held
    ]
    zone = scope.tenant.time_zone
    load = [
        AgentLoad(u.pk, u.email, u.get_full_name(), held.get(u.pk, 0), u.role, on_shift(u, now=now, default_zone=zone))
        for u in people
    ]
    return sorted(load, key=lambda row: (-row.open, row.email))
