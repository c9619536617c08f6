"""The worked "why" of a preview (pure) and the diff of two sets of targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sla.business_time import BusinessCalendar
from sla.business_time.deadlines import due_at
from sla.business_time.explain import duration_text, explain
from sla.settings_selectors import targets_diff

SYDNEY = ZoneInfo("Australia/Sydney")
NINE_TO_FIVE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def test_a_case_opened_while_closed_starts_at_the_opening_and_skips_a_named_holiday():
    calendar = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE, holidays=[date(2026, 12, 11)])
    opened = datetime(2026, 12, 10, 18, 30, tzinfo=SYDNEY)  # Thursday, after closing
    due = due_at(opened_at=opened, amount=4, unit="business_hours", calendar=calendar, zone=SYDNEY)
    lines = explain(
        opened_at=opened,
        due_at=due,
        target="4 business hours",
        zone=SYDNEY,
        calendar=calendar,
        calendar_name="business",
        holiday_names={date(2026, 12, 11): "Staff day", date(2027, 1, 1): "New Year"},
    )
    assert lines == [
        "Opened Thu 10 Dec 2026 18:30 AEDT.",
        "The “business” calendar is closed then: the clock starts at Mon 14 Dec 2026 09:00 AEDT.",
        "4 business hours on the “business” calendar (Australia/Sydney).",
        "Due Mon 14 Dec 2026 13:00 AEDT.",
    ]


def test_holidays_between_start_and_due_are_named_and_closed_time_summed():
    calendar = BusinessCalendar("Australia/Sydney", NINE_TO_FIVE, holidays=[date(2026, 12, 11)])
    opened = datetime(2026, 12, 10, 16, 0, tzinfo=SYDNEY)
    due = due_at(opened_at=opened, amount=2, unit="business_hours", calendar=calendar, zone=SYDNEY)
    lines = explain(
        opened_at=opened,
        due_at=due,
        target="2 business hours",
        zone=SYDNEY,
        calendar=calendar,
        calendar_name="business",
        holiday_names={date(2026, 12, 11): "Staff day"},
    )
    assert "Skips Fri 11 Dec 2026: Staff day." in lines
    assert "Closed time skipped (nights, weekends, holidays): 3 d 16 h." in lines  # Thu 17:00 to Mon 09:00
    assert lines[-1] == "Due Mon 14 Dec 2026 10:00 AEDT."


def test_calendar_units_count_elapsed_time_across_a_dst_change():
    opened = datetime(2026, 10, 4, 1, 30, tzinfo=SYDNEY)  # clocks jump 02:00 -> 03:00 that night
    due = due_at(opened_at=opened, amount=24, unit="calendar_hours", calendar=None, zone=SYDNEY)
    lines = explain(opened_at=opened, due_at=due, target="24 calendar hours", zone=SYDNEY)
    assert lines[1] == "24 calendar hours count every hour, nights, weekends and holidays included."
    assert lines[2] == "Due Mon 5 Oct 2026 02:30 AEDT, 1 d later."


def test_duration_text():
    from datetime import timedelta

    assert duration_text(timedelta(minutes=15)) == "15 min"
    assert duration_text(timedelta(days=2, hours=3)) == "2 d 3 h"
    assert duration_text(timedelta(0)) == "0 min"


@dataclass(frozen=True)
class _Named:
    pk: int
    name: str
    rank: int


@dataclass(frozen=True)
class _Target:
    metric: str
    priority: _Named
    plan: _Named
    amount: int
    unit: str
    calendar: _Named | None = None


def test_the_diff_lists_changed_added_and_removed_cells_in_grid_order():
    critical, low = _Named(1, "Critical", 1), _Named(2, "Low", 4)
    gold, silver = _Named(10, "Gold", 1), _Named(11, "Silver", 2)
    business = _Named(5, "business", 0)
    before = [
        _Target("resolution", critical, gold, 1, "business_days", business),
        _Target("first_response", critical, gold, 2, "business_hours", business),
        _Target("first_response", low, silver, 3, "calendar_days"),
    ]
    after = [
        _Target("resolution", critical, gold, 1, "business_days", business),  # unchanged
        _Target("first_response", critical, gold, 1, "business_hours", business),
        _Target("first_response", critical, silver, 30, "calendar_minutes"),
    ]
    changes = [(c.label, c.before, c.after) for c in targets_diff(before, after)]  # type: ignore[arg-type]
    assert changes == [
        ("First response, Gold, Critical", "2 business hours on business", "1 business hour on business"),
        ("First response, Silver, Critical", "no target", "30 calendar minutes"),
        ("First response, Silver, Low", "3 calendar days", "no target"),
    ]
