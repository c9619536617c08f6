"""/api/v1/stores/ for tenant admins: list, add and change stores with their monitoring; other
roles are refused, another tenant's store answers 404, bad input gets field errors."""

from __future__ import annotations

import pytest
from django.test import override_settings

from helpdesk.models import Store

pytestmark = pytest.mark.django_db

NEW = {
    "account": "alpha-two",
    "name": "Outlet",
    "health_url": "https://outlet.example/health",
    "check_interval_seconds": 120,
    "failure_threshold": 2,
}


def test_an_admin_adds_a_monitored_store_and_changes_it(world, api):
    client = api(world.admin_a)
    created = client.post("/api/v1/stores/", NEW, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert {key: body[key] for key in NEW} == NEW
    assert body["url"] == "https://outlet.example/"
    assert body["last_status"] == ""
    assert body["check_history"] == []

    changed = client.patch(f"/api/v1/stores/{body['id']}/", {"failure_threshold": 5}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["failure_threshold"] == 5
    assert Store.objects.for_tenant(world.tenant_a).get(pk=body["id"]).failure_threshold == 5

    listed = client.get("/api/v1/stores/").json()
    assert {row["name"] for row in listed} == {"Alpha One store", "Alpha Two store", "Outlet"}


def test_stores_are_for_tenant_admins_only(world, api):
    for user in (world.analyst_a, world.manager_a, world.merchant_a1):
        assert api(user).get("/api/v1/stores/").status_code == 403
        assert api(user).post("/api/v1/stores/", NEW, format="json").status_code == 403
    assert api(None).get("/api/v1/stores/").status_code == 401


def test_another_tenants_store_and_account_are_not_found(world, api):
    theirs = Store.objects.for_tenant(world.tenant_b).get()
    client = api(world.admin_a)
    answer = client.patch(f"/api/v1/stores/{theirs.pk}/", {"name": "Mine now"}, format="json")
    assert answer.status_code == 404
    assert answer.json()["message"]
    refused = client.post("/api/v1/stores/", {**NEW, "account": "bravo-one"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"account": ["Unknown account."]}
    assert Store.objects.for_tenant(world.tenant_b).get().name == theirs.name


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
def test_health_urls_obey_the_webhook_address_rules(world, api):
    answer = api(world.admin_a).post("/api/v1/stores/", {**NEW, "health_url": "http://169.254.169.254/"}, format="json")
    assert answer.status_code == 400
    assert "not a public address" in answer.json()["errors"]["health_url"][0]


def test_bad_monitoring_settings_are_refused_at_their_fields(world, api):
    client = api(world.admin_a)
    answer = client.post("/api/v1/stores/", {**NEW, "check_interval_seconds": 5, "failure_threshold": 0}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"check_interval_seconds", "failure_threshold"}
    store = Store.objects.for_tenant(world.tenant_a).get(account=world.account_a1)
    duplicate = client.patch(
        f"/api/v1/stores/{store.pk}/", {"account": "alpha-two", "name": "Alpha Two store"}, format="json"
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == {"name": ["Already in use."]}


def test_an_id_out_of_range_is_not_found(world, api):
    answer = api(world.admin_a).patch("/api/v1/stores/99999999999999999999/", {"name": "x"}, format="json")
    assert answer.status_code == 404
