"""Partner settings: invite by mail, link and unlink this tenant's accounts, deactivate; history at
each change; another tenant's partner or account answers like a missing one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from helpdesk.models import OutboxMessage, PartnerLink, Role, SettingChange, User
from helpdesk.services import partner_link_accounts, user_create
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


def _linked(user) -> list[str]:
    return sorted(PartnerLink.objects.filter(user=user).values_list("account__slug", flat=True))


def test_an_invited_partner_sets_a_password_and_sees_the_linked_accounts_cases_only(client, world, setup_a):
    mine = open_case(world.account_a1, setup_a.normal, subject="Linked account case")
    other = open_case(world.account_a2, setup_a.normal, subject="Unlinked account case")
    client.force_login(world.admin_a)
    data = {"email": "Pia@Agency.test", "full_name": "Pia (Agency)", "accounts": [world.account_a1.pk]}
    assert client.post("/settings/partners/", data).status_code == 302
    partner = User.objects.get(email="pia@agency.test")
    assert (partner.tenant_id, partner.role, partner.account_id, partner.has_usable_password()) == (
        world.tenant_a.pk,
        Role.PARTNER,
        None,
        False,
    )
    assert _linked(partner) == ["alpha-one"]
    message = OutboxMessage.objects.get(kind="staff_invitation")
    assert message.to == ["pia@agency.test"] and "a partner working for Alpha One" in message.body_text
    change = SettingChange.objects.get(area="partners")
    assert change.action == "created" and change.label == "Partner pia@agency.test"
    assert {"field": "Works for", "before": "", "after": "Alpha One"} in change.changes
    page = client.get("/settings/partners/").content.decode()
    assert "Pia (Agency)" in page and "Invited" in page and "is invited" in page

    client.logout()
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", message.body_text).group(1)
    form_page = client.get(link, follow=True)
    secret = {"new_password1": "a-partner-secret-1", "new_password2": "a-partner-secret-1"}
    assert client.post(form_page.redirect_chain[-1][0], secret).status_code == 302
    assert (
        client.post(reverse("login"), {"username": partner.email, "password": secret["new_password1"]}).status_code
        == 302
    )
    portal = client.get("/portal/").content.decode()
    assert mine.subject in portal and other.subject not in portal


def test_an_admin_links_unlinks_and_deactivates_a_partner_and_each_change_is_recorded(client, world):
    partner = user_create(tenant=world.tenant_a, email="pia@agency.test", role=Role.PARTNER, full_name="Pia")
    partner_link_accounts(user=partner, accounts=[world.account_a1])
    client.force_login(world.admin_a)
    url = f"/settings/partners/{partner.pk}/"
    assert client.post(url, {"accounts": [world.account_a2.pk], "is_active": "on"}).status_code == 302
    assert _linked(partner) == ["alpha-two"]
    assert client.post(url, {"accounts": [world.account_a2.pk]}).status_code == 302
    partner.refresh_from_db()
    assert not partner.is_active
    changes = list(SettingChange.objects.filter(area="partners").order_by("at", "id"))
    assert {"field": "Works for", "before": "Alpha One", "after": "Alpha Two"} in changes[0].changes
    assert changes[1].changes == [{"field": "Active", "before": "yes", "after": "no"}]
    assert client.post(url, {"accounts": [world.account_a2.pk]}).status_code == 302  # nothing changed
    assert SettingChange.objects.filter(area="partners").count() == 2
    account_page = client.get(f"/settings/accounts/{world.account_a2.pk}/").content.decode()
    assert f'href="/settings/partners/{partner.pk}/"' in account_page and "deactivated" in account_page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter a valid email address."),
        ("email", "analyst@tenant-b.test", "Cannot be used for a new user: ask for another address."),
        ("full_name", "", "This field is required."),
        ("accounts", [], "This field is required."),
    ],
)
def test_a_bad_invitation_is_refused_at_its_field_and_in_the_summary(client, world, field, value, message):
    client.force_login(world.admin_a)
    data = {"email": "pia@agency.test", "full_name": "Pia", "accounts": [world.account_a1.pk], field: value}
    answer = client.post("/settings/partners/", data)
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page
    assert f'href="#id_{field}' in page and message in page
    assert not User.objects.filter(role=Role.PARTNER).exists() and not SettingChange.objects.exists()


def test_another_tenants_account_cannot_be_linked_and_another_tenants_partner_is_missing(client, world):
    partner = user_create(tenant=world.tenant_a, email="pia@agency.test", role=Role.PARTNER, full_name="Pia")
    theirs = user_create(tenant=world.tenant_b, email="bob@agency.test", role=Role.PARTNER, full_name="Bob")
    client.force_login(world.admin_a)
    answer = client.post(f"/settings/partners/{partner.pk}/", {"accounts": [world.account_b1.pk], "is_active": "on"})
    assert answer.status_code == 400 and "Select a valid choice." in answer.content.decode()
    invite = {"email": "x@agency.test", "full_name": "X", "accounts": [world.account_b1.pk]}
    assert client.post("/settings/partners/", invite).status_code == 400
    assert _linked(partner) == [] and not User.objects.filter(email="x@agency.test").exists()
    assert client.get(f"/settings/partners/{theirs.pk}/").status_code == 404
    assert client.get("/settings/partners/987654321/").status_code == 404
    assert client.post(f"/settings/partners/{theirs.pk}/", {"is_active": ""}).status_code == 404
    assert client.get(f"/settings/partners/{world.analyst_a.pk}/").status_code == 404  # staff are not partners
    assert "Bob" not in client.get("/settings/partners/").content.decode()
    theirs.refresh_from_db()
    assert theirs.is_active


def test_an_invited_partner_gets_the_invitation_again(client, world):
    client.force_login(world.admin_a)
    client.post(
        "/settings/partners/", {"email": "pia@agency.test", "full_name": "Pia", "accounts": [world.account_a1.pk]}
    )
    partner = User.objects.get(email="pia@agency.test")
    assert client.post(f"/settings/partners/{partner.pk}/", {"resend": "1"}).status_code == 302
    assert OutboxMessage.objects.filter(kind="staff_invitation", to=[partner.email]).count() == 2
    change = SettingChange.objects.filter(area="partners").order_by("-at", "-id").first()
    assert change.changes == [{"field": "Invitation", "before": "mailed", "after": "mailed again"}]
