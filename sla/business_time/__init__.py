"""SLA time, pure: every piece of SLA arithmetic that needs no database, no settings and no clock.

- `calendar`: `BusinessCalendar`, exact business-time arithmetic on a weekly calendar with
  holidays and date overrides (add, subtract, measure open time).
- `deadlines`: a target (amount and unit) as a deadline, and reading a wall-clock time in a zone.
- `clock_maths`: a running clock with pauses: its deadline, and the instant a share of it is used.

Inputs are aware datetimes and the current time is passed in. The database side (loading a stored
calendar, saving clocks) is elsewhere: `sla.calendar_cache` and `sla.services`.
`sla/tests/test_pure_time.py` fails if a module here imports Django or anything outside this package.
"""

from sla.business_time.calendar import WEEKDAYS, BusinessCalendar, InvalidCalendar

__all__ = ["WEEKDAYS", "BusinessCalendar", "InvalidCalendar"]
