"""Trends over a date range, read from the daily roll-ups (reports.models): a few hundred small
rows whatever the number of cases, summed by week in Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from helpdesk.models import Tenant
from reports.models import DailySatisfaction, DailySlaTally
from sla.models import Metric


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
    """One week and metric: clocks met on time and breached that week, overall and per priority
    and plan (keyed by id). One clock per case and metric, so each count is a count of cases."""

    week: date
    metric: str
    overall: Decided
    by_priority: dict[int, Decided]
    by_plan: dict[int, Decided]


Named = tuple[int, str]


def attainment_by_week(
    *, tenant: Tenant, start: date, end: date
) -> tuple[list[Named], list[Named], list[AttainmentRow]]:
    """((id, name) of the priorities most urgent first, (id, name) of the plans highest first, one
    row per week and metric that had a decided clock, first response first) for the days
    start..end inclusive."""
    rows = DailySlaTally.objects.for_tenant(tenant).filter(day__gte=start, day__lte=end).values_list(*_TALLY_FIELDS)
    priorities: dict[Named, int] = {}
    plans: dict[Named, int] = {}
    weeks: dict[tuple[date, str], AttainmentRow] = {}
    for day, metric, p_id, p_name, p_rank, plan_id, plan_name, plan_rank, met, breached in rows:
        priorities[(p_id, p_name)], plans[(plan_id, plan_name)] = p_rank, plan_rank
        key = (week_of(day), metric)
        week = weeks.setdefault(
            key, AttainmentRow(key[0], metric, Decided(), defaultdict(Decided), defaultdict(Decided))
        )
        for tally in (week.overall, week.by_priority[p_id], week.by_plan[plan_id]):
            tally.met += met
            tally.breached += breached
    order = {metric: i for i, metric in enumerate(Metric.values)}
    return (
        sorted(priorities, key=lambda named: (priorities[named], named[1])),
        sorted(plans, key=lambda named: (plans[named], named[1])),
        [weeks[key] for key in sorted(weeks, key=lambda key: (key[0], order.get(key[1], len(order)), key[1]))],
    )


_TALLY_FIELDS = (
    "day",
    "metric",
    "priority_id",
    "priority__name",
    "priority__rank",
    "plan_id",
    "plan__name",
    "plan__rank",
    "met",
    "breached",
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
    priority_id: int
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
        .values_list("priority_id", "priority__name", "priority__rank", "metric", "minutes_taken")
    )
    groups: dict[tuple[int, str, str], _Histogram] = defaultdict(_Histogram)
    for priority_id, priority, rank, metric, minutes in rows:
        group = groups[(priority_id, priority, metric)]
        group.rank = rank
        group.minutes.update({int(value): n for value, n in minutes.items()})
    ordered = sorted(groups.items(), key=lambda item: (item[1].rank, item[0][1], item[0][2]))
    return [
        MedianRow(priority_id, priority, metric, sum(group.minutes.values()), median_minutes(group.minutes))
        for (priority_id, priority, metric), group in ordered
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
