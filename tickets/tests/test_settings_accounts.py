"""Account settings: plan, technical contact among the account's merchants, CC addresses, stores
with monitoring, partners shown; validation at the field, history, isolation."""

from __future__ import annotations

import pytest

from helpdesk.models import Account, Role, SettingChange, Store
from helpdesk.services import partner_link_accounts, user_create
from tickets.models import Plan

pytestmark = pytest.mark.django_db


def _form(world, **changes):
    silver = Plan.objects.get(tenant=world.tenant_a, name="Silver")
    return {
        "save_account": "1",
        "plan": silver.pk,
        "technical_contact": world.merchant_a1.pk,
        "cc_addresses": "ops@alpha-one.test\nowner@alpha-one.test",
        **changes,
    }


def test_an_admin_changes_plan_contact_and_cc_and_the_history_says_so(client, world):
    second = user_create(
        tenant=world.tenant_a, email="second@alpha-one.test", role=Role.MERCHANT, account=world.account_a1
    )
    client.force_login(world.admin_a)
    url = f"/settings/accounts/{world.account_a1.pk}/"
    answer = client.post(url, _form(world, technical_contact=second.pk))
    assert answer.status_code == 302
    account = Account.objects.get(pk=world.account_a1.pk)
    assert (account.plan.name, account.technical_contact_id) == ("Silver", second.pk)
    assert account.cc_addresses == ["ops@alpha-one.test", "owner@alpha-one.test"]
    change = SettingChange.objects.get(area="accounts")
    assert change.label == "Account Alpha One"
    assert {"field": "Plan", "before": "Gold", "after": "Silver"} in change.changes
    assert {"field": "Technical contact", "before": "merchant@alpha-one.test", "after": "second@alpha-one.test"} in (
        change.changes
    )
    page = client.get(url).content.decode()
    assert "Alpha One is saved" in page and "second@alpha-one.test" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cc_addresses", "ops@alpha-one.test\nnot an address", "“not an address” is not an e-mail address."),
        ("technical_contact", "merchant_a2", "Select a valid choice."),
        ("technical_contact", "analyst_a", "Select a valid choice."),
        ("plan", "other_tenant_plan", "Select a valid choice."),
    ],
)
def test_bad_account_input_is_refused_at_its_field(client, world, field, value, message):
    values = {
        "merchant_a2": world.merchant_a2.pk,
        "analyst_a": world.analyst_a.pk,
        "other_tenant_plan": Plan.objects.get(tenant=world.tenant_b, name="Gold").pk,
    }
    client.force_login(world.admin_a)
    answer = client.post(
        f"/settings/accounts/{world.account_a1.pk}/", _form(world, **{field: values.get(value, value)})
    )
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page and f'href="#id_{field}"' in page
    assert message in page
    assert Account.objects.get(pk=world.account_a1.pk).plan.name == "Gold"
    assert not SettingChange.objects.exists()


def test_stores_are_added_and_changed_with_their_monitoring(client, world):
    client.force_login(world.admin_a)
    url = f"/settings/accounts/{world.account_a1.pk}/"
    store = {"save_store": "1", "name": "Outlet", "url": "https://outlet.example/", "health_url": ""}
    store |= {"check_interval_seconds": "300", "failure_threshold": "2"}
    assert client.post(url, store).status_code == 302
    outlet = Store.objects.get(account=world.account_a1, name="Outlet")
    assert (outlet.check_interval_seconds, outlet.failure_threshold) == (300, 2)
    changed = {**store, "store_id": outlet.pk, "health_url": "https://203.0.113.7/health", "failure_threshold": "5"}
    assert client.post(url, changed).status_code == 302
    outlet.refresh_from_db()
    assert (outlet.health_url, outlet.failure_threshold) == ("https://203.0.113.7/health", 5)
    labels = list(SettingChange.objects.filter(area="accounts").values_list("label", "action"))
    assert labels == [("Store Outlet of Alpha One", "changed"), ("Store Outlet of Alpha One", "created")]
    # Refused: a health URL that is not http(s), a too-short interval, a name the account has.
    for bad, message in (
        ({"health_url": "ftp://outlet.example/health"}, "Only http:// and https://"),
        ({"check_interval_seconds": "5"}, "greater than or equal to 30"),
        ({"name": "Alpha One store", "store_id": ""}, "has a store “Alpha One store” already"),
    ):
        answer = client.post(url, {**changed, **bad})
        assert answer.status_code == 400 and message in answer.content.decode(), bad
    assert SettingChange.objects.filter(area="accounts").count() == 2


def test_partners_of_the_account_are_shown(client, world):
    partner = user_create(tenant=world.tenant_a, email="agency@partner.test", role=Role.PARTNER, full_name="Agency")
    partner_link_accounts(user=partner, accounts=[world.account_a1])
    client.force_login(world.admin_a)
    page = client.get(f"/settings/accounts/{world.account_a1.pk}/").content.decode()
    assert 'data-testid="account-partners"' in page and "agency@partner.test" in page
    assert "agency@partner.test" not in client.get(f"/settings/accounts/{world.account_a2.pk}/").content.decode()


def test_another_tenants_account_and_store_answer_like_missing_ones(client, world):
    client.force_login(world.admin_a)
    missing = client.get("/settings/accounts/987654/")
    other = client.get(f"/settings/accounts/{world.account_b1.pk}/")
    assert missing.status_code == other.status_code == 404
    assert client.post(f"/settings/accounts/{world.account_b1.pk}/", _form(world)).status_code == 404
    assert "Bravo One" not in client.get("/settings/accounts/").content.decode()
    # Another account's store, named through this account's page, is not found either.
    b_store = Store.objects.get(account=world.account_b1)
    a2_store = Store.objects.get(account=world.account_a2)
    for store in (b_store, a2_store):
        assert client.get(f"/settings/accounts/{world.account_a1.pk}/?store={store.pk}").status_code == 404
    client.force_login(world.manager_a)
    assert client.get("/settings/accounts/").status_code == 403
