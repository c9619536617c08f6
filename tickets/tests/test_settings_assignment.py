"""Assignment and on-call settings: validation at the field, the history, one row per tenant."""

from __future__ import annotations

import pytest

from helpdesk.models import SettingChange
from tickets.models import QueueSettings, StaffProfile

pytestmark = pytest.mark.django_db


def test_an_admin_turns_on_automatic_assignment_with_an_on_call_address(client, world):
    StaffProfile.objects.create(tenant=world.tenant_a, user=world.analyst_a, shift_hours={"mon": [["09:00", "17:00"]]})
    client.force_login(world.admin_a)
    page = client.get("/settings/assignment/").content.decode()
    assert "1 active analyst with shift hours" in page
    data = {"auto_assign": "on", "on_call_email": "oncall@tenant-a.test", "team_email": ""}
    assert client.post("/settings/assignment/", data).status_code == 302
    saved = QueueSettings.objects.get(tenant=world.tenant_a)
    assert (saved.auto_assign, saved.on_call_email, saved.team_email) == (True, "oncall@tenant-a.test", "")
    change = SettingChange.objects.get(area="assignment")
    assert {"field": "Automatic assignment", "before": "off", "after": "on"} in change.changes
    assert client.post("/settings/assignment/", {**data, "team_email": "team@tenant-a.test"}).status_code == 302
    assert QueueSettings.objects.filter(tenant=world.tenant_a).count() == 1
    assert SettingChange.objects.filter(area="assignment").count() == 2
    assert not QueueSettings.objects.filter(tenant=world.tenant_b).exists()


@pytest.mark.parametrize("field", ["on_call_email", "team_email"])
def test_a_bad_address_is_refused_at_its_field(client, world, field):
    client.force_login(world.admin_a)
    answer = client.post("/settings/assignment/", {"auto_assign": "on", field: "on call"})
    page = answer.content.decode()
    assert answer.status_code == 400 and f'href="#id_{field}"' in page and "Enter a valid email address." in page
    assert not QueueSettings.objects.exists() and not SettingChange.objects.exists()


def test_only_admins_open_the_page(client, world):
    for user in (world.manager_a, world.analyst_a, world.merchant_a1):
        client.force_login(user)
        assert client.get("/settings/assignment/").status_code == 403
