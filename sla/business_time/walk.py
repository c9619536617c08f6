"""The walk from a clock's start to its deadline, computed once for both explanations of a
deadline: the settings previews' lines (`explain.py`) and the case page's sentence (`why.py`).
Pure: no ORM, no clock.

The walk holds what the clock counted on each local date (the measure's open time — a business
calendar's open hours, or every hour when there is none — less the pauses), the days it skipped
with their reason (a holiday with its name, a weekend, another closed day), the pauses, and where
it lands: the deadline, or the start of a pause that still lasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sla.business_time.clock_maths import Measure

LabelledPause = tuple[datetime, datetime | None, str]  # (started, ended or None while it lasts, why)


@dataclass(frozen=True)
class SkippedDay:
    """A local date that counted nothing because the calendar was closed all day."""

    day: date
    reason: str  # "holiday", "weekend" or "closed"
    name: str = ""  # a holiday's name, when it has one


@dataclass(frozen=True)
class Walk:
    opened: datetime  # the clock's start, in the measure's zone
    counting_from: datetime  # when it starts counting: the next opening when the calendar is closed
    end: datetime  # the deadline, or the start of a pause that still lasts
    due_at: datetime | None  # None while a lasting pause stops the clock
    counted: list[tuple[date, timedelta]]  # the time counted on each local date, in order
    skipped: list[SkippedDay]  # from the opening date to the end date
    paused: list[LabelledPause]  # pauses that began in the walk and have ended
    running_pause: LabelledPause | None  # a pause that still lasts, if any

    @property
    def counted_total(self) -> timedelta:
        return sum((length for _, length in self.counted), timedelta(0))

    @property
    def not_counted(self) -> timedelta:
        """Real time from the start of counting to the end that did not count (closed or paused)."""
        return elapsed(self.counting_from, self.end) - self.counted_total

    @property
    def paused_total(self) -> timedelta:
        return sum(((p[1] or self.end) - p[0] for p in self.paused), timedelta(0))


def elapsed(a: datetime, b: datetime) -> timedelta:
    return b.astimezone(UTC) - a.astimezone(UTC)  # real time: zoned subtraction is wall-clock time


def _split_at_midnights(start: datetime, end: datetime, measure: Measure) -> list[tuple[datetime, datetime]]:
    pieces = []
    cursor = start.astimezone(measure.zone)
    end = end.astimezone(measure.zone)
    while cursor < end:
        next_day = cursor.date() + timedelta(days=1)
        midnight = datetime(next_day.year, next_day.month, next_day.day, tzinfo=measure.zone)
        stop = min(end, midnight.astimezone(UTC).astimezone(measure.zone))
        pieces.append((cursor, stop))
        cursor = stop
    return pieces


def _without_pauses(
    periods: list[tuple[datetime, datetime]], pauses: Sequence[LabelledPause], until: datetime
) -> list[tuple[datetime, datetime]]:
    out = []
    for start, end in periods:
        pieces = [(start.astimezone(UTC), end.astimezone(UTC))]
        for paused_at, resumed_at, _why in pauses:
            a, b = paused_at.astimezone(UTC), (resumed_at or until).astimezone(UTC)
            pieces = [part for s, e in pieces for part in ((s, min(e, a)), (max(s, b), e)) if part[1] > part[0]]
        out += [(s.astimezone(start.tzinfo), e.astimezone(start.tzinfo)) for s, e in pieces]
    return out


def counted_by_day(
    *, measure: Measure, started_at: datetime, until: datetime, pauses: Sequence[LabelledPause] = ()
) -> list[tuple[date, timedelta]]:
    """The time the clock counted on each local date from `started_at` to `until`, in order."""
    if until <= started_at:
        return []
    if measure.calendar is not None:
        periods = measure.calendar.open_periods(started_at, until)
    else:
        periods = [(started_at, until)]
    pieces = [p for s, e in periods for p in _split_at_midnights(s, e, measure)]
    days: dict[date, timedelta] = {}
    for start, end in _without_pauses(pieces, pauses, until):
        day = start.astimezone(measure.zone).date()
        days[day] = days.get(day, timedelta(0)) + (end.astimezone(UTC) - start.astimezone(UTC))
    return sorted(days.items())


def skipped_days(
    *, measure: Measure, first: date, last: date, counted: set[date], holiday_names: Mapping[date, str]
) -> list[SkippedDay]:
    """The days from `first` to `last` that counted nothing because the calendar was closed."""
    calendar = measure.calendar
    if calendar is None:
        return []
    skipped: list[SkippedDay] = []
    day = first
    while day <= last:
        if day not in counted and not calendar.intervals_on(day):
            if calendar.is_holiday(day):
                skipped.append(SkippedDay(day, "holiday", holiday_names.get(day, "")))
            else:
                skipped.append(SkippedDay(day, "weekend" if day.weekday() >= 5 else "closed"))
        day += timedelta(days=1)
    return skipped


def walk(
    *,
    measure: Measure,
    started_at: datetime,
    due_at: datetime | None,
    pauses: Sequence[LabelledPause] = (),
    holiday_names: Mapping[date, str] | None = None,
) -> Walk:
    """The walk from `started_at` to `due_at` (None while a lasting pause stops the clock: then to
    that pause's start)."""
    zone = measure.zone
    opened = started_at.astimezone(zone)
    running_pause = next((p for p in pauses if p[1] is None), None)
    until = due_at if due_at is not None else (running_pause[0] if running_pause else opened)
    end = until.astimezone(zone)
    counted = counted_by_day(measure=measure, started_at=opened, until=end, pauses=pauses)
    days = {day for day, _ in counted}
    return Walk(
        opened=opened,
        counting_from=measure.start(opened),
        end=end,
        due_at=due_at,
        counted=counted,
        skipped=skipped_days(
            measure=measure, first=opened.date(), last=end.date(), counted=days, holiday_names=holiday_names or {}
        ),
        paused=[p for p in pauses if p[1] is not None and opened <= p[0] < end],
        running_pause=running_pause,
    )
