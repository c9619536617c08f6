"""Removing a priority, a plan or a store: a confirmation first; refused with its reasons and an
alternative while anything uses it; recorded in the settings history; another tenant's is a 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from helpdesk.models import SettingChange, Store
from helpdesk.services import api_key_create, store_create
from tickets.models import Plan, Priority
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_an_unused_priority_is_removed_after_the_confirmation_and_the_order_closes_up(client, world, setup_a):
    client.force_login(world.admin_a)
    url = f"/settings/priorities/{setup_a.low.pk}/remove/"
    listed = client.get("/settings/priorities/").content.decode()
    assert f'href="{url}"' in listed
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'data-testid="remove-form"' in confirm.content.decode()
    assert Priority.objects.filter(pk=setup_a.low.pk).exists()  # asking is not removing
    assert client.post(url).status_code == 302
    assert not Priority.objects.filter(pk=setup_a.low.pk).exists()
    spare = Priority.objects.create(tenant=world.tenant_a, name="Cosmetic", rank=9)
    client.post(f"/settings/priorities/{spare.pk}/remove/")
    ranks = list(Priority.objects.filter(tenant=world.tenant_a).order_by("rank").values_list("name", "rank"))
    assert ranks == [("Urgent", 1), ("Normal", 2)]
    change = SettingChange.objects.filter(area="priorities", label="Priority Low").get()
    assert change.action == "removed" and change.actor == world.admin_a
    assert {"field": "Name", "before": "Low", "after": ""} in change.changes


def test_a_priority_cases_used_is_never_removed_and_the_page_says_why_and_what_instead(client, world, setup_a):
    open_case(world.account_a1, setup_a.low)
    client.force_login(world.admin_a)
    url = f"/settings/priorities/{setup_a.low.pk}/remove/"
    page = client.get(url).content.decode()
    assert "1 case (still open) names this priority" in page
    assert 'data-testid="instead"' in page and 'data-testid="remove-form"' not in page
    refused = client.post(url)  # a post all the same (another tab, a race) is refused with its reason
    text = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="error-summary"' in text and "is in use and stays" in text
    assert Priority.objects.filter(pk=setup_a.low.pk).exists()
    assert not SettingChange.objects.filter(area="priorities").exists()


def test_a_priority_of_the_published_sla_policy_stays(client, world, setup_a):
    client.force_login(world.admin_a)
    answer = client.post(f"/settings/priorities/{setup_a.normal.pk}/remove/")
    assert answer.status_code == 400
    assert "The published SLA policy (version 1) has targets for it." in answer.content.decode()
    assert Priority.objects.filter(pk=setup_a.normal.pk).exists()


def test_plans_in_use_stay_and_unused_ones_go(client, world, setup_a):
    client.force_login(world.admin_a)
    gold = client.post(f"/settings/plans/{setup_a.gold.pk}/remove/")
    assert gold.status_code == 400 and "Accounts are on it: Alpha One." in gold.content.decode()
    spare = Plan.objects.create(tenant=world.tenant_a, name="Bronze", rank=7)
    assert client.post(f"/settings/plans/{spare.pk}/remove/").status_code == 302
    assert not Plan.objects.filter(pk=spare.pk).exists()
    assert SettingChange.objects.filter(area="plans", label="Plan Bronze", action="removed").exists()


def test_a_store_cases_name_stays_and_offers_to_stop_its_monitoring(client, world, setup_a):
    used = store_create(account=world.account_a1, name="Main shop", url="https://main.example")
    spare = store_create(account=world.account_a1, name="Old shop", url="https://old.example")
    open_case(world.account_a1, setup_a.normal, store=used)
    client.force_login(world.admin_a)
    page = client.get(f"/settings/stores/{used.pk}/remove/").content.decode()
    assert "1 case (still open) names this store" in page and "empty its health-check URL" in page
    assert client.post(f"/settings/stores/{used.pk}/remove/").status_code == 400
    account_page = client.get(f"/settings/accounts/{world.account_a1.pk}/").content.decode()
    assert f'href="/settings/stores/{spare.pk}/remove/"' in account_page
    assert client.post(f"/settings/stores/{spare.pk}/remove/").status_code == 302
    left = list(Store.objects.filter(account=world.account_a1).values_list("name", flat=True))
    assert left == ["Alpha One store", "Main shop"]
    change = SettingChange.objects.get(area="accounts", label="Store Old shop of Alpha One")
    assert change.action == "removed"


def test_another_tenants_rows_answer_like_missing_ones(client, world, setup_a, setup_b):
    store_b = store_create(account=world.account_b1, name="B shop", url="https://b.example")
    client.force_login(world.admin_a)
    for path in (
        f"/settings/priorities/{setup_b.low.pk}/remove/",
        f"/settings/plans/{setup_b.gold.pk}/remove/",
        f"/settings/stores/{store_b.pk}/remove/",
    ):
        assert client.get(path).status_code == 404 and client.post(path).status_code == 404
    assert client.get("/settings/priorities/99999999/remove/").status_code == 404
    assert Priority.objects.filter(pk=setup_b.low.pk).exists() and Store.objects.filter(pk=store_b.pk).exists()
    client.force_login(world.manager_a)
    assert client.get(f"/settings/priorities/{setup_a.low.pk}/remove/").status_code == 403


def _api(user) -> APIClient:
    _, raw = api_key_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_priority_in_use_is_retired_instead_and_new_cases_cannot_choose_it(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.low)
    client.force_login(world.admin_a)
    page = client.get(f"/settings/priorities/{setup_a.low.pk}/remove/").content.decode()
    assert f'href="/settings/priorities/?edit={setup_a.low.pk}#reference-form"' in page and "Retire it instead" in page
    data = {"edit": setup_a.low.pk, "name": "Low", "criteria": "", "retired": "on"}
    assert client.post("/settings/priorities/", data).status_code == 302
    change = SettingChange.objects.get(area="priorities", label="Priority Low")
    assert change.changes == [{"field": "Retired", "before": "no", "after": "yes"}]
    assert "retired" in client.get("/settings/priorities/").content.decode()
    client.force_login(world.merchant_a1)
    offered = [p.name for p in client.get("/cases/new/").context["form"].fields["priority"].queryset]
    assert offered == ["Urgent", "Normal"]
    refused = _api(world.merchant_a1).post(
        "/api/v1/cases/", {"subject": "S", "description": "D", "priority": "Low"}, format="json"
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["priority"]
    policy = client.get(f"/support/{world.tenant_a.slug}/").content.decode()
    assert "Urgent" in policy and ">Low<" not in policy
    case.refresh_from_db()
    assert case.priority_id == setup_a.low.pk  # the case keeps it
    staff = client.get(f"/cases/{case.number}/")
    assert staff.status_code == 200 and "Low" in staff.content.decode()


def test_the_last_offered_priority_or_plan_cannot_be_retired(client, world, setup_a):
    client.force_login(world.admin_a)
    Priority.objects.filter(tenant=world.tenant_a).exclude(pk=setup_a.low.pk).update(retired=True)
    answer = client.post("/settings/priorities/", {"edit": setup_a.low.pk, "name": "Low", "retired": "on"})
    page = answer.content.decode()
    assert answer.status_code == 400 and 'href="#id_retired"' in page and "The only priority still offered." in page
    assert not Priority.objects.get(pk=setup_a.low.pk).retired


def test_a_retired_plan_stays_with_its_accounts_and_is_offered_to_no_other(client, world, setup_a):
    client.force_login(world.admin_a)
    assert (
        client.post("/settings/plans/", {"edit": setup_a.gold.pk, "name": "Gold", "retired": "on"}).status_code == 302
    )
    new_form = client.get("/settings/accounts/new/").context["form"]
    assert "Gold" not in [plan.name for plan in new_form.fields["plan"].queryset]
    own = client.get(f"/settings/accounts/{world.account_a1.pk}/").context["form"]  # on Gold
    assert "Gold" in [plan.name for plan in own.fields["plan"].queryset]
    other = client.get(f"/settings/accounts/{world.account_a2.pk}/").context["form"]  # on Silver
    assert "Gold" not in [plan.name for plan in other.fields["plan"].queryset]
