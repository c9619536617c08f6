"""Deadlines from targets: the SLA rules on top of business-time arithmetic. No ORM here."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sla.business_time import BusinessCalendar
from sla.models import Unit

_CALENDAR_UNIT = {
    Unit.CALENDAR_MINUTES: timedelta(minutes=1),
    Unit.CALENDAR_HOURS: timedelta(hours=1),
    Unit.CALENDAR_DAYS: timedelta(days=1),
}
_BUSINESS_UNIT = {Unit.BUSINESS_MINUTES: timedelta(minutes=1), Unit.BUSINESS_HOURS: timedelta(hours=1)}


def due_at(*, opened_at: datetime, amount: int, unit: str, calendar: BusinessCalendar | None, zone: tzinfo) -> datetime:
    """When a target of `amount` `unit`s, started at `opened_at`, falls due.

    Calendar units count elapsed time, 24×7 with no holidays (a calendar day is 24 hours).
    Business minutes and hours count open time on the calendar; business days follow the
    business-day rule (the same local time on the n-th following business day).
    """
    if unit in _CALENDAR_UNIT:
        return (opened_at + amount * _CALENDAR_UNIT[unit]).astimezone(zone)
    if calendar is None:
        raise ValueError(f"A target in {unit} needs a business calendar.")
    if unit == Unit.BUSINESS_DAYS:
        return calendar.add_business_days(opened_at, amount)
    return calendar.add_business_time(opened_at, amount * _BUSINESS_UNIT[unit])
