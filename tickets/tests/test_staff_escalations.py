"""Escalations by staff (a merchant's phoned-in escalation, an analyst asking for help) at the level
they choose; one open system escalation per case for breaches; closing resolves what is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from helpdesk.models import OutboxMessage
from helpdesk.services import api_key_create
from tickets.models import CaseEvent, Escalation, EscalationLevel, EscalationState, RaisedBy
from tickets.services import (
    case_close,
    case_propose_resolution,
    escalation_raise,
    escalation_resolve,
)
from tickets.sla_sweeps import sweep_breaches
from tickets.tests.factories import MONDAY_9, open_case, syd

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def escalate_on_page(client, case, **data):
    return client.post(f"/cases/{case.number}/do/escalate-staff/", {"version": case.version, **data})


def test_an_analyst_records_a_phoned_in_escalation_to_senior_management(client, world, setup_a):
    world.tenant_a.senior_management_email = "board@tenant-a.test"
    world.tenant_a.save(update_fields=["senior_management_email"])
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    assert 'data-testid="action-escalate-staff"' in client.get(f"/cases/{case.number}/").content.decode()
    answer = escalate_on_page(
        client, case, raised_by="merchant", reason="critical_impact", level="senior_management", notes="Losing $5k/h"
    )
    assert answer.status_code == 302
    escalation = Escalation.objects.get(case=case)
    assert (escalation.raised_by, escalation.level, escalation.raised_by_user) == (
        RaisedBy.MERCHANT,
        EscalationLevel.SENIOR_MANAGEMENT,
        world.analyst_a,
    )
    (alert,) = OutboxMessage.objects.filter(kind="senior_management_alert")
    assert alert.to == ["board@tenant-a.test", world.manager_a.email]
    # The merchant's own words are theirs to see, and they are told it reached the managers.
    assert OutboxMessage.objects.filter(kind="escalation_raised", to=["merchant@alpha-one.test"]).exists()
    client.force_login(world.merchant_a1)
    assert "Losing $5k/h" in client.get(f"/cases/{case.number}/").content.decode()


def test_an_analyst_asking_for_help_keeps_the_note_among_staff(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    escalate_on_page(
        client, case, raised_by="analyst", reason="resolution", level="support_manager", notes="Out of my depth"
    )
    escalation = Escalation.objects.get(case=case)
    assert (escalation.raised_by, escalation.level) == (RaisedBy.ANALYST, EscalationLevel.SUPPORT_MANAGER)
    assert not OutboxMessage.objects.filter(kind="escalation_raised").exists()  # nothing to the merchant
    client.force_login(world.merchant_a1)
    assert "Out of my depth" not in client.get(f"/cases/{case.number}/").content.decode()


def test_the_staff_form_needs_a_note_and_says_so_at_the_field(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    answer = escalate_on_page(client, case, raised_by="analyst", reason="resolution", level="support_manager")
    assert answer.status_code == 400 and not Escalation.objects.exists()
    assert "This field is required." in answer.content.decode()


def test_merchants_are_not_offered_the_staff_form(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="action-escalate-staff"' not in page and 'data-testid="action-escalate"' in page


def api(user) -> APIClient:
    _, raw = api_key_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_api_honours_the_level_for_staff_but_not_for_merchants(world, setup_a):
    staff_case = open_case(world.account_a1, setup_a.normal)
    merchant_case = open_case(world.account_a1, setup_a.normal)
    body = {"reason": "responsiveness", "notes": "Slow", "level": "senior_management"}
    assert api(world.analyst_a).post(f"/api/v1/cases/{staff_case.number}/escalate/", body).status_code == 200
    assert api(world.merchant_a1).post(f"/api/v1/cases/{merchant_case.number}/escalate/", body).status_code == 200
    assert Escalation.objects.get(case=staff_case).level == EscalationLevel.SENIOR_MANAGEMENT
    assert Escalation.objects.get(case=merchant_case).level == EscalationLevel.SUPPORT_MANAGER


def test_the_api_refuses_a_system_escalation_and_an_unknown_level(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client = api(world.analyst_a)
    system = client.post(f"/api/v1/cases/{case.number}/escalate/", {"reason": "sla_breached", "raised_by": "system"})
    assert system.status_code == 400 and "raised_by" in system.json()["errors"]
    level = client.post(f"/api/v1/cases/{case.number}/escalate/", {"reason": "resolution", "level": "ceo"})
    assert level.status_code == 400 and "level" in level.json()["errors"]
    assert not Escalation.objects.exists()


def test_a_second_breach_adds_a_note_to_the_open_breach_escalation(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)  # response due Mon 13:00, resolution Tue 17:00
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 1)) == 1
    assert sweep_breaches(now=syd(2026, 11, 24, 17, 1)) == 1
    (escalation,) = Escalation.objects.filter(case=case)
    assert "first response" in escalation.notes and "resolution" in escalation.notes
    assert CaseEvent.objects.filter(case=case, code="escalation.noted").count() == 1
    client.force_login(world.merchant_a1)
    page = client.get(f"/api/v1/cases/{case.number}/events/")
    assert "escalation.noted" not in page.content.decode()  # a staff note


def test_a_breach_after_the_last_one_was_resolved_raises_a_new_escalation(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    sweep_breaches(now=syd(2026, 11, 23, 13, 1))
    escalation_resolve(escalation=Escalation.objects.get(case=case), actor=world.manager_a, note="Called them")
    sweep_breaches(now=syd(2026, 11, 24, 17, 1))
    assert Escalation.objects.filter(case=case).count() == 2


def test_closing_resolves_open_escalations_by_the_system_without_more_mail(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    escalation_raise(case=case, actor=world.merchant_a1, reason="responsiveness", notes="Slow", at=MONDAY_9 + H)
    escalation_raise(case=case, actor=world.analyst_a, reason="resolution", notes="Help", at=MONDAY_9 + H)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=MONDAY_9 + 2 * H)
    case_close(case=case, actor=world.analyst_a, at=MONDAY_9 + 3 * H)
    escalations = Escalation.objects.filter(case=case)
    assert {e.state for e in escalations} == {EscalationState.RESOLVED}
    assert all(e.resolution_note == f"Resolved by the system: case {case.number} was closed." for e in escalations)
    resolved = CaseEvent.objects.filter(case=case, code="escalation.resolved")
    assert resolved.count() == 2 and {e.actor_id for e in resolved} == {None}
    assert not OutboxMessage.objects.filter(kind="escalation_resolved").exists()


def test_the_escalations_page_filters_by_level_and_keeps_a_history(client, world, setup_a):
    senior = open_case(world.account_a1, setup_a.normal, subject="Senior one")
    manager = open_case(world.account_a1, setup_a.normal, subject="Manager one")
    done = open_case(world.account_a1, setup_a.normal, subject="Done one")
    escalation_raise(case=senior, actor=world.analyst_a, reason="resolution", notes="Help", level="senior_management")
    escalation_raise(case=manager, actor=world.merchant_a1, reason="responsiveness", notes="Slow")
    finished = escalation_raise(case=done, actor=world.merchant_a1, reason="responsiveness", notes="Slow too")
    escalation_resolve(escalation=finished, actor=world.manager_a, note="Called back")
    client.force_login(world.manager_a)
    page = client.get("/escalations/").content.decode()
    assert senior.number in page and manager.number in page and done.number not in page
    assert "New · Normal · nobody owns it" in page  # each case's status, priority and owner
    only_senior = client.get("/escalations/?level=senior_management").content.decode()
    assert senior.number in only_senior and manager.number not in only_senior
    history = client.get("/escalations/?state=resolved").content.decode()
    assert done.number in history and senior.number not in history and "Called back" in history
    assert client.get("/escalations/?level=ceo").status_code == 200  # an unknown filter shows the default
