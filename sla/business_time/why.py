"""Why a case's deadline is where it is, as one sentence of worked arithmetic (the SLA timers on the
case page; the settings previews' line-by-line why is `explain.py`). Pure: no ORM, no clock.

    opened Fri 16:00; 1 h on Fri + 7 h on Mon = 8 business hours → Mon 16:00;
    skipped: weekend, 26 Jan Australia Day

The counted time is the measure's open time (a business calendar's open hours, or every hour
when there is none) between the start and the deadline, less the pauses, grouped by local date.
Three or more days in a row that count the same are written once ("3 × 8 h (Tue–Thu)"). Days
that counted nothing are named as skipped: a holiday by its date and name, a Saturday or Sunday
the calendar is closed as "weekend", any other closed day by its date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from sla.business_time.clock_maths import Measure

LabelledPause = tuple[datetime, datetime | None, str]  # (started, ended or None while it lasts, why)
ARROW = "→"


def span_words(length: timedelta) -> str:
    """A length as "7 h", "7 h 30 min", "45 min" (seconds dropped)."""
    minutes = int(length.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def target_words(amount: int, unit: str) -> str:
    """A target as words: 8 business_hours -> "8 business hours", 1 calendar_days -> "1 calendar day"."""
    words = unit.replace("_", " ")
    return f"{amount} {words[:-1] if amount == 1 and words.endswith('s') else words}"


def _split_at_midnights(start: datetime, end: datetime, measure: Measure) -> list[tuple[datetime, datetime]]:
    pieces = []
    cursor = start.astimezone(measure.zone)
    end = end.astimezone(measure.zone)
    while cursor < end:
        next_day = cursor.date() + timedelta(days=1)
        midnight = datetime(next_day.year, next_day.month, next_day.day, tzinfo=measure.zone)
        stop = min(end, midnight.astimezone(UTC).astimezone(measure.zone))
        pieces.append((cursor, stop))
        cursor = stop
    return pieces


def _without_pauses(
    periods: list[tuple[datetime, datetime]], pauses: Sequence[LabelledPause], until: datetime
) -> list[tuple[datetime, datetime]]:
    out = []
    for start, end in periods:
        pieces = [(start.astimezone(UTC), end.astimezone(UTC))]
        for paused_at, resumed_at, _why in pauses:
            a, b = paused_at.astimezone(UTC), (resumed_at or until).astimezone(UTC)
            pieces = [part for s, e in pieces for part in ((s, min(e, a)), (max(s, b), e)) if part[1] > part[0]]
        out += [(s.astimezone(start.tzinfo), e.astimezone(start.tzinfo)) for s, e in pieces]
    return out


def counted_by_day(
    *, measure: Measure, started_at: datetime, until: datetime, pauses: Sequence[LabelledPause] = ()
) -> list[tuple[date, timedelta]]:
    """The time the clock counted on each local date from `started_at` to `until`, in order."""
    if until <= started_at:
        return []
    if measure.calendar is not None:
        periods = measure.calendar.open_periods(started_at, until)
    else:
        periods = [(started_at, until)]
    pieces = [p for s, e in periods for p in _split_at_midnights(s, e, measure)]
    days: dict[date, timedelta] = {}
    for start, end in _without_pauses(pieces, pauses, until):
        day = start.astimezone(measure.zone).date()
        days[day] = days.get(day, timedelta(0)) + (end.astimezone(UTC) - start.astimezone(UTC))
    return sorted(days.items())


def _day_label(day: date, *, long: bool) -> str:
    return f"{day:%a} {day.day} {day:%b}" if long else f"{day:%a}"


def _sum_terms(days: list[tuple[date, timedelta]], *, long: bool) -> list[str]:
    terms: list[str] = []
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1][1] == days[i][1] and days[j + 1][0] - days[j][0] == timedelta(days=1):
            j += 1
        if j - i >= 2:
            first, last = _day_label(days[i][0], long=long), _day_label(days[j][0], long=long)
            terms.append(f"{j - i + 1} × {span_words(days[i][1])} ({first}–{last})")
            i = j + 1
        else:
            terms.append(f"{span_words(days[i][1])} on {_day_label(days[i][0], long=long)}")
            i += 1
    return terms


def skipped_days(
    *, measure: Measure, first: date, last: date, counted: set[date], holiday_names: Mapping[date, str]
) -> list[str]:
    """The days from `first` to `last` that counted nothing because the calendar was closed."""
    calendar = measure.calendar
    if calendar is None:
        return []
    skipped: list[str] = []
    day = first
    while day <= last:
        if day not in counted and not calendar.intervals_on(day):
            if calendar.is_holiday(day):
                name = holiday_names.get(day, "holiday")
                skipped.append(f"{day.day} {day:%b} {name}")
            elif day.weekday() >= 5:
                if "weekend" not in skipped:
                    skipped.append("weekend")
            else:
                skipped.append(f"{day:%a} {day.day} {day:%b} (closed)")
        day += timedelta(days=1)
    return skipped


def explain(
    *,
    measure: Measure,
    started_at: datetime,
    due_at: datetime | None,
    amount: int,
    unit: str,
    pauses: Sequence[LabelledPause] = (),
    holiday_names: Mapping[date, str] | None = None,
) -> str:
    """The worked arithmetic behind a deadline as one sentence (see the module's docs).

    `due_at` is None while a pause that still lasts stops the clock: the sentence then counts up to
    the pause and says the deadline is set when the clock runs again.
    """
    zone = measure.zone
    opened = started_at.astimezone(zone)
    running_pause = next((p for p in pauses if p[1] is None), None)
    until = due_at if due_at is not None else (running_pause[0] if running_pause else opened)
    end = until.astimezone(zone)
    days = counted_by_day(measure=measure, started_at=opened, until=end, pauses=pauses)
    long = (end.date() - opened.date()).days >= 7
    parts = [f"opened {_day_label(opened.date(), long=long)} {opened:%H:%M}"]
    counting_from = measure.start(opened)
    if counting_from > opened:
        parts[0] += f" (closed until {_day_label(counting_from.date(), long=long)} {counting_from:%H:%M})"
    terms = " + ".join(_sum_terms(days, long=long)) or "0 min"
    if due_at is not None:
        parts.append(f"{terms} = {target_words(amount, unit)} {ARROW} {_day_label(end.date(), long=long)} {end:%H:%M}")
    else:
        parts.append(f"{terms} of {target_words(amount, unit)} counted")
    paused = [p for p in pauses if p[1] is not None and p[0] < end and p[0] >= opened]
    if paused:
        total = sum(((p[1] or end) - p[0] for p in paused), timedelta(0))
        parts.append(f"paused {span_words(total)} ({', '.join(sorted({p[2].lower() for p in paused}))})")
    skipped = skipped_days(
        measure=measure,
        first=opened.date(),
        last=end.date(),
        counted={d for d, _ in days},
        holiday_names=holiday_names or {},
    )
    if skipped:
        parts.append("skipped: " + ", ".join(skipped))
    if running_pause is not None and due_at is None:
        parts.append(
            f"paused since {_day_label(end.date(), long=long)} {end:%H:%M} ({running_pause[2].lower()}): "
            "the deadline is set when the clock runs again"
        )
    return "; ".join(parts)
