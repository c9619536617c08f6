"""A retired priority is never chosen anew — not when a case opens (portal, phone log, API,
monitoring), not as a case's new priority (case page, API PATCH) — while a case already at it
keeps it through every other change. A retired plan is the other way round: accounts on it keep
opening cases (retirement hides it from new accounts only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from helpdesk.errors import ValidationFailed
from helpdesk.services import api_key_create
from tickets.models import AlertRoute, Case, Comment, Priority
from tickets.selectors import priority_list
from tickets.services import alert_receive, case_change_priority, case_open
from tickets.tests.factories import MONDAY_9, open_case
from tickets.tests.page_helpers import act, form_data
from tickets.tests.test_inbound_mail import BASIC_AUTH, postmark_inbound

pytestmark = pytest.mark.django_db
RETIRED = "Priority Low is retired: choose another priority."


@pytest.fixture
def low_case(world, setup_a) -> Case:
    """A case opened at Low while it was offered; Low is retired afterwards."""
    case = open_case(world.account_a1, setup_a.low, at=MONDAY_9)
    Priority.objects.filter(pk=setup_a.low.pk).update(retired=True)
    setup_a.low.refresh_from_db()
    return case


def _api(user) -> APIClient:
    _, raw = api_key_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _offer_every_priority(monkeypatch) -> None:
    """The form rendered before the priority was retired: it still lists it, so only the service stands in the way."""
    monkeypatch.setattr("tickets.views.opening.priority_offered", priority_list)


def test_the_service_refuses_to_open_a_case_at_a_retired_priority(world, setup_a, low_case):
    with pytest.raises(ValidationFailed) as refused:
        case_open(
            tenant=world.tenant_a,
            account=world.account_a1,
            requester=world.merchant_a1,
            subject="S",
            description="D",
            priority=setup_a.low,
        )
    assert refused.value.message == RETIRED
    assert refused.value.errors == {"priority": ["Retired: choose another priority."]}
    assert Case.objects.count() == 1


def test_the_portal_form_shows_the_refusal_at_the_priority(client, world, setup_a, low_case, monkeypatch):
    _offer_every_priority(monkeypatch)
    client.force_login(world.merchant_a1)
    answer = client.post("/cases/new/", form_data(setup_a, priority=setup_a.low.pk))
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page
    assert 'href="#id_priority' in page and "Retired: choose another priority." in page
    assert Case.objects.count() == 1


def test_the_phone_log_shows_the_refusal_at_the_priority(client, world, setup_a, low_case, monkeypatch):
    _offer_every_priority(monkeypatch)
    client.force_login(world.analyst_a)
    data = {**form_data(setup_a, priority=setup_a.low.pk), "requester": world.merchant_a1.pk, "owner": "unassigned"}
    answer = client.post("/cases/log-call/", data)
    assert answer.status_code == 400 and "Retired: choose another priority." in answer.content.decode()
    assert Case.objects.count() == 1


def test_the_api_answers_400_with_the_message_and_the_field(world, setup_a, low_case):
    answer = _api(world.merchant_a1).post(
        "/api/v1/cases/", {"subject": "S", "description": "D", "priority": "low"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json() == {"message": RETIRED, "errors": {"priority": ["Retired: choose another priority."]}}
    listed = {row["name"]: row["retired"] for row in _api(world.analyst_a).get("/api/v1/priorities/").json()}
    assert listed == {"Urgent": False, "Normal": False, "Low": True}
    unknown = _api(world.merchant_a1).post(
        "/api/v1/cases/", {"subject": "S", "description": "D", "priority": "Lowest"}, format="json"
    )
    assert unknown.json()["errors"] == {"priority": ["Unknown priority. Known priorities: Urgent, Normal."]}


def test_an_account_on_a_retired_plan_keeps_opening_cases(client, world, setup_a):
    setup_a.gold.retired = True
    setup_a.gold.save(update_fields=["retired"])
    client.force_login(world.merchant_a1)  # account A1 is on Gold
    assert client.post("/cases/new/", form_data(setup_a)).status_code == 302
    case = Case.objects.get()
    assert case.plan == setup_a.gold and case.sla_due_at is not None


def test_no_case_moves_to_a_retired_priority(client, world, setup_a, low_case):
    case = open_case(world.account_a1, setup_a.normal, at=MONDAY_9)
    with pytest.raises(ValidationFailed) as refused:
        case_change_priority(case=case, actor=world.analyst_a, priority=setup_a.low, reason="Less urgent")
    assert refused.value.errors == {"priority": ["Retired: choose another priority."]}
    client.force_login(world.analyst_a)
    page = act(client, case, "priority", priority=setup_a.low.pk, reason="Less urgent")
    assert page.status_code == 400
    patched = _api(world.analyst_a).patch(
        f"/api/v1/cases/{case.number}/", {"priority": "Low", "priority_reason": "Less urgent"}, format="json"
    )
    assert patched.status_code == 400 and patched.json()["message"] == RETIRED
    case.refresh_from_db()
    assert case.priority == setup_a.normal


def test_a_case_at_a_retired_priority_keeps_it_and_may_leave_it(client, world, setup_a, low_case):
    client.force_login(world.analyst_a)
    assert client.post("/queue/bulk/", {"cases": [low_case.number], "action": "take"}).status_code == 302
    assert (
        postmark_inbound(Client(), low_case, world.merchant_a1.email, HTTP_AUTHORIZATION=BASIC_AUTH).status_code == 200
    )
    details = _api(world.analyst_a).patch(f"/api/v1/cases/{low_case.number}/", {"category": "question"}, format="json")
    assert details.status_code == 200 and details.json()["priority"] == "Low"
    low_case.refresh_from_db()
    assert (low_case.priority, low_case.assignee, low_case.category) == (setup_a.low, world.analyst_a, "question")
    assert Comment.objects.filter(case=low_case, author=world.merchant_a1).exists()
    assert act(client, low_case, "priority", priority=setup_a.normal.pk, reason="Worse").status_code == 302
    low_case.refresh_from_db()
    assert low_case.priority == setup_a.normal


def test_monitoring_passes_over_a_route_to_a_retired_priority(world, setup_a, low_case):
    AlertRoute.objects.create(tenant=world.tenant_a, kind="availability", severity="info", priority=setup_a.low)
    outcome = alert_receive(
        account=world.account_a1,
        store=None,
        actor=world.analyst_a,
        dedup_key="down-1",
        kind="availability",
        severity="info",
        summary="Store answers 502",
        firing=True,
        at=MONDAY_9 + timedelta(hours=1),
    )
    # Without the route, info maps to the least urgent priority still offered.
    assert outcome.action == "opened" and outcome.case.priority == setup_a.normal
