"""SLA sweeps: due rows found through their indexes, each recorded and notified exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.models import OutboxMessage
from sla.models import SlaClock
from tickets.models import Case, CaseEvent, Escalation, Status
from tickets.services import case_propose_resolution
from tickets.sla_sweeps import (
    breach_candidates,
    closing_candidates,
    sweep_auto_close,
    sweep_breaches,
    sweep_warnings,
    warning_candidates,
)
from tickets.tests.factories import MONDAY_9, open_case, syd

H = timedelta(hours=1)


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny test tables make any plan cheap, and their statistics change with what ran
        # before. Forbid sequential scans and sorts: an index that yields the due rows in
        # order is then the one plan left, whatever the statistics say.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_sweeps_read_due_rows_through_their_partial_indexes(world):
    now = timezone.now()
    assert "clock_due" in plan_of(breach_candidates(now=now).values("pk"))
    assert "clock_at_risk" in plan_of(warning_candidates(now=now).values("pk"))
    assert "case_resolved_to_close" in plan_of(closing_candidates(tenant=world.tenant_a, now=now).values("pk"))


@pytest.mark.django_db
def test_a_breach_is_recorded_once_with_one_escalation_and_one_mail(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)  # first response due Mon 13:00
    assert sweep_breaches(now=syd(2026, 11, 23, 12, 59)) == 0
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 0)) == 1
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 5)) == 0  # a redelivered task does nothing
    clock = SlaClock.objects.get(case=case, metric="first_response")
    assert clock.breached_at == syd(2026, 11, 23, 13, 0)
    assert CaseEvent.objects.filter(case=case, code="sla.breached").count() == 1
    escalation = Escalation.objects.get(case=case, reason="sla_breached")
    assert escalation.notes == (
        "The first response target (4 business hours) was due Mon 23 Nov 2026, 13:00 AEDT and has not been met."
    )
    assert OutboxMessage.objects.filter(case=case, kind="sla_breached").count() == 1


@pytest.mark.django_db
def test_a_warning_is_recorded_once_and_not_after_the_deadline(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)  # at risk from 12:00, due 13:00
    assert sweep_warnings(now=syd(2026, 11, 23, 11, 59)) == 0
    assert sweep_warnings(now=syd(2026, 11, 23, 12, 0)) == 1
    assert sweep_warnings(now=syd(2026, 11, 23, 12, 30)) == 0
    late = open_case(world.account_a1, setup_a.normal, at=MONDAY_9)
    assert sweep_warnings(now=syd(2026, 11, 23, 14, 0)) == 0  # past due: a breach, not a warning
    assert SlaClock.objects.get(case=late, metric="first_response").warned_at is None
    assert CaseEvent.objects.filter(case=case, code="sla.at_risk").count() == 1


@pytest.mark.django_db
def test_a_paused_or_met_clock_never_breaches(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Done", at=MONDAY_9 + H)
    assert sweep_breaches(now=MONDAY_9 + timedelta(days=30)) == 0


@pytest.mark.django_db
def test_resolved_cases_close_after_the_tenants_days(world, setup_a, setup_b):
    mine = open_case(world.account_a1, setup_a.normal)
    theirs = open_case(world.account_b1, setup_b.normal)
    world.tenant_b.auto_close_days = 2
    world.tenant_b.save()
    for case, actor in ((mine, world.analyst_a), (theirs, world.analyst_b)):
        case_propose_resolution(case=case, actor=actor, summary="Done", at=MONDAY_9 + H)
    assert sweep_auto_close(now=MONDAY_9 + H + timedelta(days=2)) == 1
    assert Case.objects.get(pk=theirs.pk).status == Status.CLOSED
    assert Case.objects.get(pk=mine.pk).status == Status.RESOLVED
    assert sweep_auto_close(now=MONDAY_9 + H + timedelta(days=7)) == 1
    assert sweep_auto_close(now=MONDAY_9 + H + timedelta(days=8)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_record_nothing_twice(world, setup_a):
    cases = [open_case(world.account_a1, setup_a.normal, subject=f"Case {n}") for n in range(30)]
    now, barrier, results = syd(2026, 11, 23, 14, 0), threading.Barrier(2), []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(sweep_breaches(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) != [0, 0] and sum(results) == 30  # first responses due 13:00; resolutions Tuesday
    for case in cases:
        assert CaseEvent.objects.filter(case=case, code="sla.breached").count() == 1
        assert Escalation.objects.filter(case=case, reason="sla_breached").count() == 1
        assert OutboxMessage.objects.filter(case=case, kind="sla_breached").count() == 1
