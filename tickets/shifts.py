"""Analysts' shifts: weekly hours in each analyst's own time zone, and who is on shift now."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError

from helpdesk.models import User
from sla.business_time import BusinessCalendar
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
