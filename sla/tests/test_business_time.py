"""Business-time semantics, pinned at every boundary (PRODUCT.md "Business-time semantics")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.business_time import BusinessCalendar, InvalidCalendar

SYD = ZoneInfo("Australia/Sydney")
LON = ZoneInfo("Europe/London")
LA = ZoneInfo("America/Los_Angeles")
NINE_TO_FIVE = {day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
ALL_WEEK_ALL_DAY = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
H = timedelta(hours=1)


def at(zone, *args):
    return datetime(*args, tzinfo=zone)


@pytest.fixture
def office():
    """Monday–Friday 09:00–17:00 in Sydney. 2026-11-23 is a Monday."""
    return BusinessCalendar("Australia/Sydney", NINE_TO_FIVE)


def syd(*args):
    return at(SYD, *args)


# -- definition errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"hours": {"mon": [("17:00", "09:00")]}}, "ends before it starts"),
        ({"hours": {"mon": [("22:00", "02:00")]}}, "overnight shift is two intervals"),
        ({"hours": {"mon": [("09:00", "13:00"), ("12:00", "17:00")]}}, "overlap"),
        ({"hours": {"mon": [("9:00", "17:00")]}}, "HH:MM"),
        ({"hours": {"mon": [("09:00", "24:30")]}}, "not a time of day"),
        ({"hours": {"mon": [("09:60", "17:00")]}}, "not a time of day"),
        ({"hours": {"mon": [("24:00", "24:00")]}}, "cannot start at 24:00"),
        ({"hours": {"monday": [("09:00", "17:00")]}}, "Unknown weekday"),
        ({"hours": {}}, "no open hours"),
        ({"overrides": {date(2026, 1, 1): [("10:00", "09:00")]}}, "2026-01-01"),
    ],
)
def test_invalid_calendars_are_refused_with_a_clear_message(kwargs, message):
    arguments = {"timezone": "Australia/Sydney", "hours": NINE_TO_FIVE, **kwargs}
    with pytest.raises(InvalidCalendar, match=message):
        BusinessCalendar(**arguments)


def test_naive_datetimes_are_refused(office):
    with pytest.raises(ValueError, match="naive"):
        office.add_business_time(datetime(2026, 11, 23, 10), H)  # noqa: DTZ001 - naive on purpose


def test_touching_intervals_are_one(office):
    split = BusinessCalendar("UTC", {"mon": [("09:00", "12:00"), ("12:00", "17:00")]})
    assert split.intervals_on(date(2026, 11, 23)) == ((540, 1020),)


# -- is_open and next_open -----------------------------------------------------------------


def test_intervals_are_half_open(office):
    assert office.is_open(syd(2026, 11, 23, 9, 0))
    assert not office.is_open(syd(2026, 11, 23, 8, 59, 59, 999999))
    assert office.is_open(syd(2026, 11, 23, 16, 59, 59, 999999))
    assert not office.is_open(syd(2026, 11, 23, 17, 0))
    assert not office.is_open(syd(2026, 11, 28, 12, 0))  # Saturday


def test_next_open(office):
    assert office.next_open(syd(2026, 11, 23, 10, 30)) == syd(2026, 11, 23, 10, 30)
    assert office.next_open(syd(2026, 11, 23, 17, 0)) == syd(2026, 11, 24, 9, 0)
    assert office.next_open(syd(2026, 11, 28, 11, 0)) == syd(2026, 11, 30, 9, 0)
    assert office.next_open(syd(2026, 11, 23, 7, 0)) == syd(2026, 11, 23, 9, 0)


def test_results_are_in_the_calendars_zone(office):
    result = office.add_business_time(datetime(2026, 11, 23, 0, 0, tzinfo=ZoneInfo("UTC")), H)
    assert result.tzinfo == SYD
    assert result == syd(2026, 11, 23, 12, 0)  # 00:00 UTC is 11:00 in Sydney


# -- adding business time ------------------------------------------------------------------


def test_a_clock_started_while_closed_starts_at_the_next_opening(office):
    assert office.add_business_time(syd(2026, 11, 28, 11, 0), H) == syd(2026, 11, 30, 10, 0)
    assert office.add_business_time(syd(2026, 11, 23, 6, 0), H) == syd(2026, 11, 23, 10, 0)
    assert office.add_business_time(syd(2026, 11, 23, 17, 0), H) == syd(2026, 11, 24, 10, 0)


def test_a_deadline_exactly_at_a_closing_is_that_closing(office):
    assert office.add_business_time(syd(2026, 11, 23, 9, 0), 8 * H) == syd(2026, 11, 23, 17, 0)
    assert office.add_business_time(syd(2026, 11, 23, 16, 0), H) == syd(2026, 11, 23, 17, 0)
    assert office.add_business_time(syd(2026, 11, 27, 9, 0), 8 * H) == syd(2026, 11, 27, 17, 0)  # Friday
    one_us = timedelta(microseconds=1)
    assert office.add_business_time(syd(2026, 11, 23, 16, 0), H + one_us) == syd(2026, 11, 24, 9, 0, 0, 1)


def test_adding_carries_over_nights_and_weekends(office):
    assert office.add_business_time(syd(2026, 11, 27, 16, 0), 2 * H) == syd(2026, 11, 30, 10, 0)
    assert office.add_business_time(syd(2026, 11, 23, 10, 0), 40 * H) == syd(2026, 11, 30, 10, 0)


def test_adding_zero_gives_the_next_open_instant(office):
    assert office.add_business_time(syd(2026, 11, 23, 10, 0), timedelta(0)) == syd(2026, 11, 23, 10, 0)
    assert office.add_business_time(syd(2026, 11, 28, 10, 0), timedelta(0)) == syd(2026, 11, 30, 9, 0)


def test_durations_are_exact_to_the_microsecond(office):
    start = syd(2026, 11, 23, 9, 0, 0, 1)
    delta = timedelta(hours=7, minutes=59, seconds=59, microseconds=999_998)
    assert office.add_business_time(start, delta) == syd(2026, 11, 23, 16, 59, 59, 999_999)
    assert office.business_time_between(start, syd(2026, 11, 24, 9, 0, 0, 3)) == timedelta(hours=8, microseconds=2)


def test_breaks_in_a_day():
    lunch = BusinessCalendar("Europe/London", {"mon": [("09:00", "12:00"), ("13:00", "17:00")]})
    monday = lambda h, m=0: at(LON, 2026, 11, 23, h, m)  # noqa: E731
    assert lunch.add_business_time(monday(11), H) == monday(12)  # lands on the break's start: that closing
    assert lunch.add_business_time(monday(11), 2 * H) == monday(14)
    assert lunch.add_business_time(monday(12, 30), H) == monday(14)  # started in the break
    assert lunch.business_time_between(monday(11), monday(14)) == 2 * H
    assert not lunch.is_open(monday(12, 30))
    assert lunch.subtract_business_time(monday(14), H) == monday(13)  # lands on an opening
    assert lunch.subtract_business_time(monday(12, 30), H) == monday(11)  # from the previous closing


# -- subtracting ---------------------------------------------------------------------------


def test_subtracting_runs_the_clock_backwards(office):
    assert office.subtract_business_time(syd(2026, 11, 24, 12, 0), 2 * H) == syd(2026, 11, 24, 10, 0)
    assert office.subtract_business_time(syd(2026, 11, 24, 9, 30), H) == syd(2026, 11, 23, 16, 30)


def test_subtracting_from_a_closed_instant_starts_at_the_previous_closing(office):
    assert office.subtract_business_time(syd(2026, 11, 28, 10, 0), H) == syd(2026, 11, 27, 16, 0)
    assert office.subtract_business_time(syd(2026, 11, 24, 8, 0), H) == syd(2026, 11, 23, 16, 0)
    assert office.subtract_business_time(syd(2026, 11, 28, 10, 0), timedelta(0)) == syd(2026, 11, 27, 17, 0)


def test_subtracting_that_lands_on_an_opening_is_that_opening(office):
    assert office.subtract_business_time(syd(2026, 11, 24, 10, 0), H) == syd(2026, 11, 24, 9, 0)
    assert office.subtract_business_time(syd(2026, 11, 30, 17, 0), 8 * H) == syd(2026, 11, 30, 9, 0)


def test_negative_deltas_turn_around(office):
    assert office.add_business_time(syd(2026, 11, 24, 12, 0), -2 * H) == syd(2026, 11, 24, 10, 0)
    assert office.subtract_business_time(syd(2026, 11, 24, 12, 0), -2 * H) == syd(2026, 11, 24, 14, 0)


# -- between -------------------------------------------------------------------------------


def test_between_counts_only_open_time(office):
    assert office.business_time_between(syd(2026, 11, 27, 16, 0), syd(2026, 11, 30, 10, 0)) == 2 * H
    assert office.business_time_between(syd(2026, 11, 28, 1, 0), syd(2026, 11, 29, 23, 0)) == timedelta(0)
    assert office.business_time_between(syd(2026, 11, 23, 12, 0), syd(2026, 11, 23, 12, 0)) == timedelta(0)


def test_between_is_negative_when_reversed(office):
    assert office.business_time_between(syd(2026, 11, 30, 10, 0), syd(2026, 11, 27, 16, 0)) == -2 * H


def test_multi_week_and_multi_year_spans(office):
    assert office.business_time_between(syd(2026, 11, 23, 9, 0), syd(2026, 12, 14, 9, 0)) == 120 * H
    start, end = date(2026, 1, 1), date(2029, 1, 1)
    weekdays = sum(1 for n in range((end - start).days) if (start + timedelta(n)).weekday() < 5)
    span = office.business_time_between(syd(2026, 1, 1), syd(2029, 1, 1))
    assert span == weekdays * 8 * H
    assert office.add_business_time(syd(2026, 1, 1), span) == syd(2028, 12, 29, 17, 0)  # the last Friday
    assert office.subtract_business_time(syd(2029, 1, 1), span) == syd(2026, 1, 1, 9, 0)


# -- business days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (syd(2026, 11, 24, 14, 0), 1, syd(2026, 11, 25, 14, 0)),  # Tue 14:00 + 1 → Wed 14:00
        (syd(2026, 11, 28, 11, 0), 2, syd(2026, 12, 1, 17, 0)),  # Sat 11:00 + 2 → Tue 17:00
        (syd(2026, 11, 24, 17, 30), 1, syd(2026, 11, 25, 17, 0)),  # Tue 17:30 + 1 → Wed 17:00
        (syd(2026, 11, 23, 9, 0), 5, syd(2026, 11, 27, 17, 0)),  # Mon 09:00 + 5 → Fri 17:00
        (syd(2026, 11, 27, 16, 0), 1, syd(2026, 11, 30, 16, 0)),  # Fri + 1 → Mon
        (syd(2026, 11, 23, 9, 0, 0, 1), 1, syd(2026, 11, 24, 9, 0, 0, 1)),  # just after the opening
        (syd(2026, 11, 28, 11, 0), 0, syd(2026, 11, 30, 9, 0)),  # N = 0: the next open instant
        (syd(2026, 11, 24, 14, 0), 0, syd(2026, 11, 24, 14, 0)),
    ],
)
def test_business_days(office, start, n, due):
    assert office.add_business_days(start, n) == due


def test_business_days_with_a_break():
    split = BusinessCalendar("UTC", {d: [("09:00", "12:00"), ("13:00", "17:00")] for d in ("mon", "tue", "wed")})
    utc = ZoneInfo("UTC")
    # A time in the break on the target day falls back to the end of the previous interval.
    shorter = BusinessCalendar("UTC", {"mon": [("09:00", "17:00")], "tue": [("09:00", "11:00"), ("14:00", "17:00")]})
    assert shorter.add_business_days(at(utc, 2026, 11, 23, 12, 30), 1) == at(utc, 2026, 11, 24, 11, 0)
    assert split.add_business_days(at(utc, 2026, 11, 23, 13, 0), 1) == at(utc, 2026, 11, 24, 13, 0)
    # Past the target day's hours: its last closing.
    early = BusinessCalendar("UTC", {"mon": [("09:00", "17:00")], "tue": [("09:00", "15:00")]})
    assert early.add_business_days(at(utc, 2026, 11, 23, 16, 0), 1) == at(utc, 2026, 11, 24, 15, 0)
    # At or before the target day's first opening: the previous business day's last closing.
    late = BusinessCalendar("UTC", {"mon": [("07:00", "17:00")], "tue": [("10:00", "18:00")]})
    assert late.add_business_days(at(utc, 2026, 11, 23, 8, 0), 1) == at(utc, 2026, 11, 23, 17, 0)
    assert late.add_business_days(at(utc, 2026, 11, 23, 10, 0), 1) == at(utc, 2026, 11, 23, 17, 0)
    assert late.add_business_days(at(utc, 2026, 11, 23, 10, 0, 1), 1) == at(utc, 2026, 11, 24, 10, 0, 1)


def test_business_days_refuse_negative_n(office):
    with pytest.raises(ValueError, match="n >= 0"):
        office.add_business_days(syd(2026, 11, 24, 14, 0), -1)


# -- holidays and overrides ----------------------------------------------------------------

CHRISTMAS, BOXING_DAY = date(2026, 12, 25), date(2026, 12, 28)  # Fri, and Mon (observed)


@pytest.fixture
def with_holidays():
    return BusinessCalendar("Australia/Sydney", NINE_TO_FIVE, holidays=[CHRISTMAS, BOXING_DAY])


def test_holidays_are_closed_all_day(with_holidays):
    assert not with_holidays.is_open(syd(2026, 12, 25, 12, 0))
    assert with_holidays.add_business_time(syd(2026, 12, 24, 16, 0), 2 * H) == syd(2026, 12, 29, 10, 0)
    assert with_holidays.business_time_between(syd(2026, 12, 24, 9, 0), syd(2026, 12, 30, 9, 0)) == 16 * H
    assert with_holidays.add_business_days(syd(2026, 12, 24, 14, 0), 1) == syd(2026, 12, 29, 14, 0)


def test_a_start_on_a_holiday_waits_for_the_next_business_day(with_holidays):
    assert with_holidays.next_open(syd(2026, 12, 25, 10, 0)) == syd(2026, 12, 29, 9, 0)
    assert with_holidays.add_business_time(syd(2026, 12, 25, 10, 0), H) == syd(2026, 12, 29, 10, 0)
    assert with_holidays.add_business_days(syd(2026, 12, 25, 10, 0), 1) == syd(2026, 12, 29, 17, 0)
    assert with_holidays.subtract_business_time(syd(2026, 12, 28, 10, 0), H) == syd(2026, 12, 24, 16, 0)


def test_a_date_override_wins_over_a_holiday_and_can_make_a_half_day():
    calendar = BusinessCalendar(
        "Australia/Sydney",
        NINE_TO_FIVE,
        holidays=[CHRISTMAS],
        overrides={CHRISTMAS: [("10:00", "12:00")], date(2026, 12, 24): [("09:00", "13:00")]},
    )
    assert calendar.is_open(syd(2026, 12, 25, 11, 0))
    assert not calendar.is_holiday(CHRISTMAS)
    assert calendar.add_business_time(syd(2026, 12, 24, 12, 0), 2 * H) == syd(2026, 12, 25, 11, 0)
    assert calendar.business_time_between(syd(2026, 12, 24, 0, 0), syd(2026, 12, 26, 0, 0)) == 6 * H
    closed = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE, overrides={date(2026, 11, 24): []})
    assert closed.add_business_time(syd(2026, 11, 23, 16, 0), 2 * H) == syd(2026, 11, 25, 10, 0)


# -- 24-hour days and DST ------------------------------------------------------------------


def test_24_hour_business_days_skip_weekends_and_holidays():
    weekdays = {d: [("00:00", "24:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    calendar = BusinessCalendar("America/Los_Angeles", weekdays, holidays=[date(2026, 11, 26)])
    assert calendar.add_business_time(at(LA, 2026, 11, 20, 20, 0), 10 * H) == at(LA, 2026, 11, 23, 6, 0)
    assert calendar.add_business_time(at(LA, 2026, 11, 25, 12, 0), 24 * H) == at(LA, 2026, 11, 27, 12, 0)
    assert calendar.add_business_time(at(LA, 2026, 11, 20, 0, 0), 24 * H) == at(LA, 2026, 11, 21, 0, 0)
    assert calendar.is_open(at(LA, 2026, 11, 24, 0, 0))
    assert calendar.add_business_days(at(LA, 2026, 11, 24, 0, 0), 1) == at(LA, 2026, 11, 25, 0, 0)


@pytest.mark.parametrize(
    ("zone", "spring_day", "autumn_day"),
    [
        (LON, date(2026, 3, 29), date(2026, 10, 25)),
        (LA, date(2026, 3, 8), date(2026, 11, 1)),
        (SYD, date(2026, 10, 4), date(2026, 4, 5)),
    ],
)
def test_dst_days_hold_real_elapsed_time(zone, spring_day, autumn_day):
    calendar = BusinessCalendar(zone, ALL_WEEK_ALL_DAY)

    def midnight(day):
        return datetime.combine(day, datetime.min.time(), tzinfo=zone)

    assert calendar.business_time_between(midnight(spring_day), midnight(spring_day + timedelta(1))) == 23 * H
    assert calendar.business_time_between(midnight(autumn_day), midnight(autumn_day + timedelta(1))) == 25 * H
    # 24 hours of clock from the start of a short day ends at 01:00 the next day.
    assert calendar.add_business_time(midnight(spring_day), 24 * H) == midnight(spring_day + timedelta(1)) + H
    assert calendar.add_business_time(midnight(autumn_day), 24 * H) == midnight(autumn_day) + timedelta(hours=23)


def test_dst_fall_back_hour_counts_twice_in_a_business_interval():
    # London's clocks go back at 02:00 BST on Sunday 2026-10-25: 01:00–02:00 happens twice.
    sunday_night = BusinessCalendar("Europe/London", {"sun": [("00:00", "04:00")]})
    day = date(2026, 10, 25)
    start = datetime.combine(day, datetime.min.time(), tzinfo=LON)
    assert sunday_night.business_time_between(start, start + timedelta(days=1)) == 5 * H
    result = sunday_night.add_business_time(start, 2 * H)
    assert result.utcoffset() == timedelta(0)  # the second 01:00, in GMT
    assert (result.hour, result.minute) == (1, 0)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Sydney's clocks go forward on Sunday 2026-10-04: Friday 14:00 AEST + 1 → Monday 14:00 AEDT.
        (at(SYD, 2026, 10, 2, 14, 0), 1, at(SYD, 2026, 10, 5, 14, 0)),
        (at(LA, 2026, 10, 30, 9, 30), 1, at(LA, 2026, 11, 2, 9, 30)),
        (at(LON, 2026, 3, 27, 16, 0), 1, at(LON, 2026, 3, 30, 16, 0)),
    ],
)
def test_business_days_keep_the_local_time_across_dst(start, n, due):
    calendar = BusinessCalendar(start.tzinfo, NINE_TO_FIVE)
    result = calendar.add_business_days(start, n)
    assert result == due
    assert result.utcoffset() != start.utcoffset()


def test_weekday_hours_across_dst_count_the_same_open_time():
    calendar = BusinessCalendar("America/Los_Angeles", NINE_TO_FIVE)
    friday, monday = at(LA, 2026, 3, 6, 16, 0), at(LA, 2026, 3, 9, 10, 0)
    assert calendar.business_time_between(friday, monday) == 2 * H
    assert calendar.add_business_time(friday, 2 * H) == monday


def test_an_opening_inside_a_dst_gap_opens_when_the_clocks_jump():
    # London skips 01:00–02:00 on Sunday 2026-03-29: "01:30" opens at the jump, 02:00 BST.
    calendar = BusinessCalendar("Europe/London", {"sun": [("01:30", "03:00")]})
    day_start = at(LON, 2026, 3, 29, 0, 0)
    assert calendar.next_open(day_start) == at(LON, 2026, 3, 29, 2, 0)
    assert calendar.business_time_between(day_start, at(LON, 2026, 3, 30, 0, 0)) == H
    inside = BusinessCalendar("Europe/London", {"sun": [("01:15", "01:45")], "mon": [("09:00", "10:00")]})
    assert inside.business_time_between(day_start, at(LON, 2026, 3, 30, 0, 0)) == timedelta(0)


def test_open_periods_between_two_instants(office):
    periods = office.open_periods(syd(2026, 11, 27, 16, 0), syd(2026, 11, 30, 10, 0))
    assert periods == [
        (syd(2026, 11, 27, 16, 0), syd(2026, 11, 27, 17, 0)),
        (syd(2026, 11, 30, 9, 0), syd(2026, 11, 30, 10, 0)),
    ]
    across_new_year = office.open_periods(syd(2026, 12, 31, 12, 0), syd(2027, 1, 1, 12, 0))
    assert across_new_year == [
        (syd(2026, 12, 31, 12, 0), syd(2026, 12, 31, 17, 0)),
        (syd(2027, 1, 1, 9, 0), syd(2027, 1, 1, 12, 0)),
    ]
    assert office.open_periods(syd(2026, 11, 28, 9, 0), syd(2026, 11, 29, 9, 0)) == []
