"""Which mail each case event causes, to whom, saying what happens next; and replies by mail."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from helpdesk.models import OutboxMessage
from tickets.models import Channel, Comment, EngineeringState
from tickets.notifications import case_from_reply_address, reply_address
from tickets.services import (
    case_assign,
    case_confirm_resolution,
    case_propose_resolution,
    case_request_information,
    comment_add,
    engineering_issue_link,
    engineering_issue_set_state,
    escalation_acknowledge,
    escalation_raise,
    escalation_resolve,
)
from tickets.sla_sweeps import sweep_breaches, sweep_warnings
from tickets.tests.factories import MONDAY_9, open_case, syd

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def mails(kind: str | None = None):
    rows = OutboxMessage.objects.order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.fixture
def account(world):
    account = world.account_a1
    account.cc_addresses = ["ops@alpha-one.test"]
    account.save(update_fields=["cc_addresses"])
    return account


def test_acknowledgement_states_the_committed_times_in_the_merchants_zone(world, setup_a, account):
    case = open_case(account, setup_a.normal, cc_emails=["cto@alpha-one.test"])
    (ack,) = mails("case_acknowledgement")
    assert ack.to == ["merchant@alpha-one.test"]
    assert ack.cc == ["ops@alpha-one.test", "cto@alpha-one.test"]
    assert ack.subject == "[TA-1001] We received your case: Checkout fails"
    assert "An analyst will respond by Monday 23 November 2026, 13:00 AEDT (4 business hours)." in ack.body_text
    assert "We aim to resolve it by Tuesday 24 November 2026, 17:00 AEDT (16 business hours)" in ack.body_text
    assert "What happens next" in ack.body_text and "What happens next" in ack.body_html
    assert case_from_reply_address(ack.reply_to) == case.pk


def test_acknowledgement_uses_the_requesters_own_zone(world, setup_a, account):
    merchant = account.technical_contact
    merchant.time_zone = "Europe/London"
    merchant.save(update_fields=["time_zone"])
    open_case(account, setup_a.normal)
    assert "respond by Monday 23 November 2026, 02:00 GMT" in mails("case_acknowledgement")[0].body_text


def test_a_case_without_targets_says_so(world, setup_a, account):
    open_case(account, setup_a.low)
    assert "There is no committed response time for Low cases" in mails("case_acknowledgement")[0].body_text


def test_top_priority_mentions_the_phone_and_alerts_senior_management(world, setup_a, account):
    world.tenant_a.support_phone_numbers = ["1-877-282-7436"]
    world.tenant_a.senior_management_email = "board@tenant-a.test"
    world.tenant_a.save()
    open_case(account, setup_a.urgent)
    ack = mails("case_acknowledgement")[0]
    assert "must also be reported by phone: call 1-877-282-7436" in ack.body_text
    (alert,) = mails("senior_management_alert")
    assert alert.to == ["board@tenant-a.test", world.manager_a.email]
    assert mails("escalation_raised") == [] and mails("escalation_raised_staff") == []


def test_the_conversation_by_mail(world, setup_a, account):
    case = open_case(account, setup_a.normal)
    comment_add(case=case, actor=world.analyst_a, body="Internal only", public=False)
    assert mails("case_comment") == []
    comment_add(case=case, actor=world.analyst_a, body="Could you try clearing the cache?")
    (reply,) = mails("case_comment")
    assert "Could you try clearing the cache?" in reply.body_text
    case_request_information(case=case, actor=world.analyst_a, message="Which browser do customers use?")
    (question,) = mails("case_information_requested")
    assert "Which browser" in question.body_text and "resolution clock is paused" in question.body_text
    assert len(mails("case_comment")) == 1  # the question is not mailed twice
    comment_add(case=case, actor=world.merchant_a1, body="Safari")
    assert len(mails("case_comment")) == 1  # merchants are not mailed their own words
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed by the CDN change.")
    (proposal,) = mails("case_resolution_proposed")
    assert (
        f"/cases/{case.number}/confirm/" in proposal.body_text and f"/cases/{case.number}/reopen/" in proposal.body_text
    )
    case_confirm_resolution(case=case, actor=world.merchant_a1)
    (closed,) = mails("case_closed")
    assert "survey" in closed.body_text


def test_escalation_mail(world, setup_a, account):
    case = open_case(account, setup_a.normal)
    escalation = escalation_raise(case=case, actor=world.merchant_a1, reason="responsiveness", notes="Nobody answers.")
    (staff,) = mails("escalation_raised_staff")
    assert staff.to == [world.manager_a.email] and "Nobody answers." in staff.body_text
    assert mails("escalation_raised")[0].to == ["merchant@alpha-one.test"]
    escalation_acknowledge(escalation=escalation, actor=world.manager_a)
    assert world.manager_a.get_full_name() in mails("escalation_acknowledged")[0].body_text
    escalation_resolve(escalation=escalation, actor=world.manager_a, note="Called the merchant.")
    resolved = mails("escalation_resolved")[0]
    assert "is resolved by Manager tenant-a, support manager." in resolved.body_text
    assert "Called the merchant." not in resolved.body_text + resolved.body_html  # the manager's note is staff-only


def test_engineering_changes_are_mailed_to_the_merchant(world, setup_a, account):
    case = open_case(account, setup_a.normal)
    issue = engineering_issue_link(case=case, actor=world.analyst_a, reference="ENG-9")
    engineering_issue_set_state(
        tenant=world.tenant_a, issue=issue, actor=world.analyst_a, state=EngineeringState.RELEASED
    )
    (update,) = mails("case_engineering_changed")
    assert "ENG-9" in update.subject and "the fix is live" in update.body_text


def test_at_risk_goes_to_the_assignee_or_the_analysts_and_breaches_to_the_managers(world, setup_a, account):
    unassigned = open_case(account, setup_a.normal)  # first response due 13:00, at risk from 12:00
    assigned = open_case(account, setup_a.normal)
    case_assign(case=assigned, actor=world.analyst_a, assignee=world.manager_a)
    assert sweep_warnings(now=syd(2026, 11, 23, 12, 30)) == 2
    by_case = {m.case_id: m for m in mails("sla_at_risk")}
    assert by_case[unassigned.pk].to == [world.analyst_a.email]
    assert by_case[assigned.pk].to == [world.manager_a.email]
    assert "due Monday 23 November 2026, 13:00 AEDT" in by_case[unassigned.pk].body_text
    comment_add(case=assigned, actor=world.manager_a, body="Looking now.", at=syd(2026, 11, 23, 12, 45))
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 1)) == 1  # the other one was answered in time
    breach = mails("sla_breached")
    # An unowned case's breach goes to the analysts, as its warning did, and to the managers.
    assert len(breach) == 1 and breach[0].case_id == unassigned.pk
    assert breach[0].to == [world.analyst_a.email, world.manager_a.email]
    assert mails("escalation_raised_staff") == []  # the breach mail is the managers' one mail


def test_a_reply_by_mail_becomes_a_comment(client, world, setup_a, account):
    case = open_case(account, setup_a.normal)
    payload = {
        "FromFull": {"Email": "Merchant@Alpha-One.test", "Name": "Merchant"},
        "ToFull": [{"Email": reply_address(case), "Name": ""}],
        "Subject": f"Re: [{case.number}] We received your case",
        "TextBody": "It fails on Safari only.\n\nOn Mon, 23 Nov 2026 at 10:00, Support wrote:\n> We received your case",
    }
    assert _inbound(client, payload).status_code == 200
    comment = Comment.objects.get(case=case)
    assert comment.author == world.merchant_a1 and comment.channel == Channel.EMAIL
    assert comment.body == "It fails on Safari only."


@pytest.mark.parametrize("sender", ["stranger@elsewhere.test", "merchant@alpha-two.test", "analyst@tenant-a.test"])
def test_mail_from_anyone_else_is_refused_and_logged(client, world, setup_a, account, sender, caplog):
    case = open_case(account, setup_a.normal)
    payload = {"FromFull": {"Email": sender}, "ToFull": [{"Email": reply_address(case)}], "TextBody": "Hello"}
    assert _inbound(client, payload).status_code == 200
    assert not Comment.objects.filter(case=case).exists()
    assert "inbound mail refused" in caplog.text


def test_a_forged_reply_address_is_refused(client, world, setup_a, account, caplog):
    case = open_case(account, setup_a.normal)
    forged = reply_address(case).replace(f"reply+{case.pk}.", f"reply+{case.pk + 1}.")
    payload = {"FromFull": {"Email": "merchant@alpha-one.test"}, "ToFull": [{"Email": forged}], "TextBody": "Hi"}
    _inbound(client, payload)
    assert not Comment.objects.exists()
    assert case_from_reply_address(forged) is None


def _inbound(client, payload: dict):
    auth = base64.b64encode(b"anymail:webhook-secret").decode()
    return client.post(
        "/anymail/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def test_opening_mails_the_merchant_once_and_announces_the_unowned_case_to_the_analysts(world, setup_a, account):
    open_case(account, setup_a.normal, at=MONDAY_9)
    assert [(m.kind, m.to) for m in mails()] == [
        ("case_acknowledgement", ["merchant@alpha-one.test"]),
        ("staff_notification", [world.analyst_a.email]),
    ]


def test_text_mail_and_subjects_are_not_html_escaped(world, setup_a, account):
    world.tenant_a.name = "Smith & Sons <Support>"
    world.tenant_a.save(update_fields=["name"])
    subject = 'O\'Brien & Co: <checkout> says "declined"'
    case = open_case(account, setup_a.normal, subject=subject)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=MONDAY_9 + H)
    case_confirm_resolution(case=case, actor=case.requester, at=MONDAY_9 + 2 * H)
    (ack,) = mails("case_acknowledgement")
    assert ack.subject == f"[TA-1001] We received your case: {subject}"
    assert "Smith & Sons <Support> support · case TA-1001" in ack.body_text
    (invitation,) = mails("survey_invitation")
    assert f'Case TA-1001, "{subject}", is closed.' in invitation.body_text
    for message in (ack, invitation):
        assert not any(
            entity in message.subject + message.body_text for entity in ("&amp;", "&#x27;", "&lt;", "&quot;")
        )
        # The HTML part still escapes what the merchant typed.
        assert "O&#x27;Brien &amp; Co: &lt;checkout&gt;" in message.body_html
        assert "<checkout>" not in message.body_html


def test_a_priority_change_is_mailed_to_the_merchant_with_its_reason(world, setup_a, account):
    from tickets.services import case_change_priority

    case = open_case(account, setup_a.normal)
    case_change_priority(case=case, actor=world.analyst_a, priority=setup_a.urgent, reason="Checkout is down for all")
    (mail,) = mails("case_priority_changed")
    assert mail.to == ["merchant@alpha-one.test"] and mail.cc == ["ops@alpha-one.test"]
    assert "from Normal to Urgent" in mail.body_text and "Why: Checkout is down for all" in mail.body_text


def test_where_assignment_meets_the_first_response_the_acknowledgement_promises_assignment(world, account):
    from sla.models import MetBy
    from tickets.tests.factories import setup_case_tenant

    setup = setup_case_tenant(world.tenant_a, met_by=MetBy.ASSIGNMENT)
    open_case(account, setup.normal, at=MONDAY_9)
    (ack,) = mails("case_acknowledgement")
    assert "An analyst will be assigned to your case by Monday 23 November 2026, 13:00 AEDT" in ack.body_text
    assert "will respond by" not in ack.body_text


def test_a_reassignment_tells_the_merchant_who_owns_the_case_but_not_the_note(world, setup_a, account):
    from tickets.services import case_reassign

    case = open_case(account, setup_a.normal)
    case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a)
    case_reassign(case=case, actor=world.analyst_a, assignee=world.manager_a, reason="time_zone", note="He is grumpy")
    (mail,) = mails("case_reassigned")
    assert mail.to == ["merchant@alpha-one.test"]
    assert f"{world.manager_a.get_full_name()} now owns your case" in mail.body_text
    assert "grumpy" not in mail.body_text and "grumpy" not in mail.body_html
