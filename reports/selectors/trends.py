"""Trends over a date range, read from the daily roll-ups (reports.models): a few hundred small
rows whatever the number of cases, summed by week in Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from helpdesk.models import Tenant
from reports.models import DailySatisfaction, DailySlaTally


def week_of(day: date) -> date:
    """The Monday starting the week of `day`."""
    return day - timedelta(days=day.weekday())


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Decided:
    met: int = 0
    breached: int = 0

    @property
    def attainment(self) -> float | None:
        return share(self.met, self.met + self.breached)


@dataclass(frozen=True)
class AttainmentRow:
    """One week: clocks met on time and breached that week, overall and per priority and plan."""

    week: date
    overall: Decided
    by_priority: dict[str, Decided]
    by_plan: dict[str, Decided]


def attainment_by_week(*, tenant: Tenant, start: date, end: date) -> tuple[list[str], list[str], list[AttainmentRow]]:
    """(priority names most urgent first, plan names highest first, one row per week that had a
    decided clock) for the days start..end inclusive."""
    rows = (
        DailySlaTally.objects.for_tenant(tenant)
        .filter(day__gte=start, day__lte=end)
        .values_list("day", "priority__name", "priority__rank", "plan__name", "plan__rank", "met", "breached")
    )
    priorities: dict[str, int] = {}
    plans: dict[str, int] = {}
    weeks: dict[date, AttainmentRow] = {}
    for day, priority, p_rank, plan, plan_rank, met, breached in rows:
        priorities[priority], plans[plan] = p_rank, plan_rank
        week = weeks.setdefault(
            week_of(day), AttainmentRow(week_of(day), Decided(), defaultdict(Decided), defaultdict(Decided))
        )
        for tally in (week.overall, week.by_priority[priority], week.by_plan[plan]):
            tally.met += met
            tally.breached += breached
    return (
        sorted(priorities, key=lambda name: (priorities[name], name)),
        sorted(plans, key=lambda name: (plans[name], name)),
        [weeks[week] for week in sorted(weeks)],
    )


def median_minutes(histogram: Counter[int]) -> float | None:
    """The median of values given as {value: how many}; the mean of the middle two when even."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return sum(found) / 2


@dataclass(frozen=True)
class MedianRow:
    priority: str
    metric: str
    clocks: int
    median_minutes: float | None


@dataclass
class _Histogram:
    rank: int = 0
    minutes: Counter[int] = field(default_factory=Counter)


def median_times(*, tenant: Tenant, start: date, end: date) -> list[MedianRow]:
    """Median business time to meet each metric, per priority, of the clocks met start..end."""
    rows = (
        DailySlaTally.objects.for_tenant(tenant)
        .filter(day__gte=start, day__lte=end)
        .values_list("priority__name", "priority__rank", "metric", "minutes_taken")
    )
    groups: dict[tuple[str, str], _Histogram] = defaultdict(_Histogram)
    for priority, rank, metric, minutes in rows:
        group = groups[(priority, metric)]
        group.rank = rank
        group.minutes.update({int(value): n for value, n in minutes.items()})
    ordered = sorted(groups.items(), key=lambda item: (item[1].rank, item[0][1]))
    return [
        MedianRow(priority, metric, sum(group.minutes.values()), median_minutes(group.minutes))
        for (priority, metric), group in ordered
    ]


@dataclass(frozen=True)
class SatisfactionRow:
    week: date
    invited: int
    responses: int
    satisfied: int

    @property
    def csat(self) -> float | None:
        """Answers of 4–5 as a share of the answers, in percent."""
        return share(self.satisfied, self.responses)

    @property
    def response_rate(self) -> float | None:
        return share(self.responses, self.invited)


def satisfaction_by_week(*, tenant: Tenant, start: date, end: date) -> list[SatisfactionRow]:
    sums: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = DailySatisfaction.objects.for_tenant(tenant).filter(day__gte=start, day__lte=end)
    for day, invited, responses, satisfied in rows.values_list("day", "invited", "responses", "satisfied"):
        total = sums[week_of(day)]
        total[0], total[1], total[2] = total[0] + invited, total[1] + responses, total[2] + satisfied
    return [SatisfactionRow(week, *counts) for week, counts in sorted(sums.items()) if any(counts)]
