"""The cache of business calendars: turn a stored calendar into a `BusinessCalendar` once, and reuse
it until the calendar changes; and give a stored target or clock the measure its deadline is
reckoned in. The arithmetic itself is pure and lives in `sla.business_time`."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays as holidays_package

from sla.business_time import BusinessCalendar, InvalidCalendar
from sla.business_time.clock_maths import Measure, instant_after, target_length
from sla.models import Calendar, SlaClock, SlaTarget, Unit

# Public holidays are materialised for these years; spans outside them see no public holidays.
HOLIDAY_YEARS = range(2000, 2076)
_CACHE_SIZE = 256


@dataclass(frozen=True)
class LoadedCalendar:
    name: str
    business: BusinessCalendar
    holiday_names: dict[date, str]


_cache: OrderedDict[tuple[int, int], LoadedCalendar] = OrderedDict()
_lock = threading.Lock()


def public_holidays(country: str, subdivision: str = "") -> dict[date, str]:
    if not country:
        return {}
    try:
        found = holidays_package.country_holidays(country, subdiv=subdivision or None, years=HOLIDAY_YEARS)
    except NotImplementedError:
        raise InvalidCalendar(f"The holidays package knows no country “{country}”.") from None
    except Exception as error:  # the package reports an unknown subdivision with a plain exception
        raise InvalidCalendar(f"No public holidays for {country}/{subdivision}: {error}") from None
    return dict(found.items())


def build_calendar(
    *,
    name: str,
    time_zone: str,
    hours: dict,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    explicit_holidays: dict[date, str] | None = None,
    overrides: dict[date, list] | None = None,
) -> LoadedCalendar:
    """A calendar from its parts; raises InvalidCalendar with a clear message when they are wrong."""
    names = {**public_holidays(holiday_country, holiday_subdivision), **(explicit_holidays or {})}
    business = BusinessCalendar(time_zone, hours, holidays=names.keys(), overrides=overrides or {})
    return LoadedCalendar(name=name, business=business, holiday_names=names)


def load_calendar(calendar: Calendar) -> LoadedCalendar:
    """The calendar's BusinessCalendar, built once per revision and kept in a small LRU cache."""
    key = (calendar.pk, calendar.revision)
    with _lock:
        loaded = _cache.get(key)
        if loaded is not None:
            _cache.move_to_end(key)
            return loaded
    loaded = build_calendar(
        name=calendar.name,
        time_zone=calendar.time_zone,
        hours=calendar.hours,
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        # Scoped by the calendar's tenant id: reading the tenant row itself would cost a query.
        explicit_holidays={h.date: h.name for h in calendar.holidays.filter(tenant_id=calendar.tenant_id)},
        overrides={o.date: o.intervals for o in calendar.overrides.filter(tenant_id=calendar.tenant_id)},
    )
    with _lock:
        _cache[key] = loaded
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


class Target(Protocol):
    """A target as clocks, policy rows and the targets form hold it (read only, so frozen
    dataclasses fit too)."""

    @property
    def amount(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def calendar(self) -> Calendar | None: ...


def clock_measure(*, clock: SlaClock | SlaTarget | Target, zone_name: str) -> Measure:
    """The measure a clock counts in: its calendar's open time, or elapsed time for calendar units."""
    business = None
    if Unit.is_business(clock.unit):
        if clock.calendar is None:
            raise ValueError(f"A target in {clock.unit} needs a business calendar.")
        business = load_calendar(clock.calendar).business
    return Measure(calendar=business, zone=business.zone if business else ZoneInfo(zone_name))


@dataclass(frozen=True)
class Commitment:
    """What a target commits to for a clock started at an instant, before any pause."""

    measure: Measure
    length: timedelta
    due_at: datetime


def target_commitment(*, target: SlaClock | SlaTarget | Target, started_at: datetime, zone_name: str) -> Commitment:
    """The measure, length and deadline of `target` for a clock started at `started_at`.

    Quotes, the targets preview and a newly opened case's clocks all come from here, so a quote
    for an instant is the deadline a case opened then stores.
    """
    measure = clock_measure(clock=target, zone_name=zone_name)
    length = target_length(measure=measure, started_at=started_at, amount=target.amount, unit=target.unit)
    due = instant_after(measure=measure, started_at=started_at, length=length, pauses=())
    # Narrows the type only: with pauses=() instant_after always returns an instant.
    assert due is not None  # nosec B101  # a type narrowing, not a check
    return Commitment(measure=measure, length=length, due_at=due)
