"""`GET /api/v1/reports/dashboard/` exactly as PRODUCT.md pins it, for managers of one tenant only."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from helpdesk.services import api_key_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/dashboard/"


def client_for(user) -> APIClient:
    client = APIClient()
    _, raw = api_key_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_pinned_dashboard_counts_the_managers_tenant(world, live):
    with time_machine.travel(live["now"], tick=False):
        answer = client_for(world.manager_a).get(URL)
    assert answer.status_code == 200
    body = answer.json()
    assert body["breach_forecast"] == {"4h": 1, "24h": 2}
    assert (body["at_risk"], body["breached"], body["unassigned"]) == (1, 1, 3)
    assert body["agent_load"] == [{"analyst": "analyst@tenant-a.test", "open": 1}]
    assert (body["open"], body["open_escalations"]) == (4, 2)


def test_the_other_tenants_manager_sees_only_their_own(world, live):
    with time_machine.travel(live["now"], tick=False):
        body = client_for(world.manager_b).get(URL).json()
    assert body["breach_forecast"] == {"4h": 1, "24h": 1}  # tenant B's one case, due at 13:00
    assert body["unassigned"] == 1
    assert body["agent_load"] == [{"analyst": "analyst@tenant-b.test", "open": 0}]


@pytest.mark.parametrize("who", ["analyst_a", "merchant_a1"])
def test_analysts_and_merchants_are_refused(world, who):
    answer = client_for(getattr(world, who)).get(URL)
    assert answer.status_code == 403
    assert set(answer.json()) == {"message", "errors"}


def test_admins_read_it_too_and_anonymous_callers_are_asked_to_sign_in(world, setup_a):
    assert client_for(world.admin_a).get(URL).status_code == 200
    assert APIClient().get(URL).status_code == 401
