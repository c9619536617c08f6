"""Exact business-time arithmetic on a weekly calendar with holidays and date overrides.

Pure Python: no ORM, no settings, no clock. Inputs and results are timezone-aware datetimes
(results in the calendar's zone); durations are exact to the microsecond.

How it is fast: time is handled as integer microseconds since the Unix epoch. For each local
calendar year the calendar builds, once, the sorted open intervals of that year as UTC
microseconds with the open time accumulated before each one. Any instant then maps to
"open time since the start of its year" by one bisection, and any amount of open time maps back
to an instant by another; whole years in between are summed from cached totals. Nothing steps
minute by minute or day by day, whatever the span.

Semantics (PRODUCT.md "Business-time semantics"):
- Open intervals are half-open in local wall-clock time: open at 09:00, closed at 17:00.
- A clock that starts while closed starts at the next opening; a deadline that lands exactly on a
  closing is that closing.
- Subtracting runs the clock backwards; a result that lands exactly on an opening is that opening.
- DST changes count real elapsed time. A wall-clock time that does not exist (inside the gap when
  clocks go forward) means the moment the clocks jump, the first moment the clock shows that time
  or later; a time that happens twice (when clocks go back) means its first occurrence.
"""

from __future__ import annotations

import re
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise

__all__ = ["WEEKDAYS", "BusinessCalendar", "InvalidCalendar"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US_PER_MINUTE = 60_000_000
_US_PER_DAY = 86_400_000_000
_MEAN_YEAR_US = 31_556_952_000_000  # 365.2425 days
# Within ±2**52 µs of the epoch (years 1827 to 2112) a float timestamp rounds back to the exact
# microsecond, and datetime.fromtimestamp is several times faster than timedelta arithmetic.
_FLOAT_EXACT_US = 2**52
_TIME_RE = re.compile(r"^(\d{2}):(\d{2})$")
# A calendar with open hours reaches them within a few years; this bounds searches on calendars
# whose explicit holidays and overrides happen to close everything for a long stretch.
_MAX_YEARS_SEARCHED = 50

Interval = tuple[int, int]  # minutes since local midnight, end exclusive; 1440 is "24:00"


class InvalidCalendar(ValueError):
    """The calendar definition is not usable; the message says what to fix."""


def _parse_time(text: str, *, where: str) -> int:
    match = _TIME_RE.match(text) if isinstance(text, str) else None
    if not match:
        raise InvalidCalendar(f"{where}: “{text}” is not a time in HH:MM form.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise InvalidCalendar(f"{where}: “{text}” is not a time of day (00:00 to 24:00).")
    return hours * 60 + minutes


def _parse_intervals(raw: Sequence[Sequence[str]], *, where: str) -> tuple[Interval, ...]:
    intervals = []
    for pair in raw:
        if len(pair) != 2:
            raise InvalidCalendar(f"{where}: each interval is a (start, end) pair, got {pair!r}.")
        start = _parse_time(pair[0], where=where)
        end = _parse_time(pair[1], where=where)
        if start == 1440:
            raise InvalidCalendar(f"{where}: an interval cannot start at 24:00.")
        if end <= start:
            raise InvalidCalendar(
                f"{where}: {pair[0]}–{pair[1]} ends before it starts; an overnight shift is two intervals."
            )
        intervals.append((start, end))
    intervals.sort()
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start < merged[-1][1]:
            raise InvalidCalendar(f"{where}: intervals overlap around {start // 60:02d}:{start % 60:02d}.")
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)  # touching intervals are one
        else:
            merged.append((start, end))
    return tuple(merged)


def _to_us(moment: datetime) -> int:
    try:
        delta = moment - _EPOCH
    except TypeError:
        raise ValueError(f"{moment!r} is naive: business-time arithmetic needs timezone-aware datetimes.") from None
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _utc_offset(moment: datetime) -> timedelta:
    """The UTC offset of an aware datetime (only a naive one has none, and none gets this far)."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("naive datetime")
    return offset


def _delta_us(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class _Year:
    """The open intervals of one local calendar year as UTC microseconds, with running totals."""

    __slots__ = ("cum", "cum_end", "ends", "first_us", "next_first_us", "number", "starts", "total")

    def __init__(self, number: int, starts: list[int], ends: list[int], first_us: int, next_first_us: int) -> None:
        self.number = number
        self.starts = starts
        self.ends = ends
        self.first_us = first_us  # local 1 January 00:00 of the year
        self.next_first_us = next_first_us  # local 1 January 00:00 of the next year
        cum, cum_end, total = [], [], 0
        for start, end in zip(starts, ends, strict=True):
            cum.append(total)
            total += end - start
            cum_end.append(total)
        self.cum = cum  # open time before interval i
        self.cum_end = cum_end  # open time up to the end of interval i
        self.total = total

    def open_before(self, us: int) -> int:
        """Open time in this year before the instant `us` (which lies in this year)."""
        i = bisect_right(self.ends, us)
        if i == len(self.ends):
            return self.total
        start = self.starts[i]
        return self.cum[i] + (us - start if us > start else 0)

    def instant_reaching(self, amount: int) -> int:
        """Earliest instant by which `amount` (0 < amount <= total) of open time has passed."""
        i = bisect_left(self.cum_end, amount)
        return self.starts[i] + (amount - self.cum[i])

    def instant_leaving(self, amount: int) -> int:
        """Latest instant with exactly `amount` (0 <= amount < total) of open time before it."""
        i = bisect_right(self.cum, amount) - 1
        return self.starts[i] + (amount - self.cum[i])


class BusinessCalendar:
    """A business calendar: an IANA zone, weekly open hours, holidays and date overrides.

    `hours` maps "mon".."sun" to lists of ("HH:MM", "HH:MM") local open intervals ("24:00" ends a
    day); `holidays` are dates closed all day; `overrides` maps a date to the intervals that
    replace that weekday's hours on that date (an empty list closes it). An override wins over a
    holiday on the same date.
    """

    def __init__(
        self,
        timezone: str | tzinfo,
        hours: Mapping[str, Sequence[Sequence[str]]],
        holidays: Iterable[date] = (),
        overrides: Mapping[date, Sequence[Sequence[str]]] | None = None,
    ) -> None:
        self.zone = self._zone(timezone)
        unknown = set(hours) - set(WEEKDAYS)
        if unknown:
            raise InvalidCalendar(f"Unknown weekday {sorted(unknown)[0]!r}: use {', '.join(WEEKDAYS)}.")
        self._weekly = tuple(_parse_intervals(hours.get(day, ()), where=day) for day in WEEKDAYS)
        self._holidays = frozenset(holidays)
        if any(not isinstance(day, date) or isinstance(day, datetime) for day in self._holidays):
            raise InvalidCalendar("Holidays must be dates.")
        self._overrides = {
            day: _parse_intervals(intervals, where=day.isoformat()) for day, intervals in (overrides or {}).items()
        }
        if not any(self._weekly) and not any(self._overrides.values()):
            raise InvalidCalendar("The calendar has no open hours at all.")
        self._years: dict[int, _Year] = {}
        self._last_year: _Year | None = None  # the year last looked up: most calls stay in it
        self._business_days: dict[int, list[int]] = {}

    @staticmethod
    def _zone(timezone: str | tzinfo) -> tzinfo:
        if isinstance(timezone, tzinfo):
            return timezone
        try:
            return zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise InvalidCalendar(
                f"Unknown time zone {timezone!r}: use an IANA name such as Australia/Sydney."
            ) from None

    def __repr__(self) -> str:
        return f"<BusinessCalendar {self.zone}>"

    # -- public API -------------------------------------------------------------------------

    def is_open(self, moment: datetime) -> bool:
        us = _to_us(moment)
        year = self._year(self._year_of(us))
        i = bisect_right(year.ends, us)
        return i < len(year.ends) and year.starts[i] <= us

    def next_open(self, moment: datetime) -> datetime:
        """The moment itself when open, else the next opening."""
        return self._from_us(self._next_open_us(_to_us(moment)))

    def add_business_time(self, start: datetime, delta: timedelta) -> datetime:
        amount = _delta_us(delta)
        if amount < 0:
            return self.subtract_business_time(start, -delta)
        us = _to_us(start)
        if amount == 0:
            return self._from_us(self._next_open_us(us))
        year_number = self._year_of(us)
        year = self._year(year_number)
        target = year.open_before(us) + amount
        for _ in range(_MAX_YEARS_SEARCHED + amount // _MEAN_YEAR_US):
            if target <= year.total:
                return self._from_us(year.instant_reaching(target))
            target -= year.total
            year_number += 1
            year = self._year(year_number)
        raise InvalidCalendar("The calendar has no open hours for decades after the start.")

    def subtract_business_time(self, end: datetime, delta: timedelta) -> datetime:
        amount = _delta_us(delta)
        if amount < 0:
            return self.add_business_time(end, -delta)
        us = _to_us(end)
        if amount == 0:
            return self._from_us(self._previous_close_us(us))
        year_number = self._year_of(us)
        year = self._year(year_number)
        target = year.open_before(us) - amount
        for _ in range(_MAX_YEARS_SEARCHED + amount // _MEAN_YEAR_US):
            if target >= 0 and year.total:
                return self._from_us(year.instant_leaving(target))
            year_number -= 1
            year = self._year(year_number)
            target += year.total
        raise InvalidCalendar("The calendar has no open hours for decades before the end.")

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Open time from a to b; negative when b is earlier than a."""
        return timedelta(microseconds=self._between_us(_to_us(a), _to_us(b)))

    def add_business_days(self, start: datetime, n: int) -> datetime:
        """The same local time of day on the n-th following business day (see module docs)."""
        if n < 0:
            raise ValueError("add_business_days needs n >= 0.")
        opened = self._from_us(self._next_open_us(_to_us(start)))
        if n == 0:
            return opened
        time_of_day = (
            (opened.hour * 60 + opened.minute) * _US_PER_MINUTE + opened.second * 1_000_000 + opened.microsecond
        )
        target_day = self._business_day_after(opened.date(), n)
        intervals = self.intervals_on(target_day)
        if time_of_day <= intervals[0][0] * _US_PER_MINUTE:
            previous = self._business_day_before(target_day)
            return self._at(previous, self.intervals_on(previous)[-1][1] * _US_PER_MINUTE)
        last_close = intervals[0][0] * _US_PER_MINUTE
        for start_minute, end_minute in intervals:
            if time_of_day < start_minute * _US_PER_MINUTE:
                return self._at(target_day, last_close)  # in a break: the closing before it
            if time_of_day < end_minute * _US_PER_MINUTE:
                return self._at(target_day, time_of_day)
            last_close = end_minute * _US_PER_MINUTE
        return self._at(target_day, last_close)  # past the day's hours: its last closing

    def open_periods(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        """The open periods between a and b (clipped to them), in order; for explanations."""
        lo, hi = _to_us(a), _to_us(b)
        periods: list[tuple[datetime, datetime]] = []
        year_number = self._year_of(lo)
        while lo < hi:
            year = self._year(year_number)
            for i in range(bisect_right(year.ends, lo), len(year.ends)):
                if year.starts[i] >= hi:
                    return periods
                periods.append((self._from_us(max(lo, year.starts[i])), self._from_us(min(hi, year.ends[i]))))
            lo = max(lo, year.next_first_us)
            year_number += 1
        return periods

    # -- what a day looks like --------------------------------------------------------------

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """Local open intervals of a date, in minutes since midnight (override, holiday, weekday)."""
        override = self._overrides.get(day)
        if override is not None:
            return override
        if day in self._holidays:
            return ()
        return self._weekly[day.weekday()]

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays and day not in self._overrides

    # -- internals --------------------------------------------------------------------------

    def _from_us(self, us: int) -> datetime:
        if -_FLOAT_EXACT_US < us < _FLOAT_EXACT_US:
            return datetime.fromtimestamp(us / 1_000_000, self.zone)
        return (_EPOCH + timedelta(microseconds=us)).astimezone(self.zone)

    def _at(self, day: date, time_of_day_us: int) -> datetime:
        return self._from_us(self._wall_clock_us(day, time_of_day_us))

    def _wall_clock_us(self, day: date, time_of_day_us: int) -> int:
        """The instant a local wall-clock time happens on a date ("24:00" is the next midnight)."""
        local = datetime.combine(day, time(0), tzinfo=self.zone) + timedelta(microseconds=time_of_day_us)
        before, after = local.utcoffset(), local.replace(fold=1).utcoffset()
        if before is not None and after is not None and before < after:
            # In a gap the clock never shows this time: take the moment it jumps, which is when
            # it first shows a time at or after this one. Gaps end on a whole minute.
            local = local.replace(second=0, microsecond=0)
            while _utc_offset(local) < _utc_offset(local.replace(fold=1)):
                local += timedelta(minutes=1)
        return _to_us(local)

    def _local_midnight_us(self, day: date) -> int:
        return self._wall_clock_us(day, 0)

    def _year_of(self, us: int) -> int:
        last = self._last_year
        if last is not None and last.first_us <= us < last.next_first_us:
            return last.number
        year_number = 1970 + us // _MEAN_YEAR_US
        while True:
            year = self._year(year_number)
            if us < year.first_us:
                year_number -= 1
            elif us >= year.next_first_us:
                year_number += 1
            else:
                self._last_year = year
                return year_number

    def _year(self, year_number: int) -> _Year:
        year = self._years.get(year_number)
        if year is None:
            year = self._years[year_number] = self._build_year(year_number)
        return year

    def _build_year(self, year_number: int) -> _Year:
        starts: list[int] = []
        ends: list[int] = []
        first_day = date(year_number, 1, 1)
        offsets = self._midnight_offsets(first_day, (date(year_number + 1, 1, 1) - first_day).days)
        epoch_ordinal = _EPOCH.date().toordinal()
        for i, offset in enumerate(offsets[:-1]):
            day = first_day + timedelta(days=i)
            intervals = self.intervals_on(day)
            # With one UTC offset from the previous midnight to the next, the day's wall clock is
            # plain arithmetic; only days next to a DST change go through the zone per boundary.
            steady = offsets[i + 1] == offset and (i == 0 or offsets[i - 1] == offset)
            midnight = (day.toordinal() - epoch_ordinal) * _US_PER_DAY - offset
            for start_minute, end_minute in intervals:
                if steady:
                    start = midnight + start_minute * _US_PER_MINUTE
                    end = midnight + end_minute * _US_PER_MINUTE
                else:
                    start = self._wall_clock_us(day, start_minute * _US_PER_MINUTE)
                    end = self._wall_clock_us(day, end_minute * _US_PER_MINUTE)
                if end > start:  # an interval wholly inside a DST gap holds no time
                    starts.append(start)
                    ends.append(end)
        first = self._local_midnight_us(first_day)
        following = self._local_midnight_us(date(year_number + 1, 1, 1))
        return _Year(year_number, starts, ends, first, following)

    def _midnight_offsets(self, first_day: date, days: int) -> list[int]:
        """UTC offsets (µs) at local midnight of `days` days from first_day, and of the day after.

        Probes weekly and looks at every day only in weeks whose offset changed: time zones do
        not change their offset and back within one week.
        """

        def offset(i: int) -> int:
            moment = datetime.combine(first_day + timedelta(days=i), time(0), tzinfo=self.zone)
            return _delta_us(_utc_offset(moment))

        probes = [*range(0, days, 7), days]
        probed = [offset(i) for i in probes]
        offsets: list[int] = []
        for (a, b), (offset_a, offset_b) in zip(pairwise(probes), pairwise(probed), strict=True):
            if offset_a == offset_b:
                offsets.extend([offset_a] * (b - a))
            else:
                offsets.extend([offset_a] + [offset(i) for i in range(a + 1, b)])
        offsets.append(probed[-1])
        return offsets

    def _next_open_us(self, us: int) -> int:
        year_number = self._year_of(us)
        year = self._year(year_number)
        i = bisect_right(year.ends, us)
        if i < len(year.ends):
            return max(us, year.starts[i])
        for _ in range(_MAX_YEARS_SEARCHED):
            year_number += 1
            year = self._year(year_number)
            if year.starts:
                return year.starts[0]
        raise InvalidCalendar("The calendar has no open hours for decades after the start.")

    def _previous_close_us(self, us: int) -> int:
        """The moment itself when open, else the last closing before it."""
        year_number = self._year_of(us)
        year = self._year(year_number)
        i = bisect_right(year.ends, us)
        if i < len(year.ends) and year.starts[i] <= us:
            return us
        if i > 0:
            return year.ends[i - 1]
        for _ in range(_MAX_YEARS_SEARCHED):
            year_number -= 1
            year = self._year(year_number)
            if year.ends:
                return year.ends[-1]
        raise InvalidCalendar("The calendar has no open hours for decades before the end.")

    def _between_us(self, a: int, b: int) -> int:
        if b < a:
            return -self._between_us(b, a)
        year_a, year_b = self._year_of(a), self._year_of(b)
        if year_a == year_b:
            year = self._year(year_a)
            return year.open_before(b) - year.open_before(a)
        first = self._year(year_a)
        total = first.total - first.open_before(a)
        for year_number in range(year_a + 1, year_b):
            total += self._year(year_number).total
        return total + self._year(year_b).open_before(b)

    def _business_days_of(self, year_number: int) -> list[int]:
        """Ordinals of the dates in a year that have open hours."""
        days = self._business_days.get(year_number)
        if days is None:
            first = date(year_number, 1, 1).toordinal()
            last = date(year_number, 12, 31).toordinal()
            days = [o for o in range(first, last + 1) if self.intervals_on(date.fromordinal(o))]
            self._business_days[year_number] = days
        return days

    def _business_day_after(self, day: date, n: int) -> date:
        year_number = day.year
        days = self._business_days_of(year_number)
        index = bisect_right(days, day.toordinal()) + n - 1
        for _ in range(_MAX_YEARS_SEARCHED + n // 200):
            if index < len(days):
                return date.fromordinal(days[index])
            index -= len(days)
            year_number += 1
            days = self._business_days_of(year_number)
        raise InvalidCalendar("The calendar has no business days for decades after the start.")

    def _business_day_before(self, day: date) -> date:
        year_number = day.year
        days = self._business_days_of(year_number)
        index = bisect_left(days, day.toordinal()) - 1
        for _ in range(_MAX_YEARS_SEARCHED):
            if index >= 0:
                return date.fromordinal(days[index])
            year_number -= 1
            days = self._business_days_of(year_number)
            index = len(days) - 1
        raise InvalidCalendar("The calendar has no business days for decades before the end.")
