"""Each life-cycle step is one trip through the case: it locks the row once, saves it once, bumps its
version once, and its query count is pinned (STYLE.md: writes pin their query counts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla.models import Metric, SlaClock
from tickets.models import Case, Channel, Status
from tickets.services import (
    ReassignReason,
    case_assign,
    case_change_priority,
    case_close,
    case_close_if_unanswered,
    case_confirm_closure,
    case_confirm_resolution,
    case_propose_resolution,
    case_reassign,
    case_record_workaround,
    case_reopen,
    case_request_closure,
    case_request_information,
    comment_add,
)
from tickets.services.alerts import alert_receive
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
STEP_LIMIT = 15
OPEN_LIMIT = 20
# Each step's exact count, so that a new query anywhere shows here. A closing step learns whether
# the case has unresolved escalations in the read that locks it, and reads them only then. A mail is one INSERT … ON
# CONFLICT DO NOTHING; a step reads the tenant's webhook endpoints once however many events it
# emits; closing also invites the merchant to the survey (its invitation and a second mail).
# Steps that tell staff (tickets.staff_notifications) pay for who is told (the analysts, with their
# mail settings in one join, when nobody owns the case), the notification rows (one insert) and
# their mail; a reassignment and a priority change are also mailed to the merchant.
QUERIES = {
    "assign": 5,
    "reply": 11,
    "note": 5,
    "ask": 13,
    "answer": 13,
    "reassign": 9,
    "priority": 13,
    "workaround": 7,
    "propose": 14,
    "reopen": 11,
    "ask closure": 7,
    "confirm closure": 15,
    "confirm resolution": 10,
    "close by agreement": 11,
    "close unanswered": 10,
    "email reply": 9,
    "alert again": 13,
}
OPEN_QUERIES = 16
OPEN_ESCALATING_QUERIES = 20  # opening, plus the escalation, its event, the managers told and senior management's mail


def test_every_pinned_count_is_within_the_limits():
    assert max(QUERIES.values()) <= STEP_LIMIT
    assert max(OPEN_QUERIES, OPEN_ESCALATING_QUERIES) <= OPEN_LIMIT


def measured(step: Callable[[], Any]) -> tuple[Any, list[str]]:
    """The step's result and its SQL. The test runs inside a transaction, so the service's own
    transaction shows as a savepoint around it; in production it is BEGIN and COMMIT, which
    Django does not count, so that outer pair is left out."""
    with CaptureQueriesContext(connection) as queries:
        result = step()
    sql = [q["sql"] for q in queries.captured_queries]
    if sql and sql[0].startswith("SAVEPOINT") and sql[-1].startswith("RELEASE SAVEPOINT"):
        sql = sql[1:-1]
    return result, sql


def row_locks(sql: list[str]) -> list[str]:
    """Row locks taken on the case table itself (not a join's, such as an alert locked with its case)."""
    return [q for q in sql if "FOR UPDATE" in q and q.split(" FROM ", 1)[1].startswith('"tickets_case" ')]


def case_saves(sql: list[str]) -> list[str]:
    return [q for q in sql if q.startswith('UPDATE "tickets_case" SET')]


def assert_count(sql: list[str], expected: int) -> None:
    assert len(sql) == expected, f"{len(sql)} queries:\n" + "\n".join(sql)


def assert_one_trip(sql: list[str], case: Case, version_before: int, step: str) -> None:
    case.refresh_from_db()
    assert len(row_locks(sql)) == 1, row_locks(sql)
    assert len(case_saves(sql)) == 1, case_saves(sql)
    assert case.version == version_before + 1
    assert_count(sql, QUERIES[step])


def test_opening_takes_its_pinned_queries_and_saves_the_case_once(world, setup_a):
    case, sql = measured(lambda: open_case(world.account_a1, setup_a.normal))
    assert_count(sql, OPEN_QUERIES)
    assert row_locks(sql) == [] and case_saves(sql) == []  # inserted once, with its deadline
    case.refresh_from_db()
    assert case.sla_due_at == SlaClock.objects.get(case=case, metric=Metric.FIRST_RESPONSE).due_at


def test_opening_an_escalating_priority_raises_the_escalation_without_a_second_trip(world, setup_a):
    case, sql = measured(lambda: open_case(world.account_a1, setup_a.urgent))
    assert_count(sql, OPEN_ESCALATING_QUERIES)
    assert row_locks(sql) == [] and len(case_saves(sql)) == 0  # a new row: inserted once, nobody else sees it
    case.refresh_from_db()
    assert case.escalations.count() == 1 and case.version == 1


def test_every_life_cycle_step_locks_saves_and_versions_the_case_once(world, setup_a):
    analyst, merchant = world.analyst_a, world.merchant_a1
    case = open_case(world.account_a1, setup_a.normal)
    steps: list[tuple[str, Callable[[Case], Any]]] = [
        ("assign", lambda c: case_assign(case=c, actor=analyst, assignee=analyst, at=MONDAY_9 + H)),
        ("reply", lambda c: comment_add(case=c, actor=analyst, body="Looking", at=MONDAY_9 + 2 * H)),
        ("note", lambda c: comment_add(case=c, actor=analyst, body="Hmm", public=False, at=MONDAY_9 + 2 * H)),
        ("ask", lambda c: case_request_information(case=c, actor=analyst, message="Logs?", at=MONDAY_9 + 3 * H)),
        ("answer", lambda c: comment_add(case=c, actor=merchant, body="Here", at=MONDAY_9 + 4 * H)),
        (
            "reassign",
            lambda c: case_reassign(
                case=c, actor=analyst, assignee=world.manager_a, reason=ReassignReason.WORKLOAD, at=MONDAY_9 + 4 * H
            ),
        ),
        (
            "priority",
            lambda c: case_change_priority(
                case=c, actor=analyst, priority=setup_a.urgent, reason="Down", at=MONDAY_9 + 5 * H
            ),
        ),
        (
            "workaround",
            lambda c: case_record_workaround(case=c, actor=analyst, workaround="Retry", at=MONDAY_9 + 5 * H),
        ),
        ("propose", lambda c: case_propose_resolution(case=c, actor=analyst, summary="Fixed", at=MONDAY_9 + 6 * H)),
        ("reopen", lambda c: case_reopen(case=c, actor=merchant, reason="Back", at=MONDAY_9 + 7 * H)),
        ("ask closure", lambda c: case_request_closure(case=c, actor=merchant, at=MONDAY_9 + 7 * H)),
        ("confirm closure", lambda c: case_confirm_closure(case=c, actor=analyst, at=MONDAY_9 + 8 * H)),
    ]
    for name, step in steps:
        version = case.version
        _, sql = measured(lambda step=step: step(case))
        assert_one_trip(sql, case, version, name)
    assert case.status == Status.CLOSED


def test_confirming_closing_and_auto_closing_a_resolution_are_one_trip_each(world, setup_a):
    analyst, merchant = world.analyst_a, world.merchant_a1
    cases = [open_case(world.account_a1, setup_a.normal, subject=f"Case {n}") for n in range(3)]
    for case in cases:
        case_propose_resolution(case=case, actor=analyst, summary="Fixed", at=MONDAY_9 + H)
        case.refresh_from_db()
    closes: list[tuple[str, Callable[[Case], Any]]] = [
        ("confirm resolution", lambda c: case_confirm_resolution(case=c, actor=merchant, at=MONDAY_9 + 2 * H)),
        (
            "close by agreement",
            lambda c: case_close(case=c, actor=analyst, note="Agreed by phone", at=MONDAY_9 + 2 * H),
        ),
        ("close unanswered", lambda c: case_close_if_unanswered(case=c, at=MONDAY_9 + timedelta(days=30))),
    ]
    for case, (name, close) in zip(cases, closes, strict=True):
        version = case.version
        _, sql = measured(lambda case=case, close=close: close(case))
        assert_one_trip(sql, case, version, name)
        assert case.status == Status.CLOSED


def test_an_email_reply_channel_is_one_trip_too(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    version = case.version
    _, sql = measured(
        lambda: comment_add(case=case, actor=world.merchant_a1, body="By mail", channel=Channel.EMAIL, at=MONDAY_9 + H)
    )
    assert_one_trip(sql, case, version, "email reply")


def test_an_alert_firing_again_notes_its_open_case_in_one_trip(world, setup_a):
    def fire(summary: str) -> Any:
        return alert_receive(
            account=world.account_a1,
            store=None,
            actor=world.merchant_a1,
            dedup_key="disk-full",
            kind="availability",
            severity="major",
            summary=summary,
            firing=True,
            at=MONDAY_9,
        )

    case = fire("Disk full").case
    version = case.version
    outcome, sql = measured(lambda: fire("Still full"))
    assert outcome.action == "added"
    assert_one_trip(sql, case, version, "alert again")


CLOSE_WITH_ESCALATION_QUERIES = 13  # confirming, plus the open escalation read, resolved and its event


def test_closing_a_case_with_an_open_escalation_resolves_it_in_the_same_trip(world, setup_a):
    case = open_case(world.account_a1, setup_a.urgent)  # escalates on opening
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=MONDAY_9 + H)
    case.refresh_from_db()
    version = case.version
    _, sql = measured(lambda: case_confirm_resolution(case=case, actor=world.merchant_a1, at=MONDAY_9 + 2 * H))
    case.refresh_from_db()
    assert len(row_locks(sql)) == 1 and len(case_saves(sql)) == 1 and case.version == version + 1
    assert [e.state for e in case.escalations.all()] == ["resolved"]
    assert_count(sql, CLOSE_WITH_ESCALATION_QUERIES)
    assert CLOSE_WITH_ESCALATION_QUERIES <= STEP_LIMIT
