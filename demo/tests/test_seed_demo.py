"""`seed_demo`: the demo tenants and logins PRODUCT.md promises, and idempotence."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from demo.cases import SCENARIOS
from demo.seed import DEMO_PASSWORD, demo_logins
from helpdesk.models import Account, Store, Tenant, User
from sla.models import SlaClock
from tickets.models import Case, CaseEngineeringLink, CaseEvent, Comment, Escalation, Plan, Priority, Status

pytestmark = pytest.mark.django_db

EXPECTED_ACCOUNTS = {
    "storeconnect": {
        "harbour-homewares": "Flagship",
        "bondi-bakes": "Emporium",
        "koala-kitchen": "Boutique",
        "popup-pals": "Pop-Up",
    },
    "magento-oms": {"acme-retail": "Standard", "globex-outfitters": "Standard"},
}


def snapshot() -> dict:
    return {
        "tenants": list(Tenant.objects.order_by("pk").values()),
        "accounts": list(Account.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "stores": list(Store.objects.order_by("pk").values()),
        "plans": list(Plan.objects.order_by("pk").values()),
        "priorities": list(Priority.objects.order_by("pk").values()),
        "cases": list(Case.objects.order_by("pk").values()),
        "events": list(CaseEvent.objects.order_by("pk").values()),
        "clocks": list(SlaClock.objects.order_by("pk").values()),
        "escalations": list(Escalation.objects.order_by("pk").values()),
    }


@pytest.mark.no_tenant_guard
def test_seed_demo_creates_the_documented_tenants_accounts_and_logins(client):
    call_command("seed_demo")
    for slug, accounts in EXPECTED_ACCOUNTS.items():
        tenant = Tenant.objects.get(slug=slug)
        for role in ("admin", "manager", "analyst", "analyst2"):
            assert User.objects.get(email=f"{role}@{slug}.test").tenant == tenant
        for account_slug, plan in accounts.items():
            account = Account.objects.get(tenant=tenant, slug=account_slug)
            assert account.plan.name == plan
            assert account.technical_contact.email == f"merchant@{account_slug}.test"
            assert account.stores.exists()
    partner = User.objects.get(email="partner@storeconnect.test")
    assert partner.role == "partner"
    linked = partner.partner_links.values_list("account__slug", flat=True)
    assert sorted(linked) == ["bondi-bakes", "koala-kitchen"]
    assert len(demo_logins()) == 15
    for email, _ in demo_logins():
        assert client.login(username=email, password=DEMO_PASSWORD), email
        landing = client.get(client.get("/")["Location"])
        assert landing.status_code == 200, email
        client.logout()


@pytest.mark.no_tenant_guard
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


@pytest.mark.no_tenant_guard
@pytest.mark.parametrize("slug", ["storeconnect", "magento-oms"])
def test_each_demo_tenant_has_a_realistic_case_load(slug):
    call_command("seed_demo")
    tenant = Tenant.objects.get(slug=slug)
    cases = Case.objects.for_tenant(tenant)
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    clocks = SlaClock.objects.for_tenant(tenant)
    assert clocks.filter(warned_at__isnull=False, breached_at__isnull=True, met_at__isnull=True).exists()  # at risk
    assert clocks.filter(breached_at__isnull=False).exists()
    assert Escalation.objects.for_tenant(tenant).filter(reason="sla_breached").exists()
    assert Escalation.objects.for_tenant(tenant).exclude(reason="sla_breached").exists()
    comments = Comment.objects.for_tenant(tenant)
    assert comments.filter(is_public=True).exists() and comments.filter(is_public=False).exists()
    assert CaseEngineeringLink.objects.for_tenant(tenant).exists()
    assert cases.exclude(workaround="").exists()
    assert CaseEvent.objects.for_tenant(tenant).values("code").distinct().count() >= 10


@pytest.mark.no_tenant_guard
@pytest.mark.parametrize("slug", ["storeconnect", "magento-oms"])
def test_each_row_of_the_scenario_table_is_one_case_ending_in_its_status(slug):
    """The demo's cases come from one table: one case per row, in the table's order, each in the
    status its row says its steps leave it in, with the account, priority and steps' comments."""
    call_command("seed_demo")
    rows = [scenario for scenario in SCENARIOS if scenario.tenant == slug]
    cases = list(Case.objects.for_tenant(Tenant.objects.get(slug=slug)).order_by("pk"))
    assert [(c.subject, c.status, c.account.slug, c.priority.name) for c in cases] == [
        (row.subject, row.ends_in, row.account, row.priority) for row in rows
    ]
    for case, row in zip(cases, rows, strict=True):
        comments = [step.args["body"] for step in row.steps if step.action in ("reply", "note")]
        written = list(Comment.objects.filter(case=case, body__in=comments).values_list("body", flat=True))
        assert sorted(written) == sorted(comments)
