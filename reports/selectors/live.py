"""Live figures of the open cases: tiles, the breach forecast, the backlog and the agents' load.

Each is one or two queries on the case indexes (tenant, status, sla_due_at, …) and the clocks'
small partial indexes; open cases are a few percent of a tenant's history, so nothing here reads
closed cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from helpdesk.models import Role, User
from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope
from sla.models import SlaClock
from tickets.models import ACTIVE_STATUSES, Case, EscalationState
from tickets.selectors import escalation_list, priority_list

FORECAST_HOURS = (4, 24)
FORECAST_LIMIT = 50
# (key, label, lower bound of age, upper bound of age or None)
AGE_BUCKETS: tuple[tuple[str, str, timedelta, timedelta | None], ...] = (
    ("under_4h", "Under 4 h", timedelta(0), timedelta(hours=4)),
    ("4h_1d", "4–24 h", timedelta(hours=4), timedelta(days=1)),
    ("1d_3d", "1–3 days", timedelta(days=1), timedelta(days=3)),
    ("3d_7d", "3–7 days", timedelta(days=3), timedelta(days=7)),
    ("7d_30d", "7–30 days", timedelta(days=7), timedelta(days=30)),
    ("over_30d", "Over 30 days", timedelta(days=30), None),
)


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
        at_risk=cases.filter(pk__in=risky.values("case")).count(),
        breached=cases.filter(pk__in=missed.values("case")).count(),
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
    for key, _, low, high in AGE_BUCKETS:
        window = Q(opened_at__lte=now - low)
        if high is not None:
            window &= Q(opened_at__gt=now - high)
        buckets[key] = Count("pk", filter=window)
    # Grouped by the bare id, so the count reads the case_open_figures index alone (no join).
    rows = {row["priority_id"]: row for row in open_cases(scope=scope).values("priority_id").annotate(**buckets)}
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


def agent_load(*, scope: Scope) -> list[AgentLoad]:
    """Open cases per analyst: every active analyst (none left out for having nothing), and any
    other staff member who holds open cases; the busiest first."""
    held = dict(
        open_cases(scope=scope)
        .filter(assignee__isnull=False)
        .values("assignee")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignee", "n")
    )
    people: list[User] = [
        user for user in staff_list(scope=scope) if (user.role == Role.ANALYST and user.is_active) or user.pk in held
    ]
    load = [AgentLoad(u.pk, u.email, u.get_full_name(), held.get(u.pk, 0), u.role) for u in people]
    return sorted(load, key=lambda row: (-row.open, row.email))
