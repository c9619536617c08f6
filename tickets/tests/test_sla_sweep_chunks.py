"""The set-based sweeps: a fixed number of statements per chunk whatever its size, every due clock
in one run (no per-run ceiling), one breach escalation per case, webhooks and mail in bulk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from sla.models import SlaClock
from tickets.models import CaseEvent, Escalation, Notification
from tickets.sla_sweeps import sweep_breaches, sweep_warnings
from tickets.tests.factories import MONDAY_9, open_case, syd

# One chunk of a breach sweep, however many clocks it records: candidates, lock cases, lock
# clocks, claim, load (with cases), staff, webhook endpoints, open breach escalations, insert
# escalations, insert events, insert notifications, insert outbox rows, bump the cases. (A chunk
# that saw fewer candidates than its size is the last; savepoints are not counted.)
BREACH_SWEEP_QUERIES = 13
# A warning chunk: candidates, lock cases, lock clocks, claim, load, staff, endpoints, events,
# notifications, outbox rows; no escalation, no version bump.
WARNING_SWEEP_QUERIES = 10


def _open(world, setup_a, count: int, *, at=MONDAY_9) -> list:
    return [open_case(world.account_a1, setup_a.normal, subject=f"Case {n}", at=at) for n in range(count)]


def _queries_of(sweep, *, now) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        recorded = sweep(now=now)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return recorded, len(statements)


@pytest.mark.django_db
def test_a_breach_sweep_runs_a_fixed_number_of_queries_whatever_its_size(world, setup_a):
    _open(world, setup_a, 2)
    assert _queries_of(sweep_breaches, now=syd(2026, 11, 23, 14, 0)) == (2, BREACH_SWEEP_QUERIES)
    _open(world, setup_a, 9, at=MONDAY_9 + timedelta(minutes=30))
    assert _queries_of(sweep_breaches, now=syd(2026, 11, 23, 14, 0)) == (9, BREACH_SWEEP_QUERIES)


@pytest.mark.django_db
def test_a_warning_sweep_runs_a_fixed_number_of_queries_whatever_its_size(world, setup_a):
    _open(world, setup_a, 2)
    assert _queries_of(sweep_warnings, now=syd(2026, 11, 23, 12, 0)) == (2, WARNING_SWEEP_QUERIES)
    _open(world, setup_a, 9, at=MONDAY_9 + timedelta(minutes=5))
    assert _queries_of(sweep_warnings, now=syd(2026, 11, 23, 12, 10)) == (9, WARNING_SWEEP_QUERIES)
    assert Notification.objects.filter(kind="at_risk").count() >= 11
    assert OutboxMessage.objects.filter(kind="sla_at_risk").count() == 11


@pytest.mark.django_db
def test_one_run_records_every_due_clock_in_chunks(world, setup_a, settings):
    settings.SLA_SWEEP_CHUNK = 3
    cases = _open(world, setup_a, 5)
    assert sweep_breaches(now=MONDAY_9 + timedelta(days=30)) == 10  # two metrics each, four chunks
    assert not SlaClock.objects.filter(breached_at__isnull=True).exists()
    assert sweep_breaches(now=MONDAY_9 + timedelta(days=31)) == 0
    for case in cases:
        assert CaseEvent.objects.filter(case=case, code="sla.breached").count() == 2
        assert OutboxMessage.objects.filter(case=case, kind="sla_breached").count() == 2


@pytest.mark.django_db
def test_a_second_breached_metric_adds_a_note_in_the_same_chunk_or_a_later_one(world, setup_a):
    together, apart = _open(world, setup_a, 2)
    version = together.version
    # together: both clocks breach in one sweep; apart: its resolution clock is moved later.
    SlaClock.objects.filter(case=apart, metric="resolution").update(due_at=MONDAY_9 + timedelta(days=40))
    assert sweep_breaches(now=MONDAY_9 + timedelta(days=30)) == 3
    assert sweep_breaches(now=MONDAY_9 + timedelta(days=41)) == 1
    for case in (together, apart):
        escalation = Escalation.objects.get(case=case, reason="sla_breached")
        lines = escalation.notes.splitlines()
        assert [line.split(" target")[0] for line in lines] == ["The first response", "The resolution"]
        codes = list(CaseEvent.objects.filter(case=case, code__startswith="escalation.").values_list("code", flat=True))
        assert codes == ["escalation.raised", "escalation.noted"]
    together.refresh_from_db()
    assert together.version == version + 1


@pytest.mark.django_db
def test_breaches_go_to_subscribed_webhooks_in_bulk(world, setup_a):
    endpoint = WebhookEndpoint.objects.create(
        tenant=world.tenant_a, url="https://hooks.example.com/in", events=["sla.breached"], secret="s" * 32
    )
    _open(world, setup_a, 3)
    assert sweep_breaches(now=syd(2026, 11, 23, 14, 0)) == 3
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert sorted(d.payload["change"]["code"] for d in deliveries) == ["sla.breached"] * 3
    assert {d.payload["change"]["new"]["metric"] for d in deliveries} == {"first_response"}
