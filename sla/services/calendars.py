"""Writes of business calendars: hours, holidays and date overrides. Each change bumps the
calendar's revision so that the calendar cache builds it again."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.models import Tenant
from sla.business_time import InvalidCalendar
from sla.calendar_cache import build_calendar
from sla.models import Calendar, CalendarHoliday, CalendarOverride
from sla.services.reschedule import clocks_reschedule


def _check_calendar(**parts: object) -> None:
    try:
        build_calendar(name="check", **parts)  # type: ignore[arg-type]
    except InvalidCalendar as error:
        raise ValidationFailed(str(error), errors={"calendar": [str(error)]}) from None


@transaction.atomic
def calendar_save(
    *,
    tenant: Tenant,
    name: str,
    time_zone: str,
    hours: dict,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    calendar: Calendar | None = None,
) -> Calendar:
    """Create or change a calendar; refuses hours or holiday settings that do not make a calendar."""
    _check_calendar(
        time_zone=time_zone, hours=hours, holiday_country=holiday_country, holiday_subdivision=holiday_subdivision
    )
    if calendar is None:
        if Calendar.objects.for_tenant(tenant).filter(name=name).exists():
            raise ValidationFailed(f"A calendar “{name}” exists already.", errors={"name": ["Already in use."]})
        calendar = Calendar(tenant=tenant)
    calendar.name, calendar.time_zone, calendar.hours = name, time_zone, hours
    calendar.holiday_country, calendar.holiday_subdivision = holiday_country.upper(), holiday_subdivision.upper()
    if calendar.pk:
        calendar.save(
            update_fields=["name", "time_zone", "hours", "holiday_country", "holiday_subdivision"],
        )
        calendar_touch(calendar=calendar)
    else:
        calendar.save()
    return calendar


def calendar_touch(*, calendar: Calendar, at: datetime | None = None) -> None:
    """Mark a calendar changed so that loaders rebuild it (after hours, holiday or override edits),
    and reschedule the running clocks on it (sla.services.reschedule), in the caller's transaction."""
    now = at or timezone.now()
    Calendar.objects.filter(pk=calendar.pk).update(revision=F("revision") + 1, updated_at=now)
    calendar.refresh_from_db(fields=["revision", "updated_at"])
    clocks_reschedule(calendar=calendar, now=now)


@transaction.atomic
def calendar_holiday_add(
    *, calendar: Calendar, day: date, name: str = "", at: datetime | None = None
) -> CalendarHoliday:
    holiday, _ = CalendarHoliday.objects.update_or_create(
        tenant_id=calendar.tenant_id, calendar=calendar, date=day, defaults={"name": name}
    )
    calendar_touch(calendar=calendar, at=at)
    return holiday


@transaction.atomic
def calendar_override_set(*, calendar: Calendar, day: date, intervals: list, note: str = "") -> CalendarOverride:
    _check_calendar(time_zone=calendar.time_zone, hours=calendar.hours, overrides={day: intervals})
    override, _ = CalendarOverride.objects.update_or_create(
        tenant_id=calendar.tenant_id, calendar=calendar, date=day, defaults={"intervals": intervals, "note": note}
    )
    calendar_touch(calendar=calendar)
    return override
