from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from sla.calendar_cache import clock_measure
from sla.models import Calendar, Unit


@dataclass(frozen=True)
class _Target:
    amount: int
    unit: str
    calendar: Calendar | None = None


def test_a_business_unit_without_a_calendar_is_refused_with_a_reason():
    # Found by mypy: the calendar is nullable; without one a business target used to fail on None.
    with pytest.raises(ValueError, match="needs a business calendar"):
        clock_measure(clock=_Target(amount=4, unit=Unit.BUSINESS_HOURS), zone_name="Australia/Sydney")


def test_a_calendar_unit_counts_elapsed_time_in_the_zone():
    measure = clock_measure(clock=_Target(amount=4, unit=Unit.CALENDAR_HOURS), zone_name="Australia/Sydney")
    assert measure.calendar is None and measure.zone == ZoneInfo("Australia/Sydney")
