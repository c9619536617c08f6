"""Partners: a partner user works for the accounts it is linked to, on pages and through the API,
and sees nothing of an unlinked account of its tenant or of another tenant."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from helpdesk.models import Role
from helpdesk.services import api_key_create, partner_link_accounts, user_create
from helpdesk.tests.factories import PASSWORD, make_account
from tickets.models import Case
from tickets.services import comment_add
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db

FORM = {
    "subject": "Orders stopped syncing",
    "category": "incident",
    "description": "No orders since 10:00.",
    "steps_to_reproduce": "Place an order.",
    "recent_changes": "None.",
    "business_impact": "Orders ship late.",
}


@pytest.fixture
def partner(world, setup_a):
    user = user_create(
        tenant=world.tenant_a, email="partner@agency.test", role=Role.PARTNER, full_name="Pia", password=PASSWORD
    )
    partner_link_accounts(user=user, accounts=[world.account_a1, world.account_a2])
    return user


@pytest.fixture
def cases(world, setup_a, partner):
    third = make_account(world.tenant_a, "alpha-three")
    return {
        "linked": open_case(world.account_a1, setup_a.normal, subject="Linked one"),
        "linked2": open_case(world.account_a2, setup_a.normal, subject="Linked two"),
        "unlinked": open_case(third, setup_a.normal, subject="Unlinked third"),
        "other_tenant": None,
    }


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=user, name='tests')[1]}")
    return client


def test_the_partner_opens_cases_for_each_linked_account_and_no_other(client, world, setup_a, partner, cases):
    client.force_login(partner)
    for account in (world.account_a1, world.account_a2):
        answer = client.post(
            "/cases/new/",
            {**FORM, "priority": setup_a.normal.pk, "account": account.pk, "subject": f"For {account.slug}"},
        )
        assert answer.status_code == 302, answer.content
        case = Case.objects.for_tenant(world.tenant_a).get(subject=f"For {account.slug}")
        assert (case.account, case.requester) == (account, partner)
    refused = client.post(
        "/cases/new/", {**FORM, "priority": setup_a.normal.pk, "account": cases["unlinked"].account_id}
    )
    assert refused.status_code == 400
    assert "account" in refused.context["form"].errors

    api = _api(partner)
    body = {"subject": "Via API", "description": "x", "priority": "Normal"}
    assert api.post("/api/v1/cases/", body, format="json").json()["errors"] == {"account": ["Required for partners."]}
    made = api.post("/api/v1/cases/", {**body, "account": "alpha-two"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["account"] == "alpha-two"
    unlinked = api.post("/api/v1/cases/", {**body, "account": "alpha-three"}, format="json")
    assert unlinked.status_code == 400
    assert unlinked.json()["errors"] == {"account": ["Unknown account."]}
    other_tenant = api.post("/api/v1/cases/", {**body, "account": "bravo-one"}, format="json")
    assert other_tenant.json()["errors"] == {"account": ["Unknown account."]}


def test_the_partner_sees_exactly_its_accounts_cases(client, world, setup_b, partner, cases):
    theirs = open_case(world.account_b1, setup_b.normal, subject="Other tenant's case")
    client.force_login(partner)
    portal = client.get("/portal/").content.decode()
    assert "Linked one" in portal and "Linked two" in portal
    assert "Unlinked third" not in portal and "Other tenant" not in portal
    assert client.get(f"/cases/{cases['linked2'].number}/").status_code == 200
    assert client.get(f"/cases/{cases['unlinked'].number}/").status_code == 404
    assert client.get(f"/cases/{theirs.number}/").status_code == 404

    api = _api(partner)
    listed = {row["number"] for row in api.get("/api/v1/cases/").json()["results"]}
    assert listed == {cases["linked"].number, cases["linked2"].number}
    assert api.get(f"/api/v1/cases/{cases['unlinked'].number}/").status_code == 404
    assert api.get(f"/api/v1/cases/{theirs.number}/").status_code == 404
    comment = {"body": "Adding details"}
    assert api.post(f"/api/v1/cases/{cases['unlinked'].number}/comments/", comment, format="json").status_code == 404
    assert api.post(f"/api/v1/cases/{cases['linked'].number}/comments/", comment, format="json").status_code == 201
    report = api.get("/api/v1/reports/account-sla/?account=alpha-two&months=36").json()
    assert report["account"] == "alpha-two"
    assert [row["opened"] for row in report["rows"]] == [1]
    assert api.get("/api/v1/reports/account-sla/?account=alpha-three").status_code == 400


def test_the_partner_gets_the_customers_view_of_a_case(client, world, partner, cases):
    linked = cases["linked"]
    comment_add(case=linked, actor=world.analyst_a, body="Internal: suspect their plug-in", public=False)
    comment_add(case=linked, actor=world.analyst_a, body="We are looking at it.")
    client.force_login(partner)
    page = client.get(f"/cases/{linked.number}/").content.decode()
    assert "We are looking at it." in page
    assert "suspect their plug-in" not in page
    answer = _api(partner).get(f"/api/v1/cases/{linked.number}/comments/").json()
    assert "suspect their plug-in" not in str(answer)


def test_a_partners_mail_reply_reaches_a_linked_accounts_case_only(partner, cases):
    from tickets.services.inbound import comment_from_email

    added = comment_from_email(case_id=cases["linked"].pk, sender=partner.email, text="More details by mail")
    assert added is not None
    assert added.author == partner
    assert comment_from_email(case_id=cases["unlinked"].pk, sender=partner.email, text="Let me in") is None
