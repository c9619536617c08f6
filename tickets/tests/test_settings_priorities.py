"""Priorities and plans: add, change, reorder; validation at the field, history, isolation."""

from __future__ import annotations

import pytest

from helpdesk.models import SettingChange
from tickets.models import Plan, Priority

pytestmark = pytest.mark.django_db


def _names(model, tenant) -> list[str]:
    return list(model.objects.filter(tenant=tenant).order_by("rank").values_list("name", flat=True))


def test_an_admin_adds_changes_and_reorders_priorities(client, world, setup_a):
    client.force_login(world.admin_a)
    before = _names(Priority, world.tenant_a)
    data = {"name": "Cosmetic", "criteria": "Spelling and layout.", "must_phone": "on"}
    assert client.post("/settings/priorities/", data).status_code == 302
    cosmetic = Priority.objects.get(tenant=world.tenant_a, name="Cosmetic")
    assert _names(Priority, world.tenant_a) == [*before, "Cosmetic"] and cosmetic.must_phone
    urgent = Priority.objects.get(tenant=world.tenant_a, name=before[0])
    changed = {"edit": urgent.pk, "name": urgent.name, "criteria": "Sales stopped.", "worked_first": "on"}
    assert client.post("/settings/priorities/", changed).status_code == 302
    urgent.refresh_from_db()
    assert (urgent.criteria, urgent.worked_first) == ("Sales stopped.", True)
    assert client.post("/settings/priorities/", {"move": cosmetic.pk, "direction": "up"}).status_code == 302
    assert _names(Priority, world.tenant_a) == [*before[:-1], "Cosmetic", before[-1]]
    history = list(SettingChange.objects.filter(area="priorities").order_by("at", "id"))
    assert [c.label for c in history] == ["Priority Cosmetic", f"Priority {urgent.name}", "Priority order"]
    assert {"field": "Worked ahead of all others", "before": "no", "after": "yes"} in history[1].changes
    assert history[2].changes[0]["after"].endswith(f"Cosmetic, {before[-1]}")
    page = client.get("/settings/priorities/").content.decode()
    assert "Priority order" in page and "Sales stopped." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [({"name": ""}, "name", "This field is required."), ({"name": "normal"}, "name", "Already in use.")],
)
def test_bad_priorities_are_refused_at_their_field(client, world, setup_a, data, field, message):
    client.force_login(world.admin_a)
    before = _names(Priority, world.tenant_a)
    answer = client.post("/settings/priorities/", data)
    page = answer.content.decode()
    assert answer.status_code == 400 and f'href="#id_{field}"' in page and message in page
    assert _names(Priority, world.tenant_a) == before and not SettingChange.objects.filter(area="priorities").exists()


def test_plans_are_added_renamed_and_reordered(client, world):
    client.force_login(world.admin_a)
    before = _names(Plan, world.tenant_a)
    assert client.post("/settings/plans/", {"name": "Platinum"}).status_code == 302
    platinum = Plan.objects.get(tenant=world.tenant_a, name="Platinum")
    assert client.post("/settings/plans/", {"move": platinum.pk, "direction": "up"}).status_code == 302
    assert _names(Plan, world.tenant_a)[-2] == "Platinum"
    assert client.post("/settings/plans/", {"edit": platinum.pk, "name": "Platinum Plus"}).status_code == 302
    labels = list(SettingChange.objects.filter(area="plans").order_by("at", "id").values_list("label", flat=True))
    assert labels == ["Plan Platinum", "Plan order", "Plan Platinum Plus"]
    answer = client.post("/settings/plans/", {"name": before[0].upper()})
    assert answer.status_code == 400 and "Already in use." in answer.content.decode()


def test_another_tenants_rows_answer_like_missing_ones(client, world, setup_a):
    client.force_login(world.admin_a)
    theirs = Priority.objects.filter(tenant=world.tenant_b).first() or Plan.objects.get(
        tenant=world.tenant_b, name="Gold"
    )
    their_plan = Plan.objects.get(tenant=world.tenant_b, name="Gold")
    for url, pk in (("/settings/priorities/", theirs.pk), ("/settings/plans/", their_plan.pk)):
        assert client.get(f"{url}?edit={pk}").status_code == client.get(f"{url}?edit=987654").status_code == 404
        assert client.post(url, {"move": pk, "direction": "up"}).status_code == 404
        assert client.post(url, {"edit": pk, "name": "Hijacked"}).status_code == 404
    assert not Plan.objects.filter(name="Hijacked").exists() and not Priority.objects.filter(name="Hijacked").exists()
    client.force_login(world.manager_a)
    assert client.get("/settings/priorities/").status_code == 403
