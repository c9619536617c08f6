"""Case-list filters that reproduce a report's figure, so each figure opens exactly the cases it
counts: the cases whose SLA clock for a metric was decided (met on time, missed, or met at all)
within a range of the tenant's local days, as the daily roll-ups count them; and the cases with a
survey answered in that range (all answers, or those of 4–5), which surveys registers from its
AppConfig.ready so that tickets imports nothing above it.

Both are a subquery on a partial or plain index (`clock_met_day`, `clock_breached_day`,
`survey_answered_day`) feeding the case list's `pk IN (…)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from helpdesk.models import Tenant
from sla.models import SlaClock

OUTCOME_CHOICES = [
    ("", "Met or missed"),
    ("met", "Met on time"),
    ("missed", "Missed"),
    ("reached", "Met, on time or late"),
    ("running", "Still running"),
    ("any", "Any"),
]
SURVEY_CHOICES = [("", "Any"), ("answered", "Answered"), ("positive", "Answered 4–5")]


@dataclass(frozen=True)
class Window:
    """[start, end) instants of a range of local days; either end may be open (None)."""

    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def of_days(cls, tenant: Tenant, first: date | None, last: date | None) -> Window:
        """The local days first..last inclusive in the tenant's zone (23 or 25 h across DST)."""
        zone = ZoneInfo(tenant.time_zone)
        return cls(
            datetime.combine(first, time(), zone) if first else None,
            datetime.combine(last + timedelta(days=1), time(), zone) if last else None,
        )

    def holds(self, field: str) -> Q:
        """`field` set and inside the window."""
        q = Q(**{f"{field}__isnull": False})
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lt": self.end})
        return q


@dataclass(frozen=True)
class Decided:
    """Clocks of `metric` (any when None) decided with `outcome` (see OUTCOME_CHOICES) in `window`,
    and started in `started` (the compliance report counts clocks by the month they started)."""

    metric: str | None
    outcome: str
    window: Window
    started: Window | None = None


def decided_case_ids(*, tenant: Tenant, decided: Decided) -> QuerySet[SlaClock, Any]:
    """The ids (as `case`) of the cases with such a clock. "Met on time" is met in the window and
    never breached; "missed" is breached in the window; the default is either (a roll-up's met +
    breached); "reached" is met in the window, late or not (the medians' clocks); "running" is
    neither met nor breached, "any" every clock (with `started`, the compliance report's)."""
    met = decided.window.holds("met_at")
    missed = decided.window.holds("breached_at")
    on_time = met & Q(breached_at__isnull=True)
    running = Q(met_at__isnull=True, breached_at__isnull=True)
    outcomes = {"met": on_time, "missed": missed, "reached": met, "running": running, "any": Q()}
    clocks = SlaClock.objects.for_tenant(tenant).filter(outcomes.get(decided.outcome, on_time | missed))
    if decided.started is not None:
        clocks = clocks.filter(decided.started.holds("started_at"))
    if decided.metric:
        clocks = clocks.filter(metric=decided.metric)
    return clocks.values("case")


# survey kind ("answered", "positive") -> the case ids with such an answer in the window
SurveyCases = Callable[..., QuerySet]
_survey_cases: list[SurveyCases] = []


def register_survey_cases(finder: SurveyCases) -> None:
    """`finder(tenant=, kind=, window=)` answers the `survey=` filter (registering twice is harmless)."""
    if finder not in _survey_cases:
        _survey_cases.append(finder)


def survey_case_ids(*, tenant: Tenant, kind: str, window: Window) -> QuerySet:
    if not _survey_cases:
        raise LookupError("no app answers the survey filter (surveys is not installed)")
    return _survey_cases[0](tenant=tenant, kind=kind, window=window)
