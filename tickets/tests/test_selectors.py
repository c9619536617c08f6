"""Reads: isolation between tenants and accounts, urgency order, query counts, explanations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.errors import NotFound
from helpdesk.tenancy import scope_for_user
from sla.models import Metric, SlaClock
from sla.selectors import case_clocks, clock_explain
from sla.services import calendar_holiday_add
from tickets.models import Case, Status
from tickets.selectors import case_comments, case_events, case_get, case_list, escalation_list
from tickets.services import (
    case_assign,
    case_request_information,
    comment_add,
    escalation_raise,
)
from tickets.tests.factories import MONDAY_9, open_case, syd

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world, setup_a, setup_b):
    a1 = open_case(world.account_a1, setup_a.normal, subject="A1 normal")
    a1_urgent = open_case(world.account_a1, setup_a.urgent, subject="A1 urgent", at=MONDAY_9 + timedelta(minutes=5))
    a2 = open_case(world.account_a2, setup_a.low, subject="A2 low")
    b1 = open_case(world.account_b1, setup_b.normal, subject="B1 normal")
    return {"a1": a1, "a1_urgent": a1_urgent, "a2": a2, "b1": b1}


def test_case_list_is_scoped_and_ordered_by_urgency(world, cases):
    analyst = scope_for_user(world.analyst_a)
    assert [c.subject for c in case_list(scope=analyst)] == ["A1 urgent", "A1 normal", "A2 low"]
    assert [c.subject for c in case_list(scope=scope_for_user(world.merchant_a1))] == ["A1 urgent", "A1 normal"]
    assert [c.subject for c in case_list(scope=scope_for_user(world.merchant_a2))] == ["A2 low"]
    assert [c.subject for c in case_list(scope=scope_for_user(world.analyst_b))] == ["B1 normal"]


def test_case_list_filters(world, cases):
    analyst = scope_for_user(world.analyst_a)
    case_assign(case=cases["a1"], actor=world.analyst_a, assignee=world.analyst_a)
    assert [c.subject for c in case_list(scope=analyst, assignee=world.analyst_a)] == ["A1 normal"]
    assert [c.subject for c in case_list(scope=analyst, status=Status.NEW)] == ["A1 urgent", "A2 low"]
    assert [c.subject for c in case_list(scope=analyst, account_slug="alpha-two")] == ["A2 low"]
    SlaClock.objects.filter(case=cases["a1"], metric=Metric.FIRST_RESPONSE).update(breached_at=syd(2026, 11, 23, 13))
    assert [c.subject for c in case_list(scope=analyst, breached=True)] == ["A1 normal"]
    assert "A1 normal" not in [c.subject for c in case_list(scope=analyst, breached=False)]
    SlaClock.objects.filter(case=cases["a1_urgent"], metric=Metric.FIRST_RESPONSE).update(
        warned_at=syd(2026, 11, 23, 9)
    )
    assert [c.subject for c in case_list(scope=analyst, at_risk=True)] == ["A1 urgent"]


def test_case_get_answers_other_tenants_and_accounts_like_missing_ones(world, cases):
    analyst, merchant = scope_for_user(world.analyst_a), scope_for_user(world.merchant_a1)
    assert case_get(scope=analyst, number=cases["a2"].number) == cases["a2"]
    messages = []
    for scope, number in [(analyst, "TB-1001"), (merchant, cases["a2"].number), (analyst, "TA-9999")]:
        with pytest.raises(NotFound) as raised:
            case_get(scope=scope, number=number)
        messages.append(raised.value.message)
    assert len(set(messages)) == 1


def test_merchants_do_not_see_internal_notes(world, cases):
    case = cases["a1"]
    comment_add(case=case, actor=world.analyst_a, body="Internal: probably the CDN", public=False)
    comment_add(case=case, actor=world.analyst_a, body="We are looking into it.")
    merchant, analyst = scope_for_user(world.merchant_a1), scope_for_user(world.analyst_a)
    assert [c.body for c in case_comments(scope=merchant, case=case)] == ["We are looking into it."]
    assert len(case_comments(scope=analyst, case=case)) == 2
    assert "case.noted" not in [e.code for e in case_events(scope=merchant, case=case)]
    assert "case.noted" in [e.code for e in case_events(scope=analyst, case=case)]


def test_escalation_list_is_scoped(world, cases):
    escalation_raise(case=cases["a2"], actor=world.merchant_a2, reason="responsiveness", notes="Slow")
    escalation_raise(case=cases["b1"], actor=world.merchant_b1, reason="responsiveness", notes="Slow")
    assert {e.case.subject for e in escalation_list(scope=scope_for_user(world.manager_a))} == {"A1 urgent", "A2 low"}
    assert {e.case.subject for e in escalation_list(scope=scope_for_user(world.merchant_a1))} == {"A1 urgent"}
    assert {e.case.subject for e in escalation_list(scope=scope_for_user(world.manager_b))} == {"B1 normal"}
    assert {e.case.subject for e in escalation_list(scope=scope_for_user(world.manager_a), state="open")} == {
        "A1 urgent",
        "A2 low",
    }


def _count(queryset_factory) -> int:
    with CaptureQueriesContext(connection) as queries:
        for row in queryset_factory():
            str(row.account), str(row.priority), str(row.assignee), str(row.requester), str(row.plan)
    return len(queries)


def test_case_list_query_count_does_not_grow_with_rows(world, setup_a):
    scope = scope_for_user(world.analyst_a)
    first = open_case(world.account_a1, setup_a.normal)
    case_assign(case=first, actor=world.analyst_a, assignee=world.analyst_a)
    one = _count(lambda: case_list(scope=scope))
    for n in range(49):
        case = open_case(world.account_a1 if n % 2 else world.account_a2, setup_a.normal, subject=f"Case {n}")
        case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a)
    assert case_list(scope=scope).count() == 50
    # The cases, then their five relations by id (CASE_LIST_RELATED): six, however many rows.
    assert _count(lambda: case_list(scope=scope)) == one == 6


def test_escalation_and_history_query_counts_do_not_grow(world, setup_a):
    scope = scope_for_user(world.manager_a)
    case = open_case(world.account_a1, setup_a.urgent)

    def count(factory, touch):
        with CaptureQueriesContext(connection) as queries:
            for row in factory():
                touch(row)
        return len(queries)

    touch_escalation = lambda e: (str(e.case.account), str(e.case.priority), str(e.owner), str(e.raised_by_user))  # noqa: E731
    touch_event = lambda e: str(e.actor)  # noqa: E731
    one = count(lambda: escalation_list(scope=scope), touch_escalation)
    one_event = count(lambda: case_events(scope=scope, case=case), touch_event)
    for _ in range(49):
        escalation_raise(case=case, actor=world.analyst_a, reason="critical_impact", notes="x")
    assert count(lambda: escalation_list(scope=scope), touch_escalation) == one == 1
    assert count(lambda: case_events(scope=scope, case=case), touch_event) == one_event == 1


def test_explain_lists_calendar_target_pauses_holidays_and_closed_periods(world, setup_a):
    calendar_holiday_add(calendar=setup_a.office, day=date(2026, 11, 24), name="Company picnic")
    case = open_case(world.account_a1, setup_a.normal, at=syd(2026, 11, 23, 15, 0))  # Mon 15:00
    case_request_information(case=case, actor=world.analyst_a, message="Logs?", at=syd(2026, 11, 23, 16, 0))
    comment_add(case=case, actor=world.merchant_a1, body="Here", at=syd(2026, 11, 25, 10, 0))
    resolution = next(c for c in case_clocks(tenant=world.tenant_a, case=case) if c.metric == Metric.RESOLUTION)
    explained = clock_explain(tenant=world.tenant_a, clock=resolution)
    # 16 h: 1 h Monday, paused until Wed 10:00, then 15 h: Wed 10–17 (7), Thu (8) → Thu 17:00.
    assert explained.due_at == syd(2026, 11, 26, 17, 0)
    assert (explained.calendar, explained.time_zone, explained.amount, explained.unit) == (
        "office",
        "Australia/Sydney",
        16,
        "business_hours",
    )
    assert explained.opened_at == syd(2026, 11, 23, 15, 0) and explained.counting_from == syd(2026, 11, 23, 15, 0)
    assert explained.pauses == [(syd(2026, 11, 23, 16, 0), syd(2026, 11, 25, 10, 0), "Waiting on customer")]
    assert explained.holidays == [(date(2026, 11, 24), "Company picnic")]
    assert explained.closed_periods[0] == (syd(2026, 11, 23, 17, 0), syd(2026, 11, 25, 9, 0))
    assert explained.closed_periods[-1] == (syd(2026, 11, 25, 17, 0), syd(2026, 11, 26, 9, 0))
    assert explained.state == "running"


@pytest.mark.django_db
def test_subject_search_matches_the_trigram_index(world):
    """The subject search's SQL matches the expression of the trigram index
    (tickets/migrations/0003), so PostgreSQL can serve it without reading every case. Only the
    subject condition is planned, with sequential scans off: the trigram index is then the one
    way to answer it, and the test stays independent of table statistics."""
    sql, params = Case.objects.filter(subject__icontains="refund").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_subject_trgm" in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "filters"),
    [
        ("analyst_a", {}),
        ("analyst_a", {"status": "closed"}),
        ("analyst_a", {"assignee": "analyst_a"}),
        ("analyst_a", {"unassigned": True}),
        ("merchant_a1", {}),
        ("merchant_a1", {"status": "resolved"}),
    ],
)
def test_each_case_list_reads_a_page_in_the_work_order_off_an_index(world, who, filters):
    """A page of 50 of a million cases is never sorted: with sorts and sequential scans
    forbidden, every list is still planned, through an index that ends in the work order.
    (Which of them serves best at scale is measured by bench/case_pages.py.)"""
    filters = {key: getattr(world, value) if key == "assignee" else value for key, value in filters.items()}
    query = case_list(scope=scope_for_user(getattr(world, who)), **filters)[:50].values("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "work_order" in plan, plan
    assert "Sort" not in plan, plan
