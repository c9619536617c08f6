"""Writes of business calendars: hours, holidays and date overrides. Each change bumps the
calendar's revision so that the calendar cache builds it again, and records a SettingChange
(area "calendars") in the same transaction.

A calendar change does not move the stored deadlines of running clocks: PRODUCT.md has deadlines
computed when a case opens and recomputed when its priority changes, so a case keeps what it was
promised; the next recompute of a case (a priority change, a pause ending) counts on the calendar
as it is then."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.models import Tenant, User
from helpdesk.services import setting_change_record
from sla.business_time import WEEKDAYS, InvalidCalendar
from sla.calendar_cache import build_calendar
from sla.models import Calendar, CalendarHoliday, CalendarOverride

AREA = "calendars"
DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)


def _check_calendar(**parts: object) -> None:
    try:
        build_calendar(name="check", **parts)  # type: ignore[arg-type]
    except InvalidCalendar as error:
        raise ValidationFailed(str(error), errors={"calendar": [str(error)]}) from None


def intervals_text(intervals: list) -> str:
    """E.g. "09:00–12:00, 13:00–17:00"; "closed" for none."""
    return ", ".join(f"{a}–{b}" for a, b in intervals) or "closed"


def calendar_values(calendar: Calendar) -> dict[str, object]:
    """The calendar's settings as the history shows them."""
    holidays = " / ".join(p for p in (calendar.holiday_country, calendar.holiday_subdivision) if p)
    return {
        "Name": calendar.name,
        "Time zone": calendar.time_zone,
        "Public holidays of": holidays or "none",
        **{DAY_NAMES[d]: intervals_text(calendar.hours.get(d, [])) for d in WEEKDAYS},
    }


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
    actor: User | None = None,
) -> Calendar:
    """Create or change a calendar; refuses hours or holiday settings that do not make a calendar."""
    _check_calendar(
        time_zone=time_zone, hours=hours, holiday_country=holiday_country, holiday_subdivision=holiday_subdivision
    )
    taken = Calendar.objects.for_tenant(tenant).filter(name=name)
    if calendar is not None and calendar.pk:
        taken = taken.exclude(pk=calendar.pk)
    if taken.exists():
        raise ValidationFailed(f"A calendar “{name}” exists already.", errors={"name": ["Already in use."]})
    before = calendar_values(calendar) if calendar is not None and calendar.pk else None
    calendar = calendar or Calendar(tenant=tenant)
    calendar.name, calendar.time_zone, calendar.hours = name, time_zone, hours
    calendar.holiday_country, calendar.holiday_subdivision = holiday_country.upper(), holiday_subdivision.upper()
    if calendar.pk:
        calendar.save(
            update_fields=["name", "time_zone", "hours", "holiday_country", "holiday_subdivision"],
        )
        calendar_touch(calendar=calendar)
    else:
        calendar.save()
    setting_change_record(
        tenant=tenant, actor=actor, area=AREA, label=f"calendar {name}", before=before, after=calendar_values(calendar)
    )
    return calendar


def calendar_touch(*, calendar: Calendar) -> None:
    """Mark a calendar changed so that loaders rebuild it (after hours, holiday or override edits)."""
    mine = Calendar.objects.filter(pk=calendar.pk, tenant_id=calendar.tenant_id)
    mine.update(revision=F("revision") + 1, updated_at=timezone.now())
    calendar.revision, calendar.updated_at = mine.values_list("revision", "updated_at").get()


def _record_day(calendar: Calendar, actor: User | None, field: str, before: str | None, after: str | None) -> None:
    setting_change_record(
        tenant=calendar.tenant,
        actor=actor,
        area=AREA,
        label=f"calendar {calendar.name}",
        before={field: before} if before is not None else {field: ""},
        after={field: after} if after is not None else {field: ""},
        action="changed",
    )


@transaction.atomic
def calendar_holiday_add(
    *, calendar: Calendar, day: date, name: str = "", actor: User | None = None
) -> CalendarHoliday:
    holiday, _ = CalendarHoliday.objects.update_or_create(
        tenant_id=calendar.tenant_id, calendar=calendar, date=day, defaults={"name": name}
    )
    calendar_touch(calendar=calendar)
    _record_day(calendar, actor, f"Holiday {day.isoformat()}", None, name or "holiday")
    return holiday


@transaction.atomic
def calendar_holiday_remove(*, calendar: Calendar, holiday: CalendarHoliday, actor: User | None = None) -> None:
    if holiday.calendar_id != calendar.pk:
        raise ValidationFailed("That holiday is not on this calendar.", errors={"holiday": ["Not on this calendar."]})
    holiday.delete()
    calendar_touch(calendar=calendar)
    _record_day(calendar, actor, f"Holiday {holiday.date.isoformat()}", holiday.name or "holiday", None)


@transaction.atomic
def calendar_override_set(
    *, calendar: Calendar, day: date, intervals: list, note: str = "", actor: User | None = None
) -> CalendarOverride:
    _check_calendar(time_zone=calendar.time_zone, hours=calendar.hours, overrides={day: intervals})
    existing = CalendarOverride.objects.filter(tenant_id=calendar.tenant_id, calendar=calendar, date=day).first()
    override, _ = CalendarOverride.objects.update_or_create(
        tenant_id=calendar.tenant_id, calendar=calendar, date=day, defaults={"intervals": intervals, "note": note}
    )
    calendar_touch(calendar=calendar)
    before = intervals_text(existing.intervals) if existing else None
    _record_day(calendar, actor, f"Hours on {day.isoformat()}", before, intervals_text(intervals))
    return override


@transaction.atomic
def calendar_override_remove(*, calendar: Calendar, override: CalendarOverride, actor: User | None = None) -> None:
    if override.calendar_id != calendar.pk:
        raise ValidationFailed("That override is not on this calendar.", errors={"override": ["Not on this calendar."]})
    override.delete()
    calendar_touch(calendar=calendar)
    _record_day(calendar, actor, f"Hours on {override.date.isoformat()}", intervals_text(override.intervals), None)
