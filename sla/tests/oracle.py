"""A small, obviously correct business-time oracle for the property tests.

It walks the open intervals day by day from the start, with nothing cached or precomputed; slow,
but each step can be checked by eye. It shares no code with sla.business_time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UTC = UTC


@dataclass
class Spec:
    zone: str
    hours: dict[str, list[tuple[str, str]]]
    holidays: set[date] = field(default_factory=set)
    overrides: dict[date, list[tuple[str, str]]] = field(default_factory=dict)

    def local_intervals(self, day: date) -> list[tuple[str, str]]:
        if day in self.overrides:
            return sorted(self.overrides[day])
        if day in self.holidays:
            return []
        return sorted(self.hours.get(DAYS[day.weekday()], []))

    def wall_clock(self, day: date, text: str) -> datetime:
        """When the local clock first shows `text` or later on `day` (DST gaps skip ahead)."""
        hours, minutes = map(int, text.split(":"))
        zone = ZoneInfo(self.zone)
        wall = datetime.combine(day, time(0)) + timedelta(hours=hours, minutes=minutes)
        while True:
            moment = wall.replace(tzinfo=zone).astimezone(UTC)
            if moment.astimezone(zone).replace(tzinfo=None) == wall:
                return moment
            wall += timedelta(minutes=1)

    def intervals_from(self, day: date, *, backwards: bool = False) -> Iterator[tuple[datetime, datetime]]:
        """UTC open intervals, day by day, forwards from `day` or backwards from it."""
        step = timedelta(days=-1 if backwards else 1)
        for _ in range(3 * 366):
            pieces = [(self.wall_clock(day, a), self.wall_clock(day, b)) for a, b in self.local_intervals(day)]
            yield from (reversed(pieces) if backwards else pieces)
            day += step


def _start_day(moment: datetime, spec: Spec) -> date:
    return moment.astimezone(ZoneInfo(spec.zone)).date() - timedelta(days=1)


def is_open(spec: Spec, moment: datetime) -> bool:
    for start, end in spec.intervals_from(_start_day(moment, spec)):
        if start > moment:
            return False
        if start <= moment < end:
            return True
    return False


def add(spec: Spec, moment: datetime, delta: timedelta) -> datetime:
    for start, end in spec.intervals_from(_start_day(moment, spec)):
        if end <= moment:
            continue
        start = max(start, moment)
        if delta <= end - start:
            return start + delta
        delta -= end - start
    raise AssertionError("ran out of calendar")


def subtract(spec: Spec, moment: datetime, delta: timedelta) -> datetime:
    last_day = moment.astimezone(ZoneInfo(spec.zone)).date() + timedelta(days=1)
    for start, end in spec.intervals_from(last_day, backwards=True):
        if start >= moment:
            continue
        end = min(end, moment)
        if delta < end - start:
            return end - delta
        delta -= end - start
        if delta == timedelta(0):
            return start
    raise AssertionError("ran out of calendar")


def between(spec: Spec, a: datetime, b: datetime) -> timedelta:
    if b < a:
        return -between(spec, b, a)
    total = timedelta(0)
    for start, end in spec.intervals_from(_start_day(a, spec)):
        if start >= b:
            return total
        overlap = min(end, b) - max(start, a)
        if overlap > timedelta(0):
            total += overlap
    raise AssertionError("ran out of calendar")
