"""Why a case's deadline is where it is, as one sentence of worked arithmetic (the SLA timers on the
case page): a rendering of the walk (`walk.py`) that the settings previews' lines (`explain.py`)
render too. Pure: no ORM, no clock.

    opened Fri 16:00; 1 h on Fri + 7 h on Mon = 8 business hours → Mon 16:00;
    skipped: weekend, 26 Jan Australia Day

Three or more days in a row that count the same are written once ("3 × 8 h (Tue–Thu)"). Days
that counted nothing are named as skipped: a holiday by its date and name, a Saturday or Sunday
the calendar is closed as "weekend", any other closed day by its date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from sla.business_time.clock_maths import Measure
from sla.business_time.walk import LabelledPause, SkippedDay, Walk, counted_by_day, walk

__all__ = ["LabelledPause", "counted_by_day", "explain", "sentence", "span_words", "target_words"]

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


def _skipped_words(skipped: list[SkippedDay]) -> list[str]:
    words: list[str] = []
    for s in skipped:
        if s.reason == "holiday":
            words.append(f"{s.day.day} {s.day:%b} {s.name or 'holiday'}")
        elif s.reason == "weekend":
            if "weekend" not in words:
                words.append("weekend")
        else:
            words.append(f"{s.day:%a} {s.day.day} {s.day:%b} (closed)")
    return words


def sentence(w: Walk, *, amount: int, unit: str) -> str:
    """The walk as one sentence (see the module's docs)."""
    opened, end = w.opened, w.end
    long = (end.date() - opened.date()).days >= 7
    parts = [f"opened {_day_label(opened.date(), long=long)} {opened:%H:%M}"]
    if w.counting_from > opened:
        parts[0] += f" (closed until {_day_label(w.counting_from.date(), long=long)} {w.counting_from:%H:%M})"
    terms = " + ".join(_sum_terms(w.counted, long=long)) or "0 min"
    if w.due_at is not None:
        parts.append(f"{terms} = {target_words(amount, unit)} {ARROW} {_day_label(end.date(), long=long)} {end:%H:%M}")
    else:
        parts.append(f"{terms} of {target_words(amount, unit)} counted")
    if w.paused:
        parts.append(f"paused {span_words(w.paused_total)} ({', '.join(sorted({p[2].lower() for p in w.paused}))})")
    if skipped := _skipped_words(w.skipped):
        parts.append("skipped: " + ", ".join(skipped))
    if w.running_pause is not None and w.due_at is None:
        parts.append(
            f"paused since {_day_label(end.date(), long=long)} {end:%H:%M} ({w.running_pause[2].lower()}): "
            "the deadline is set when the clock runs again"
        )
    return "; ".join(parts)


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
    """The worked arithmetic behind a deadline as one sentence.

    `due_at` is None while a pause that still lasts stops the clock: the sentence then counts up to
    the pause and says the deadline is set when the clock runs again.
    """
    found = walk(measure=measure, started_at=started_at, due_at=due_at, pauses=pauses, holiday_names=holiday_names)
    return sentence(found, amount=amount, unit=unit)
