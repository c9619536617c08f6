"""Rescheduling a calendar's running clocks after it changed (sla.services.reschedule, run
explicitly: a calendar change alone keeps what cases were promised), set-based, as a case opened
then would have them; met and breached clocks keep their record; each case's earliest deadline
follows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla.models import SlaClock
from sla.services import calendar_holiday_add
from sla.services.reschedule import clocks_reschedule
from tickets.models import Case
from tickets.services import case_propose_resolution
from tickets.sla_sweeps import sweep_breaches
from tickets.tests.factories import MONDAY_9, open_case, syd


def _clocks(case: Case) -> dict[str, tuple]:
    rows = SlaClock.objects.filter(case=case).values_list("metric", "length", "due_at", "at_risk_at")
    return {metric: rest for metric, *rest in rows}


@pytest.mark.django_db
def test_a_holiday_moves_running_deadlines_as_a_case_opened_after_it_has_them(world, setup_a):
    running = open_case(world.account_a1, setup_a.normal)  # first response Mon 13:00, resolution Tue 17:00
    assert running.sla_due_at == syd(2026, 11, 23, 13, 0)
    calendar_holiday_add(calendar=setup_a.office, day=date(2026, 11, 23), name="Picnic day")
    assert clocks_reschedule(calendar=setup_a.office, now=MONDAY_9) == 2
    fresh = open_case(world.account_a1, setup_a.normal, subject="Opened after the holiday was added")
    assert _clocks(running) == _clocks(fresh)
    due = {c.metric: c.due_at for c in SlaClock.objects.filter(case=running)}
    assert due == {"first_response": syd(2026, 11, 24, 13, 0), "resolution": syd(2026, 11, 25, 17, 0)}
    running.refresh_from_db()
    assert running.sla_due_at == syd(2026, 11, 24, 13, 0)


@pytest.mark.django_db
def test_met_and_breached_clocks_keep_their_record_and_a_stale_warning_is_cleared(world, setup_a):
    met = open_case(world.account_a1, setup_a.normal, subject="Resolved")
    case_propose_resolution(case=met, actor=world.analyst_a, summary="Done", at=MONDAY_9 + timedelta(hours=1))
    breached = open_case(world.account_a1, setup_a.normal, subject="Breached")
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 0)) == 1  # breached's first response
    warned = SlaClock.objects.get(case=breached, metric="resolution")
    SlaClock.objects.filter(pk=warned.pk).update(warned_at=syd(2026, 11, 24, 14, 0))
    before_met, before_breached = _clocks(met), SlaClock.objects.get(case=breached, metric="first_response")

    calendar_holiday_add(calendar=setup_a.office, day=date(2026, 11, 24), name="Closed")
    clocks_reschedule(calendar=setup_a.office, now=syd(2026, 11, 24, 14, 30))

    assert _clocks(met) == before_met
    after = SlaClock.objects.get(pk=before_breached.pk)
    assert (after.due_at, after.breached_at) == (before_breached.due_at, before_breached.breached_at)
    warned.refresh_from_db()
    assert warned.due_at == syd(2026, 11, 25, 17, 0)
    assert warned.warned_at is None  # its new at-risk instant (Wed 15:00) has not come yet


@pytest.mark.django_db
def test_rescheduling_runs_a_fixed_number_of_queries_whatever_the_number_of_clocks(world, setup_a):
    def queries_for_a_holiday(day: date) -> int:
        calendar_holiday_add(calendar=setup_a.office, day=day)
        with CaptureQueriesContext(connection) as queries:
            clocks_reschedule(calendar=setup_a.office, now=MONDAY_9)
        return len([q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    for n in range(2):
        open_case(world.account_a1, setup_a.normal, subject=f"Case {n}")
    few = queries_for_a_holiday(date(2026, 11, 24))
    for n in range(8):
        open_case(world.account_a1, setup_a.normal, subject=f"More {n}", at=MONDAY_9 + timedelta(minutes=n))
    assert queries_for_a_holiday(date(2026, 11, 25)) == few
