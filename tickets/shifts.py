"""Analysts' shifts: weekly hours in each analyst's own time zone, and who is on shift now."""

from __future__ import annotations

import re
from datetime import datetime

from django.core.exceptions import ValidationError

from helpdesk.models import User
from sla.business_time import BusinessCalendar, InvalidCalendar
from tickets.models import StaffProfile

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def check_shift_hours(hours: object) -> dict[str, list[list[str]]]:
    """Shift hours as stored, or a ValidationError saying what is wrong."""
    if not isinstance(hours, dict) or set(hours) - set(DAYS):
        raise ValidationError("Shift hours name days mon … sun.")
    try:
        BusinessCalendar("UTC", hours)
    except (ValueError, TypeError) as error:
        raise ValidationError(f"Shift hours are not valid: {error}") from None
    return {day: [list(interval) for interval in intervals] for day, intervals in hours.items()}


DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_INTERVAL = re.compile(r"^\s*(\d{1,2}:\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}:\d{2})\s*$")


def parse_shift_day(text: str) -> list[list[str]]:
    """One weekday's shift hours as typed ("09:00-13:00, 14:00-17:30"; empty: no shift), or a
    ValidationError that says what to change: each interval ends after it starts (24:00 ends the
    day; an overnight shift is two intervals) and intervals do not overlap."""
    pieces = [piece for piece in re.split(r"[,;]", text or "") if piece.strip()]
    intervals = []
    for piece in pieces:
        match = _INTERVAL.match(piece)
        if match is None:
            raise ValidationError(f"“{piece.strip()}” is not an interval: write it as 09:00-17:00.")
        start, end = (value.zfill(5) for value in match.groups())
        intervals.append([start, end])
    if intervals:
        try:
            BusinessCalendar("UTC", {"mon": intervals})
        except InvalidCalendar as error:
            message = str(error).removeprefix("mon: ")
            raise ValidationError(message[:1].upper() + message[1:]) from None
    return sorted(intervals)


def format_shift_day(intervals: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def has_shift(user: User) -> bool:
    try:
        return bool(user.staff_profile.shift_hours)
    except StaffProfile.DoesNotExist:
        return False


def on_shift(user: User, *, now: datetime, default_zone: str) -> bool:
    """Whether the user's shift hours (read with the user: `select_related("staff_profile")`), in
    the user's own zone (else `default_zone`, the tenant's), include `now`; nobody without shift
    hours is on shift."""
    try:
        hours = user.staff_profile.shift_hours
    except StaffProfile.DoesNotExist:
        return False
    if not hours:
        return False
    return BusinessCalendar(user.time_zone or default_zone, hours).is_open(now)
