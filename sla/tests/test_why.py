"""`sla.business_time.why.explain`: the worked arithmetic behind a deadline as one sentence, on weekends, holidays, DST
and 24-hour calendars (the case page shows it under each SLA timer)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sla.business_time import BusinessCalendar
from sla.business_time.clock_maths import Measure
from sla.business_time.deadlines import due_at
from sla.business_time.why import counted_by_day, explain, span_words, target_words

SYD = ZoneInfo("Australia/Sydney")
NINE_TO_FIVE = {day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
ALL_DAY = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
AUSTRALIA_DAY = date(2026, 1, 26)  # a Monday


def _sentence(calendar: BusinessCalendar | None, start: datetime, amount: int, unit: str, **kwargs: object) -> str:
    measure = Measure(calendar=calendar, zone=calendar.zone if calendar else SYD)
    due = due_at(opened_at=start, amount=amount, unit=unit, calendar=calendar, zone=measure.zone)
    return explain(measure=measure, started_at=start, due_at=due, amount=amount, unit=unit, **kwargs)  # type: ignore[arg-type]


def test_a_weekend_and_a_holiday_are_named_as_skipped() -> None:
    office = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE, holidays=[AUSTRALIA_DAY])
    friday = datetime(2026, 1, 23, 16, 0, tzinfo=SYD)
    sentence = _sentence(office, friday, 8, "business_hours", holiday_names={AUSTRALIA_DAY: "Australia Day"})
    assert sentence == (
        "opened Fri 16:00; 1 h on Fri + 7 h on Tue = 8 business hours → Tue 16:00; "
        "skipped: weekend, 26 Jan Australia Day"
    )


def test_a_case_opened_while_closed_counts_from_the_opening() -> None:
    office = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE)
    saturday = datetime(2026, 11, 28, 10, 30, tzinfo=SYD)
    assert _sentence(office, saturday, 4, "business_hours") == (
        "opened Sat 10:30 (closed until Mon 09:00); 4 h on Mon = 4 business hours → Mon 13:00; skipped: weekend"
    )


def test_days_in_a_row_that_count_the_same_are_written_once() -> None:
    office = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE)
    monday = datetime(2026, 11, 23, 13, 0, tzinfo=SYD)
    assert _sentence(office, monday, 3, "business_days") == (
        "opened Mon 13:00; 4 h on Mon + 8 h on Tue + 8 h on Wed + 4 h on Thu = 3 business days → Thu 13:00"
    )
    assert _sentence(office, monday, 40, "business_hours") == (
        "opened Mon 23 Nov 13:00; 4 h on Mon 23 Nov + 4 × 8 h (Tue 24 Nov–Fri 27 Nov) + 4 h on Mon 30 Nov"
        " = 40 business hours → Mon 30 Nov 13:00; skipped: weekend"
    )


def test_a_24_hour_calendar_counts_23_hours_on_the_day_clocks_go_forward() -> None:
    always = BusinessCalendar("Australia/Sydney", ALL_DAY)
    saturday = datetime(2026, 10, 3, 12, 0, tzinfo=SYD)  # clocks go forward at 02:00 on Sun 4 Oct
    assert _sentence(always, saturday, 48, "business_hours") == (
        "opened Sat 12:00; 12 h on Sat + 23 h on Sun + 13 h on Mon = 48 business hours → Mon 13:00"
    )


def test_elapsed_time_without_a_calendar_is_split_at_local_midnight() -> None:
    saturday = datetime(2026, 4, 4, 16, 0, tzinfo=SYD)  # clocks go back at 03:00 on Sun 5 Apr
    assert _sentence(None, saturday, 1, "calendar_days") == (
        "opened Sat 16:00; 8 h on Sat + 16 h on Sun = 1 calendar day → Sun 15:00"
    )


def test_pauses_are_taken_out_and_a_running_pause_leaves_no_deadline() -> None:
    office = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE)
    measure = Measure(calendar=office, zone=SYD)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=SYD)
    pause = (
        datetime(2026, 11, 23, 10, 0, tzinfo=SYD),
        datetime(2026, 11, 23, 12, 0, tzinfo=SYD),
        "Waiting on customer",
    )
    due = datetime(2026, 11, 23, 14, 0, tzinfo=SYD)
    assert explain(measure=measure, started_at=monday, due_at=due, amount=3, unit="business_hours", pauses=[pause]) == (
        "opened Mon 09:00; 3 h on Mon = 3 business hours → Mon 14:00; paused 2 h (waiting on customer)"
    )
    running = (datetime(2026, 11, 23, 10, 30, tzinfo=SYD), None, "Waiting on customer")
    assert explain(
        measure=measure, started_at=monday, due_at=None, amount=3, unit="business_hours", pauses=[running]
    ) == (
        "opened Mon 09:00; 1 h 30 min on Mon of 3 business hours counted; "
        "paused since Mon 10:30 (waiting on customer): the deadline is set when the clock runs again"
    )


def test_the_days_counted_add_up_to_the_target() -> None:
    office = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE, holidays=[AUSTRALIA_DAY])
    measure = Measure(calendar=office, zone=SYD)
    start = datetime(2026, 1, 20, 11, 17, tzinfo=SYD)
    due = office.add_business_time(start, timedelta(hours=37, minutes=5))
    days = counted_by_day(measure=measure, started_at=start, until=due)
    assert sum((t for _, t in days), timedelta(0)) == timedelta(hours=37, minutes=5)
    assert AUSTRALIA_DAY not in {d for d, _ in days}


def test_words() -> None:
    assert span_words(timedelta(hours=7, minutes=30)) == "7 h 30 min"
    assert span_words(timedelta(minutes=45)) == "45 min"
    assert target_words(1, "business_hours") == "1 business hour"
    assert target_words(15, "calendar_minutes") == "15 calendar minutes"
