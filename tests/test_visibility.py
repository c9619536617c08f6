"""The one visibility rule: staff-only text never reaches the merchant, on any channel.

Internal notes, reassignment notes, managers' notes on escalations and what staff wrote when they
raised an escalation are staff-only; the merchant sees that the case changed hands and to whom,
every state change, and their own escalation's words (PRODUCT.md, "Cases: Visibility").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from helpdesk.models import OutboxMessage, Role
from helpdesk.services import api_key_create
from helpdesk.tests.factories import make_staff
from tickets.models import EscalationLevel, EscalationReason
from tickets.services import (
    case_assign,
    case_reassign,
    comment_add,
    escalation_acknowledge,
    escalation_raise,
    escalation_resolve,
)
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db

STAFF_ONLY = ("INTERNAL-NOTE-7", "REASSIGN-NOTE-7", "STAFF-ESCALATION-7", "MANAGER-NOTE-7", "MANAGER-ACK-7")


@pytest.fixture
def story(world, setup_a):
    """A case that went through every kind of staff-only text, and one merchant escalation."""
    sam = make_staff(world.tenant_a, Role.ANALYST, "sam@tenant-a.test")
    case = open_case(world.account_a1, setup_a.normal)
    at = MONDAY_9 + timedelta(minutes=5)
    case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, at=at)
    comment_add(case=case, actor=world.analyst_a, body="INTERNAL-NOTE-7", public=False, at=at)
    case_reassign(case=case, actor=world.analyst_a, assignee=sam, reason="expertise", note="REASSIGN-NOTE-7", at=at)
    staff_raised = escalation_raise(
        case=case,
        actor=sam,
        reason=EscalationReason.CRITICAL_IMPACT,
        notes="STAFF-ESCALATION-7",
        level=EscalationLevel.SUPPORT_MANAGER,
        at=at,
    )
    escalation_resolve(escalation=staff_raised, actor=world.manager_a, note="MANAGER-NOTE-7", at=at)
    mine = escalation_raise(
        case=case, actor=world.merchant_a1, reason=EscalationReason.RESPONSIVENESS, notes="MERCHANT-WORDS-7", at=at
    )
    escalation_acknowledge(escalation=mine, actor=world.manager_a, at=at)
    escalation_resolve(escalation=mine, actor=world.manager_a, note="MANAGER-ACK-7", at=at)
    case.refresh_from_db()
    return case, sam


def _api(user) -> APIClient:
    client = APIClient()
    _, raw = api_key_create(user=user, name="visibility")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _everything_seen_by(client, api: APIClient, user, case) -> str:
    client.force_login(user)
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    answers = [
        api.get(f"/api/v1/cases/{case.number}/events/"),
        api.get(f"/api/v1/cases/{case.number}/comments/"),
        api.get("/api/v1/escalations/"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    return page.content.decode() + "".join(a.content.decode() for a in answers)


def test_the_merchant_sees_no_staff_only_text_on_any_page_or_api(client, world, story):
    case, sam = story
    seen = _everything_seen_by(client, _api(world.merchant_a1), world.merchant_a1, case)
    leaked = [text for text in STAFF_ONLY if text in seen]
    assert leaked == []
    assert "MERCHANT-WORDS-7" in seen  # their own escalation's words
    assert sam.get_full_name() in seen  # who owns the case now
    assert "case.reassigned" in seen  # that it changed hands


def test_staff_see_every_note(client, world, story):
    case, _ = story
    seen = _everything_seen_by(client, _api(world.analyst_a), world.analyst_a, case)
    missing = [text for text in (*STAFF_ONLY, "MERCHANT-WORDS-7") if text not in seen]
    assert missing == []


def test_no_mail_to_the_merchant_carries_staff_only_text(world, story):
    case, _ = story
    merchant_mail = [m for m in OutboxMessage.objects.filter(case=case) if world.merchant_a1.email in m.to]
    kinds = {m.kind for m in merchant_mail}
    assert {"escalation_acknowledged", "escalation_resolved"} <= kinds
    leaked = [
        (m.kind, text) for m in merchant_mail for text in STAFF_ONLY if text in m.subject + m.body_text + m.body_html
    ]
    assert leaked == []
