"""Every life-cycle step through the services, with its events and its effect on the SLA clocks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from helpdesk.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import Role
from helpdesk.tests.factories import make_staff
from sla.models import CasePause, ClockState, MetBy, Metric, SlaClock
from tickets.models import Case, CaseEvent, Channel, EscalationLevel, EscalationReason, RaisedBy, Status
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
from tickets.tests.factories import MONDAY_9, open_case, setup_case_tenant, syd

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def clock(case: Case, metric: str) -> SlaClock:
    return SlaClock.objects.get(case=case, metric=metric)


def codes(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("code", flat=True))


# -- opening -------------------------------------------------------------------------------------


def test_opening_numbers_the_case_locks_the_policy_and_starts_the_clocks(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    assert case.number == "TA-1001"
    assert case.status == Status.NEW and case.channel == Channel.PORTAL
    assert case.plan == setup_a.gold and case.sla_policy.version == 1
    assert clock(case, Metric.FIRST_RESPONSE).due_at == syd(2026, 11, 23, 13, 0)
    assert clock(case, Metric.RESOLUTION).due_at == syd(2026, 11, 24, 17, 0)
    assert clock(case, Metric.FIRST_RESPONSE).at_risk_at == syd(2026, 11, 23, 12, 0)  # 75% of 4 h
    assert case.sla_due_at == syd(2026, 11, 23, 13, 0)
    assert codes(case) == ["case.opened"]


def test_a_case_opened_while_closed_starts_its_clock_at_the_next_opening(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=syd(2026, 11, 28, 11, 0))  # Saturday
    assert clock(case, Metric.FIRST_RESPONSE).due_at == syd(2026, 11, 30, 13, 0)


def test_no_explicit_target_means_no_clock(world, setup_a):
    silver = open_case(world.account_a2, setup_a.normal)
    assert set(SlaClock.objects.filter(case=silver).values_list("metric", flat=True)) == {Metric.FIRST_RESPONSE}
    low = open_case(world.account_a1, setup_a.low)
    assert not SlaClock.objects.filter(case=low).exists() and low.sla_due_at is None


def test_numbers_run_per_tenant(world, setup_a, setup_b):
    first, second = open_case(world.account_a1, setup_a.normal), open_case(world.account_a2, setup_a.normal)
    other = open_case(world.account_b1, setup_b.normal)
    assert (first.number, second.number, other.number) == ("TA-1001", "TA-1002", "TB-1001")


def test_an_analyst_logs_a_phone_call_for_a_merchant(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, opened_by=world.analyst_a, channel=Channel.PHONE)
    event = CaseEvent.objects.get(case=case)
    assert event.actor == world.analyst_a and "on the merchant's behalf" in event.note
    assert case.requester == world.merchant_a1 and case.channel == Channel.PHONE


def test_opening_refuses_what_does_not_belong(world, setup_a):
    with pytest.raises(ValidationFailed, match="requester must be a user"):
        open_case(world.account_a1, setup_a.normal, requester=world.merchant_a2)
    with pytest.raises(PermissionDenied, match="Merchants open cases for themselves"):
        open_case(world.account_a1, setup_a.normal, opened_by=world.merchant_a1, channel=Channel.PHONE)
    with pytest.raises(NotFound):
        open_case(world.account_b1, setup_a.normal)
    with pytest.raises(ValidationFailed, match="subject"):
        open_case(world.account_a1, setup_a.normal, subject="  ")
    with pytest.raises(ValidationFailed, match="not a valid e-mail"):
        open_case(world.account_a1, setup_a.normal, cc_emails=["ops@x.test", "nope"])
    assert not Case.objects.exists()


def test_top_priorities_escalate_to_senior_management_on_open(world, setup_a):
    case = open_case(world.account_a1, setup_a.urgent)
    escalation = case.escalations.get()
    assert (escalation.raised_by, escalation.reason, escalation.level) == (
        RaisedBy.SYSTEM,
        EscalationReason.TOP_PRIORITY,
        EscalationLevel.SENIOR_MANAGEMENT,
    )
    assert codes(case) == ["case.opened", "escalation.raised"]


# -- assignment and first response ---------------------------------------------------------------


def test_assign_then_reassign_with_a_reason(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case = case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, at=MONDAY_9 + H)
    assert case.status == Status.OPEN and case.assignee == world.analyst_a
    second = make_staff(world.tenant_a, Role.ANALYST, "second@tenant-a.test")
    with pytest.raises(ValidationFailed, match="reassign it with a reason"):
        case_assign(case=case, actor=world.analyst_a, assignee=second)
    with pytest.raises(ValidationFailed, match="time-zone hand-off"):
        case_reassign(case=case, actor=world.analyst_a, assignee=second, reason="")
    case = case_reassign(case=case, actor=world.analyst_a, assignee=second, reason=ReassignReason.TIME_ZONE)
    event = CaseEvent.objects.filter(case=case, code="case.reassigned").get()
    assert event.old == {"assignee": world.analyst_a.email}
    assert event.new == {"assignee": second.email, "reason": "time_zone"}
    with pytest.raises(NotFound):
        case_reassign(case=case, actor=world.analyst_a, assignee=world.analyst_b, reason=ReassignReason.EXPERTISE)
    with pytest.raises(PermissionDenied):
        case_assign(case=open_case(world.account_a1, setup_a.normal), actor=world.merchant_a1, assignee=second)


def test_first_public_staff_reply_meets_first_response(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    comment_add(
        case=case, actor=world.analyst_a, body="Internal: looks like the gateway", public=False, at=MONDAY_9 + H
    )
    assert clock(case, Metric.FIRST_RESPONSE).met_at is None
    comment_add(case=case, actor=world.merchant_a1, body="Any news?", at=MONDAY_9 + 2 * H)
    assert clock(case, Metric.FIRST_RESPONSE).met_at is None
    comment_add(case=case, actor=world.analyst_a, body="We are on it.", at=MONDAY_9 + 3 * H)
    fr = clock(case, Metric.FIRST_RESPONSE)
    assert fr.met_at == MONDAY_9 + 3 * H and fr.state == ClockState.MET
    case.refresh_from_db()
    assert case.first_responded_at == MONDAY_9 + 3 * H
    assert case.sla_due_at == clock(case, Metric.RESOLUTION).due_at
    assert codes(case) == ["case.opened", "case.noted", "case.customer_replied", "case.commented", "sla.met"]


def test_a_late_reply_records_the_breach(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    comment_add(case=case, actor=world.analyst_a, body="Sorry for the wait.", at=syd(2026, 11, 23, 14, 0))
    fr = clock(case, Metric.FIRST_RESPONSE)
    assert fr.breached_at == syd(2026, 11, 23, 13, 0) and fr.state == ClockState.BREACHED


def test_assignment_meets_first_response_where_the_tenant_says_so(world):
    setup = setup_case_tenant(world.tenant_b, met_by=MetBy.ASSIGNMENT)
    case = open_case(world.account_b1, setup.normal)
    case_assign(case=case, actor=world.analyst_b, assignee=world.analyst_b, at=MONDAY_9 + H)
    assert clock(case, Metric.FIRST_RESPONSE).met_at == MONDAY_9 + H


# -- waiting on the customer ---------------------------------------------------------------------


def test_waiting_on_customer_pauses_the_resolution_clock(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)  # resolution due Tue 17:00
    case_request_information(case=case, actor=world.analyst_a, message="Which browser?", at=MONDAY_9 + H)
    case.refresh_from_db()
    assert case.status == Status.WAITING
    resolution = clock(case, Metric.RESOLUTION)
    assert resolution.due_at is None and resolution.state == ClockState.PAUSED
    assert case.sla_due_at is None  # first response met by the question itself
    comment_add(case=case, actor=world.merchant_a1, body="Safari 18", at=syd(2026, 11, 23, 16, 0))
    case.refresh_from_db()
    assert case.status == Status.OPEN
    # Paused 10:00–16:00: six business hours later than Tue 17:00 is Wed 15:00.
    assert clock(case, Metric.RESOLUTION).due_at == syd(2026, 11, 25, 15, 0)
    assert case.sla_due_at == syd(2026, 11, 25, 15, 0)
    assert "case.information_requested" in codes(case) and "case.status_changed" in codes(case)


def test_a_pause_over_a_weekend_costs_only_business_time(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=syd(2026, 11, 27, 9, 0))  # Friday; due Mon 17:00
    case_request_information(case=case, actor=world.analyst_a, message="Logs please", at=syd(2026, 11, 27, 16, 0))
    comment_add(case=case, actor=world.merchant_a1, body="Attached", at=syd(2026, 11, 30, 10, 0))
    # Paused Fri 16:00 – Mon 10:00 = 2 business hours: due Mon 17:00 + 2 h = Tue 11:00.
    assert clock(case, Metric.RESOLUTION).due_at == syd(2026, 12, 1, 11, 0)


# -- resolution and closing ----------------------------------------------------------------------


def test_resolve_confirm_and_close(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, at=MONDAY_9 + H)
    case = case_propose_resolution(
        case=case, actor=world.analyst_a, summary="Gateway key rotated.", at=MONDAY_9 + 2 * H
    )
    assert case.status == Status.RESOLVED and case.resolved_at == MONDAY_9 + 2 * H
    assert clock(case, Metric.RESOLUTION).met_at == MONDAY_9 + 2 * H
    with pytest.raises(PermissionDenied, match="Only the merchant"):
        case_confirm_resolution(case=case, actor=world.analyst_a)
    case = case_confirm_resolution(case=case, actor=world.merchant_a1, at=MONDAY_9 + 3 * H)
    assert case.status == Status.CLOSED and case.closed_at == MONDAY_9 + 3 * H
    closed = CaseEvent.objects.get(case=case, code="case.closed")
    assert closed.new == {"status": "closed", "how": "merchant_confirmed"}


def test_reopening_resumes_the_resolution_clock_without_counting_the_resolved_time(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)  # resolution: 16 business hours
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=syd(2026, 11, 23, 13, 0))
    case = case_reopen(case=case, actor=world.merchant_a1, reason="Still failing", at=syd(2026, 11, 24, 13, 0))
    assert case.status == Status.REOPENED and case.resolved_at is None
    resolution = clock(case, Metric.RESOLUTION)
    assert resolution.met_at is None
    # 4 h used on Monday; 12 h left from Tue 13:00: Wed 17:00.
    assert resolution.due_at == syd(2026, 11, 25, 17, 0)
    assert CasePause.objects.filter(case=case, ended_at=syd(2026, 11, 24, 13, 0)).exists()
    case = case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, at=syd(2026, 11, 24, 14, 0))
    assert case.status == Status.OPEN


def test_reopening_a_closed_case(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=syd(2026, 11, 23, 13, 0))
    case_confirm_resolution(case=case, actor=world.merchant_a1, at=syd(2026, 11, 23, 14, 0))
    case = case_reopen(case=case, actor=world.merchant_a1, reason="It is back", at=syd(2026, 11, 24, 9, 0))
    assert case.status == Status.REOPENED
    assert clock(case, Metric.RESOLUTION).due_at == syd(2026, 11, 25, 13, 0)  # 12 h left from Tue 09:00


def test_merchant_requests_closure_and_the_analyst_confirms(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    with pytest.raises(IllegalTransition, match="no request is pending"):
        case_confirm_closure(case=case, actor=world.analyst_a)
    case_request_closure(case=case, actor=world.merchant_a1, reason="It went away", at=MONDAY_9 + H)
    case = case_confirm_closure(case=case, actor=world.analyst_a, at=MONDAY_9 + 2 * H)
    assert case.status == Status.CLOSED
    assert clock(case, Metric.RESOLUTION).met_at == MONDAY_9 + 2 * H
    assert clock(case, Metric.FIRST_RESPONSE).met_at == MONDAY_9 + 2 * H


def test_staff_close_a_resolved_case_by_agreement(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    with pytest.raises(IllegalTransition):
        case_close(case=case, actor=world.analyst_a)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=MONDAY_9 + H)
    case = case_close(case=case, actor=world.analyst_a, note="Merchant agreed on the phone", at=MONDAY_9 + 2 * H)
    assert case.status == Status.CLOSED


def test_a_resolved_case_closes_by_itself_after_the_tenants_days(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=MONDAY_9 + H)
    days = world.tenant_a.auto_close_days
    assert case_close_if_unanswered(case=case, at=MONDAY_9 + H + timedelta(days=days) - timedelta(seconds=1)) is None
    closed = case_close_if_unanswered(case=case, at=MONDAY_9 + H + timedelta(days=days))
    assert closed.status == Status.CLOSED
    event = CaseEvent.objects.get(case=case, code="case.closed")
    assert event.actor is None and event.new["how"] == "closed_after_no_reply"
    assert case_close_if_unanswered(case=case, at=MONDAY_9 + timedelta(days=30)) is None  # closed already


# -- illegal steps say what is allowed ------------------------------------------------------------


def test_illegal_steps_say_what_can_be_done_instead(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    with pytest.raises(
        IllegalTransition, match=r"is new: it cannot be confirmed as resolved\. From here you can assign"
    ):
        case_confirm_resolution(case=case, actor=world.merchant_a1)
    with pytest.raises(IllegalTransition, match="cannot be reopened"):
        case_reopen(case=case, actor=world.merchant_a1, reason="why")
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=MONDAY_9 + H)
    case_confirm_resolution(case=case, actor=world.merchant_a1, at=MONDAY_9 + 2 * H)
    with pytest.raises(IllegalTransition, match=r"is closed: it cannot be commented on\. From here you can reopen it"):
        comment_add(case=case, actor=world.merchant_a1, body="one more thing")
    with pytest.raises(IllegalTransition, match="cannot be assigned"):
        case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a)
    with pytest.raises(IllegalTransition, match="cannot be put on waiting"):
        case_request_information(case=Case.objects.get(pk=case.pk), actor=world.analyst_a, message="?")


def test_merchants_cannot_write_internal_notes_or_touch_other_accounts(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    with pytest.raises(ValidationFailed, match="Internal notes are for support staff"):
        comment_add(case=case, actor=world.merchant_a1, body="secret", public=False)
    with pytest.raises(NotFound):
        comment_add(case=case, actor=world.merchant_a2, body="hello")
    with pytest.raises(NotFound):
        comment_add(case=case, actor=world.analyst_b, body="hello")


# -- priority, workaround -------------------------------------------------------------------------


def test_priority_change_recomputes_from_the_opening_minus_paused_time(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_request_information(case=case, actor=world.analyst_a, message="Logs?", at=syd(2026, 11, 23, 10, 0))
    comment_add(case=case, actor=world.merchant_a1, body="Here", at=syd(2026, 11, 23, 12, 0))
    case = case_change_priority(
        case=case,
        actor=world.analyst_a,
        priority=setup_a.urgent,
        reason="All checkouts fail",
        at=syd(2026, 11, 23, 13, 0),
    )
    # Urgent resolution is 8 h from Mon 09:00 (Mon 17:00), plus the 2 paused hours: Tue 11:00.
    assert clock(case, Metric.RESOLUTION).due_at == syd(2026, 11, 24, 11, 0)
    event = CaseEvent.objects.get(case=case, code="case.priority_changed")
    assert event.old["priority"] == "Normal" and event.new["priority"] == "Urgent"
    # Before: Tue 17:00 plus the 2 paused hours.
    assert datetime.fromisoformat(event.old["resolution_due"]) == syd(2026, 11, 25, 11, 0)
    assert datetime.fromisoformat(event.new["resolution_due"]) == syd(2026, 11, 24, 11, 0)
    assert event.note == "All checkouts fail"
    case = case_change_priority(case=case, actor=world.analyst_a, priority=setup_a.low, reason="Workaround found")
    assert not SlaClock.objects.filter(case=case).exists() and case.sla_due_at is None
    with pytest.raises(ValidationFailed, match="Say why"):
        case_change_priority(case=case, actor=world.analyst_a, priority=setup_a.normal, reason=" ")


def test_lowering_priority_lifts_a_breach_that_no_longer_holds(world, setup_a):
    case = open_case(world.account_a1, setup_a.urgent)  # first response due Mon 10:00
    SlaClock.objects.filter(case=case, metric=Metric.FIRST_RESPONSE).update(breached_at=syd(2026, 11, 23, 10, 0))
    case_change_priority(
        case=case, actor=world.analyst_a, priority=setup_a.normal, reason="Only one store", at=syd(2026, 11, 23, 10, 30)
    )
    first_response = clock(case, Metric.FIRST_RESPONSE)
    assert first_response.due_at == syd(2026, 11, 23, 13, 0)
    assert first_response.breached_at is None and first_response.state == ClockState.RUNNING


def test_raising_priority_keeps_a_breach_that_still_holds(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    SlaClock.objects.filter(case=case, metric=Metric.FIRST_RESPONSE).update(breached_at=syd(2026, 11, 23, 13, 0))
    case_change_priority(
        case=case, actor=world.analyst_a, priority=setup_a.urgent, reason="x", at=syd(2026, 11, 23, 14)
    )
    assert clock(case, Metric.FIRST_RESPONSE).state == ClockState.BREACHED


def test_workaround_is_recorded_with_old_and_new(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_record_workaround(case=case, actor=world.analyst_a, workaround="Use the backup gateway.")
    case = case_record_workaround(case=case, actor=world.analyst_a, workaround="Use PayPal until fixed.")
    assert case.workaround == "Use PayPal until fixed."
    last = CaseEvent.objects.filter(case=case, code="case.workaround_recorded").last()
    assert last.old == {"workaround": "Use the backup gateway."}
    with pytest.raises(PermissionDenied):
        case_record_workaround(case=case, actor=world.merchant_a1, workaround="x")


def test_events_are_append_only(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    event = CaseEvent.objects.get(case=case)
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
