"""Set-based rescheduling of the running clocks on a calendar after the calendar changed (hours,
a holiday, a date override, its zone).

A running clock is one neither met nor breached. Its commitment is worked out again from its start
on the changed calendar, as a case opened then would get it (length, deadline, at-risk instant,
minus the case's pauses for the resolution clock), in Python with the pure business-time code; the
changed rows are written with one UPDATE … FROM unnest(arrays) per CHUNK rows. A warning that no
longer holds (its new at-risk instant is later than now) is cleared, as a priority change does.
Breached clocks keep their recorded breach. Apps above sla (tickets keeps each case's earliest
deadline) are told which cases changed through `register_clocks_rescheduled_handler`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from sla.business_time.clock_maths import Measure, Pause, instant_after, share_of, target_length
from sla.calendar_cache import load_calendar
from sla.models import Calendar, CasePause, Metric, SlaClock, Unit

CHUNK = 5000
BUSINESS_UNITS = [unit for unit in Unit.values if Unit.is_business(unit)]  # elapsed time ignores calendars
RescheduledHandler = Callable[..., object]
_handlers: list[RescheduledHandler] = []

_FIELDS = (
    *("pk", "case_id", "metric", "amount", "unit", "started_at", "length", "at_risk_share"),
    *("due_at", "at_risk_at", "warned_at"),
)
_UPDATE = f"""
    UPDATE "{SlaClock._meta.db_table}" AS c
    SET length = v.length, due_at = v.due_at, at_risk_at = v.at_risk_at,
        warned_at = CASE WHEN v.unwarn THEN NULL ELSE c.warned_at END
    FROM unnest(%s::bigint[], %s::interval[], %s::timestamptz[], %s::timestamptz[], %s::boolean[])
        AS v(id, length, due_at, at_risk_at, unwarn)
    WHERE c.id = v.id AND c.met_at IS NULL AND c.breached_at IS NULL
"""  # noqa: S608  # nosec B608  # the table name is the model's; every value is a parameter


def register_clocks_rescheduled_handler(handler: RescheduledHandler) -> None:
    """Call `handler(tenant_id=..., case_ids=...)` after running clocks were rescheduled."""
    if handler not in _handlers:
        _handlers.append(handler)


def _running(calendar: Calendar) -> Iterator[tuple[Any, ...]]:
    clocks = SlaClock.objects.for_tenant(calendar.tenant).filter(
        calendar=calendar, unit__in=BUSINESS_UNITS, met_at__isnull=True, breached_at__isnull=True
    )
    return clocks.order_by("pk").values_list(*_FIELDS).iterator(chunk_size=CHUNK)


def _pauses(calendar: Calendar) -> dict[int, list[Pause]]:
    """The pauses of the cases whose resolution clock runs on the calendar, by case, in order."""
    resolution = SlaClock.objects.for_tenant(calendar.tenant).filter(
        calendar=calendar,
        unit__in=BUSINESS_UNITS,
        metric=Metric.RESOLUTION,
        met_at__isnull=True,
        breached_at__isnull=True,
    )
    rows = CasePause.objects.for_tenant(calendar.tenant).filter(case_id__in=resolution.values("case_id"))
    found: dict[int, list[Pause]] = {}
    for case_id, started_at, ended_at in rows.order_by("case_id", "started_at").values_list(
        "case_id", "started_at", "ended_at"
    ):
        found.setdefault(case_id, []).append((started_at, ended_at))
    return found


def _schedule(row: tuple[Any, ...], measure: Measure, pauses: list[Pause], now: datetime) -> tuple[Any, ...] | None:
    """The row's new (id, length, due, at risk, unwarn), or None when nothing changes."""
    pk, _, metric, amount, unit, started_at, length, share, due_at, at_risk_at, warned_at = row
    new_length: timedelta = length  # business minutes and hours are that much open time on any calendar
    if unit == Unit.BUSINESS_DAYS:  # N days' length depends on which days are open
        new_length = target_length(measure=measure, started_at=started_at, amount=amount, unit=unit)
    applicable = pauses if metric == Metric.RESOLUTION else []
    due = instant_after(measure=measure, started_at=started_at, length=new_length, pauses=applicable)
    at_risk = instant_after(
        measure=measure, started_at=started_at, length=share_of(new_length, Decimal(share)), pauses=applicable
    )
    unwarn = warned_at is not None and (at_risk is None or at_risk > now)
    if (new_length, due, at_risk) == (length, due_at, at_risk_at) and not unwarn:
        return None
    return pk, new_length, due, at_risk, unwarn


def _write(rows: list[tuple[Any, ...]]) -> None:
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE, columns)


def clocks_reschedule(*, calendar: Calendar, now: datetime) -> int:
    """Reschedule the calendar's running clocks (inside the caller's transaction, which changed
    the calendar). Returns how many clocks changed."""
    business = load_calendar(calendar).business
    measure = Measure(calendar=business, zone=business.zone)
    pauses = _pauses(calendar)
    pending: list[tuple[Any, ...]] = []
    cases: set[int] = set()
    changed = 0
    for row in _running(calendar):
        new = _schedule(row, measure, pauses.get(row[1], []), now)
        if new is None:
            continue
        pending.append(new)
        cases.add(row[1])
        if len(pending) == CHUNK:
            _write(pending)
            changed, pending = changed + len(pending), []
    if pending:
        _write(pending)
        changed += len(pending)
    if cases:
        for handler in _handlers:
            handler(tenant_id=calendar.tenant_id, case_ids=sorted(cases))
    return changed
