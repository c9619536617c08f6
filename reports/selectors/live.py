"""Live figures of the open cases: tiles, the breach forecast, the backlog and the agents' load.

Each is one or two queries on the case indexes (tenant, status, sla_due_at, …) and the clocks'
small partial indexes; open cases are a few percent of a tenant's history, so nothing here reads
closed cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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
class OpenGroup:
    """The open cases of one priority and one owner (None: unassigned), counted by age bucket
    (one per AGE_BUCKETS entry) and by whether their earliest running deadline falls in the next
    4 and 24 hours."""

    priority_id: int
    assignee_id: int | None
    open: int
    by_age: tuple[int, ...]
    due_4h: int
    due_24h: int


def open_figures(*, scope: Scope, now: datetime) -> list[OpenGroup]:
    """The open cases counted per priority and owner: one grouped query, read from the
    case_open_figures index alone (no join, no case rows). The tiles, the backlog and the agents'
    load are sums of these groups, so the dashboard reads its open cases once, not three times."""
    ages = {f"age_{k}": Count("pk", filter=opened_window(key, now=now)) for k, (key, *_) in enumerate(AGE_BUCKETS)}
    counted = (
        open_cases(scope=scope)
        .values("priority_id", "assignee_id")
        .annotate(
            n=Count("pk"),
            due_4h=Count("pk", filter=_due_within(now, 4)),
            due_24h=Count("pk", filter=_due_within(now, 24)),
            **ages,
        )
        .order_by()
    )
    return [
        OpenGroup(
            row["priority_id"],
            row["assignee_id"],
            row["n"],
            tuple(row[f"age_{k}"] for k in range(len(AGE_BUCKETS))),
            row["due_4h"],
            row["due_24h"],
        )
        for row in counted
    ]


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


def dashboard_tiles(*, scope: Scope, now: datetime, groups: list[OpenGroup] | None = None) -> Tiles:
    """Open cases, unassigned, at risk (a running target past its warning), breached (a target
    missed), open escalations (not yet resolved) and the 4 h and 24 h breach forecast. `groups`:
    `open_figures` of the same scope and moment, when the caller has them already."""
    groups = open_figures(scope=scope, now=now) if groups is None else groups
    cases = open_cases(scope=scope)
    clocks = SlaClock.objects.for_tenant(scope.tenant)
    risky = clocks.filter(warned_at__isnull=False, met_at__isnull=True, breached_at__isnull=True)
    missed = clocks.filter(breached_at__isnull=False)
    escalations = escalation_list(scope=scope).exclude(state=EscalationState.RESOLVED)
    return Tiles(
        open=sum(g.open for g in groups),
        unassigned=sum(g.open for g in groups if g.assignee_id is None),
        at_risk=cases.filter(InArray(F("pk"), risky.order_by().values("case"))).count(),
        breached=cases.filter(InArray(F("pk"), missed.order_by().values("case"))).count(),
        escalations=escalations.count(),
        due_4h=sum(g.due_4h for g in groups),
        due_24h=sum(g.due_24h for g in groups),
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


def backlog(*, scope: Scope, now: datetime, groups: list[OpenGroup] | None = None) -> list[BacklogRow]:
    """Open cases per priority (most urgent first) and age bucket, summed from `open_figures`."""
    groups = open_figures(scope=scope, now=now) if groups is None else groups
    counts: dict[int, list[int]] = {}
    for group in groups:
        row = counts.setdefault(group.priority_id, [0] * len(AGE_BUCKETS))
        for k, n in enumerate(group.by_age):
            row[k] += n
    return [
        BacklogRow(priority.pk, priority.name, tuple(counts[priority.pk]))
        for priority in priority_list(tenant=scope.tenant)
        if priority.pk in counts
    ]


@dataclass(frozen=True)
class AgentLoad:
    user_id: int
    email: str
    name: str
    open: int
    role: str = Role.ANALYST
    on_shift: bool = False


def agent_load(*, scope: Scope, now: datetime | None = None, groups: list[OpenGroup] | None = None) -> list[AgentLoad]:
    """Open cases per analyst: every active analyst (none left out for having nothing), and any
    other staff member who holds open cases, each with whether their shift hours include `now`;
    the busiest first. The counts are summed from `open_figures`."""
    now = now or timezone.now()
    groups = open_figures(scope=scope, now=now) if groups is None else groups
    held: dict[int, int] = {}
    for group in groups:
        if group.assignee_id is not None:
            held[group.assignee_id] = held.get(group.assignee_id, 0) + group.open
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
