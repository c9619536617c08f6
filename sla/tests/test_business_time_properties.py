"""Property tests: the engine agrees with the interval-walking oracle on random calendars.

`make test` runs 2,000 examples per property; HYPOTHESIS_PROFILE=deep runs 10,000
(`HYPOTHESIS_PROFILE=deep .venv/bin/pytest sla/tests/test_business_time_properties.py`).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla.business_time import BusinessCalendar
from sla.tests import oracle

settings.register_profile(
    "default", max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("deep", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ZONES = ["UTC", "Europe/London", "America/Los_Angeles", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe"]
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2027, 12, 31)


def _as_text(quarter: int) -> str:
    return f"{quarter // 4:02d}:{quarter % 4 * 15:02d}"


def _to_intervals(points: set[int]) -> list[tuple[str, str]]:
    ordered = sorted(points)[: len(points) // 2 * 2]
    return [(_as_text(a), _as_text(b)) for a, b in zip(ordered[::2], ordered[1::2], strict=True)]


# 0–3 disjoint intervals on a 15-minute grid, or now and then a whole 24-hour day.
day_intervals = st.one_of(
    st.sets(st.integers(0, 96), max_size=6).map(_to_intervals),
    st.just([("00:00", "24:00")]),
)
dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
weeks = st.fixed_dictionaries({day: day_intervals for day in oracle.DAYS})


@st.composite
def specs(draw) -> oracle.Spec:
    hours = draw(weeks)
    if sum(len(intervals) for intervals in hours.values()) < 3:
        # Keep the week from being nearly closed, so that the oracle's walk stays short.
        hours["wed"] = [("09:00", "17:00")]
    return oracle.Spec(
        zone=draw(st.sampled_from(ZONES)),
        hours=hours,
        holidays=draw(st.sets(dates, max_size=12)),
        overrides=draw(st.dictionaries(dates, day_intervals, max_size=4)),
    )


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - Hypothesis wants naive bounds
    max_value=datetime(2027, 6, 30),  # noqa: DTZ001 - Hypothesis wants naive bounds
    timezones=st.just(UTC),
)
deltas = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=8))


def instant(moment: datetime) -> datetime:
    """The moment in UTC. Python never counts a local time of a repeated hour (the first 02:00 of a
    DST end) as equal to the same instant in another zone (PEP 495), so results are compared as
    instants."""
    return moment.astimezone(UTC)


def engine(spec: oracle.Spec) -> BusinessCalendar:
    return BusinessCalendar(spec.zone, spec.hours, holidays=spec.holidays, overrides=spec.overrides)


@given(spec=specs(), start=moments, end=moments, delta=deltas)
def test_add_and_subtract_match_the_oracle_and_invert_each_other(spec, start, end, delta):
    calendar = engine(spec)
    due = calendar.add_business_time(start, delta)
    assert instant(due) == instant(oracle.add(spec, start, delta))
    assert calendar.business_time_between(start, due) == delta
    assert instant(calendar.subtract_business_time(due, delta)) == instant(calendar.next_open(start))
    began = calendar.subtract_business_time(end, delta)
    assert instant(began) == instant(oracle.subtract(spec, end, delta))
    assert calendar.business_time_between(began, end) == delta


@given(spec=specs(), a=moments, b=moments)
def test_between_is_open_and_next_open_match_the_oracle(spec, a, b):
    calendar = engine(spec)
    assert calendar.business_time_between(a, b) == oracle.between(spec, a, b)
    assert calendar.business_time_between(b, a) == -calendar.business_time_between(a, b)
    assert calendar.is_open(a) == oracle.is_open(spec, a)
    opened = calendar.next_open(a)
    assert instant(opened) == instant(oracle.add(spec, a, timedelta(0)))
    assert calendar.is_open(opened)


@given(spec=specs(), start=moments, d1=deltas, d2=deltas, shift=st.timedeltas(timedelta(0), timedelta(days=3)))
def test_add_is_monotonic(spec, start, d1, d2, shift):
    calendar = engine(spec)
    small, large = sorted((d1, d2))
    assert calendar.add_business_time(start, small) <= calendar.add_business_time(start, large)
    assert calendar.add_business_time(start, small) <= calendar.add_business_time(start + shift, small)
