"""SLA clock arithmetic: deadlines and at-risk instants with pauses. Pure: no ORM, no clock.

A clock measures time in its target's measure: open time on a business calendar for business
units, elapsed time for calendar units. A target becomes a *length* in that measure (so that
"1 business day" and "8 business hours" are handled alike), and a deadline is the instant at
which that much unpaused time has passed since the clock started.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal

from sla.business_time.calendar import BusinessCalendar
from sla.business_time.deadlines import due_at

Pause = tuple[datetime, datetime | None]  # (started, ended); ended None while it lasts


@dataclass(frozen=True)
class Measure:
    """Open time on a business calendar, or elapsed time when there is none."""

    calendar: BusinessCalendar | None
    zone: tzinfo

    # Elapsed time is reckoned in UTC: Python subtracts and adds datetimes of one zone on the wall
    # clock, which across a DST change is an hour off.
    def between(self, a: datetime, b: datetime) -> timedelta:
        return self.calendar.business_time_between(a, b) if self.calendar else b.astimezone(UTC) - a.astimezone(UTC)

    def add(self, start: datetime, length: timedelta) -> datetime:
        if self.calendar is not None:
            return self.calendar.add_business_time(start, length)
        return (start.astimezone(UTC) + length).astimezone(self.zone)

    def start(self, moment: datetime) -> datetime:
        """When a clock started at `moment` starts counting (the next opening when closed)."""
        return self.calendar.next_open(moment) if self.calendar else moment.astimezone(self.zone)


def target_length(*, measure: Measure, started_at: datetime, amount: int, unit: str) -> timedelta:
    """How much of the measure a target allows, for a clock started at `started_at`."""
    due = due_at(opened_at=started_at, amount=amount, unit=unit, calendar=measure.calendar, zone=measure.zone)
    return measure.between(started_at, due)


def _in_utc(pauses: Sequence[Pause]) -> list[Pause]:
    # Python compares datetimes of one zone on the wall clock, which is wrong in a repeated hour.
    return [(a.astimezone(UTC), b.astimezone(UTC) if b else None) for a, b in pauses]


def instant_after(
    *, measure: Measure, started_at: datetime, length: timedelta, pauses: Sequence[Pause]
) -> datetime | None:
    """The instant at which `length` of unpaused time has passed since `started_at`.

    None when a pause that is still going on begins before that instant: the clock is stopped.
    Pauses must not overlap; they are taken in order.
    """
    cursor, remaining = started_at.astimezone(UTC), length
    for paused_at, resumed_at in sorted(_in_utc(pauses), key=lambda pause: pause[0]):
        if resumed_at is not None and resumed_at <= cursor:
            continue
        if paused_at > cursor:
            candidate = measure.add(cursor, remaining)
            if candidate <= paused_at:
                return candidate
            remaining -= measure.between(cursor, paused_at)
        if resumed_at is None:
            return None
        cursor = max(cursor, resumed_at)
    return measure.add(cursor, remaining)


def share_of(length: timedelta, share: Decimal) -> timedelta:
    """`share` of a length, exactly (to the microsecond, rounded down)."""
    microseconds = (length.days * 86_400 + length.seconds) * 1_000_000 + length.microseconds
    return timedelta(microseconds=int(microseconds * share))


def elapsed(*, measure: Measure, started_at: datetime, until: datetime, pauses: Sequence[Pause]) -> timedelta:
    """Unpaused time of the measure from `started_at` to `until`."""
    started_at, until = started_at.astimezone(UTC), until.astimezone(UTC)
    total = measure.between(started_at, until) if until > started_at else timedelta(0)
    for paused_at, resumed_at in _in_utc(pauses):
        a, b = max(paused_at, started_at), min(resumed_at or until, until)
        if b > a:
            total -= measure.between(a, b)
    return total
