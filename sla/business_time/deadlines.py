"""Deadlines from targets: the SLA rules on top of business-time arithmetic. Pure: no ORM, no clock.

Units are named by their stored values (`sla.models.Unit`, a test checks the two agree), so this
module needs no Django.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from sla.business_time.calendar import BusinessCalendar

CALENDAR_UNITS: dict[str, timedelta] = {
    "calendar_minutes": timedelta(minutes=1),
    "calendar_hours": timedelta(hours=1),
    "calendar_days": timedelta(days=1),
}
BUSINESS_DAYS = "business_days"
BUSINESS_UNITS: dict[str, timedelta] = {"business_minutes": timedelta(minutes=1), "business_hours": timedelta(hours=1)}


def read_in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """The instant a time means, in UTC: an aware time as it is; a naive one read as a wall-clock
    time in `zone`. A wall-clock time that does not exist (in the gap when clocks go forward) means
    the moment the clocks jump; one that happens twice (when they go back) its first occurrence.

    `replace(tzinfo=zone)` alone is not enough: Python reads a time in the gap with the offset
    from before the jump, an hour past the jump, keeps the impossible wall-clock time, and never
    finds a zoned time in a gap or a repeated hour equal to the same instant in another zone.
    """
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    local = moment.replace(tzinfo=zone, fold=0)
    before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
    if before is None or after is None or before >= after:
        return local.astimezone(UTC)  # fold=0 is the first occurrence of a repeated time
    # In a gap the jump T satisfies T + before <= wall < T + after. Zone changes happen on whole
    # seconds, so bisect over the whole seconds between (wall - after) and (wall - before).
    wall = moment.replace(tzinfo=UTC, microsecond=0)
    low, high = int((wall - after).timestamp()), int((wall - before).timestamp())
    while high - low > 1:  # the zone's offset is `before` at low and `after` at high
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def due_at(*, opened_at: datetime, amount: int, unit: str, calendar: BusinessCalendar | None, zone: tzinfo) -> datetime:
    """When a target of `amount` `unit`s, started at `opened_at`, falls due.

    Calendar units count elapsed time, 24×7 with no holidays (a calendar day is 24 hours).
    Business minutes and hours count open time on the calendar; business days follow the
    business-day rule (the same local time on the n-th following business day).
    """
    if unit in CALENDAR_UNITS:
        # In UTC: Python adds to a zoned datetime on the wall clock, which across a DST change
        # is an hour off real elapsed time and can land on a wall-clock time that never happens.
        return (opened_at.astimezone(UTC) + amount * CALENDAR_UNITS[unit]).astimezone(zone)
    if calendar is None:
        raise ValueError(f"A target in {unit} needs a business calendar.")
    if unit == BUSINESS_DAYS:
        return calendar.add_business_days(opened_at, amount)
    return calendar.add_business_time(opened_at, amount * BUSINESS_UNITS[unit])
