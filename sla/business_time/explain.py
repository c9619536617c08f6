"""Why a deadline is where it is, in lines: the worked "why" of the targets and calendar
previews, a rendering of the walk (`walk.py`) that the case page's sentence (`why.py`) renders
too. Pure: no ORM, no clock (the case page's explanation is `sla.selectors.clock_explain`).

The lines say when the clock starts (the next opening when the calendar is closed), what the
target counts, which closed stretches it skips (holidays named, nights and weekends summed) and
where it lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo

from sla.business_time.calendar import BusinessCalendar
from sla.business_time.clock_maths import Measure
from sla.business_time.walk import Walk, walk

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


def lines(w: Walk, *, target: str, calendar_name: str = "", calendar: bool = True) -> list[str]:
    """The walk as the previews' lines; `calendar` False when the target counts elapsed time."""
    zone = w.opened.tzinfo
    out = [f"Opened {moment_text(w.opened)}."]
    if not calendar:
        out.append(f"{target.capitalize()} count every hour, nights, weekends and holidays included.")
        out.append(f"Due {moment_text(w.end)}, {duration_text(w.counted_total)} later.")
        return out
    if w.counting_from != w.opened:
        out.append(
            f"The “{calendar_name}” calendar is closed then: the clock starts at {moment_text(w.counting_from)}."
        )
    out.append(f"{target.capitalize()} on the “{calendar_name}” calendar ({zone}).")
    holidays = [s for s in w.skipped if s.reason == "holiday" and s.day >= w.counting_from.date()]
    out += [
        f"Skips {s.day:%a} {s.day.day} {s.day:%b %Y}: {s.name or 'holiday'}." for s in holidays[:MAX_LISTED_HOLIDAYS]
    ]
    if len(holidays) > MAX_LISTED_HOLIDAYS:
        out.append(f"… and {len(holidays) - MAX_LISTED_HOLIDAYS} more holidays.")
    if w.not_counted > timedelta(0):
        out.append(f"Closed time skipped (nights, weekends, holidays): {duration_text(w.not_counted)}.")
    out.append(f"Due {moment_text(w.end)}.")
    return out


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
    found = walk(measure=Measure(calendar, zone), started_at=opened_at, due_at=due_at, holiday_names=holiday_names)
    return lines(found, target=target, calendar_name=calendar_name, calendar=calendar is not None)
