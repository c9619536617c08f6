"""Why a deadline is where it is, in sentences: the worked "why" of the targets and calendar
previews. Pure: no ORM, no clock (the case page's explanation is `sla.selectors.clock_explain`).

The lines say when the clock starts (the next opening when the calendar is closed), what the
target counts, which closed stretches it skips (holidays named, nights and weekends summed) and
where it lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo

from sla.business_time.calendar import BusinessCalendar

MAX_LISTED_HOLIDAYS = 5


def moment_text(moment: datetime) -> str:
    """E.g. "Fri 11 Dec 2026 16:00 AEDT"."""
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M} {moment.tzname()}"


def duration_text(length: timedelta) -> str:
    """E.g. "2 d 3 h", "4 h 30 min", "15 min"."""
    minutes = int(length.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p) or "0 min"


def explain(
    *,
    opened_at: datetime,
    due_at: datetime,
    target: str,
    zone: tzinfo,
    calendar: BusinessCalendar | None = None,
    calendar_name: str = "",
    holiday_names: Mapping[date, str] | None = None,
) -> list[str]:
    """The steps from `opened_at` to `due_at` for a target described as `target` ("2 business
    hours"). Without a calendar the target counted elapsed time."""
    opened, due = opened_at.astimezone(zone), due_at.astimezone(zone)
    lines = [f"Opened {moment_text(opened)}."]
    if calendar is None:
        lines.append(f"{target.capitalize()} count every hour, nights, weekends and holidays included.")
        lines.append(f"Due {moment_text(due)}, {duration_text(_elapsed(opened, due))} later.")
        return lines
    start = calendar.next_open(opened)
    if start != opened:
        lines.append(f"The “{calendar_name}” calendar is closed then: the clock starts at {moment_text(start)}.")
    lines.append(f"{target.capitalize()} on the “{calendar_name}” calendar ({zone}).")
    lines += _holidays_skipped(calendar, start.date(), due.date(), holiday_names or {})
    closed = _elapsed(start, due) - calendar.business_time_between(start, due)
    if closed > timedelta(0):
        lines.append(f"Closed time skipped (nights, weekends, holidays): {duration_text(closed)}.")
    lines.append(f"Due {moment_text(due)}.")
    return lines


def _elapsed(a: datetime, b: datetime) -> timedelta:
    return b.astimezone(UTC) - a.astimezone(UTC)  # real time: zoned subtraction is wall-clock time


def _holidays_skipped(calendar: BusinessCalendar, first: date, last: date, names: Mapping[date, str]) -> list[str]:
    days = [d for d in sorted(names) if first <= d <= last and calendar.is_holiday(d)]
    lines = [f"Skips {d:%a} {d.day} {d:%b %Y}: {names[d] or 'holiday'}." for d in days[:MAX_LISTED_HOLIDAYS]]
    if len(days) > MAX_LISTED_HOLIDAYS:
        lines.append(f"… and {len(days) - MAX_LISTED_HOLIDAYS} more holidays.")
    return lines
