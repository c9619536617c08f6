"""The settings history: one row per real change, only the fields that differ, one tenant's own."""

from __future__ import annotations

import pytest

from helpdesk.models import SettingChange
from helpdesk.services import setting_change_record

pytestmark = pytest.mark.django_db


def test_a_change_keeps_only_the_fields_that_differ(world):
    change = setting_change_record(
        tenant=world.tenant_a,
        actor=world.admin_a,
        area="branding",
        label="Branding",
        before={"Name": "Tenant A", "Colour": "#123456", "Numbers": ["1300 000 000"]},
        after={"Name": "Tenant A", "Colour": "#654321", "Numbers": ["1300 000 000", "+61 2 0000 0000"]},
    )
    assert change is not None and change.action == SettingChange.Action.CHANGED
    assert change.changes == [
        {"field": "Colour", "before": "#123456", "after": "#654321"},
        {"field": "Numbers", "before": "1300 000 000", "after": "1300 000 000, +61 2 0000 0000"},
    ]


def test_creation_removal_and_a_save_that_changed_nothing(world):
    created = setting_change_record(
        tenant=world.tenant_a, actor=world.admin_a, area="webhooks", label="Webhook x", after={"URL": "https://x"}
    )
    removed = setting_change_record(
        tenant=world.tenant_a, actor=world.admin_a, area="webhooks", label="Webhook x", before={"URL": "https://x"}
    )
    unchanged = setting_change_record(
        tenant=world.tenant_a, actor=world.admin_a, area="webhooks", label="Webhook x", before={"A": 1}, after={"A": 1}
    )
    assert (created.action, removed.action, unchanged) == ("created", "removed", None)
    assert removed.changes == [{"field": "URL", "before": "https://x", "after": ""}]
    assert SettingChange.objects.count() == 2


def test_the_history_page_shows_the_tenants_own_changes_to_admins_only(client, world):
    setting_change_record(
        tenant=world.tenant_a, actor=world.admin_a, area="branding", label="Branding", after={"Colour": "#0a7d5a"}
    )
    setting_change_record(
        tenant=world.tenant_b, actor=world.admin_b, area="branding", label="Branding", after={"Colour": "#bb0000"}
    )
    client.force_login(world.admin_a)
    page = client.get("/settings/history/").content.decode()
    assert "#0a7d5a" in page and "admin@tenant-a.test" in page
    assert "#bb0000" not in page and "tenant-b" not in page
    assert "#0a7d5a" not in client.get("/settings/history/?area=webhooks").content.decode()
    assert client.get("/settings/history/?area=nonsense").status_code == 400
    client.force_login(world.analyst_a)
    assert client.get("/settings/history/").status_code == 403
