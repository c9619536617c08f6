"""An account's merchant users kept in the product: the list, invitation by mail with a
set-password link (the staff invitation), sending it again, deactivation and reactivation (never the
technical contact), the history, the technical-contact choice, and isolation."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import OutboxMessage, PartnerLink, Role, SettingChange, User
from helpdesk.services import partner_link_accounts, user_create

pytestmark = pytest.mark.django_db

INVITE = {"email": "Shop.Owner@Alpha-One.test", "full_name": "Sam Shop"}


def _users_url(account) -> str:
    return f"/settings/accounts/{account.pk}/users/"


def _invite(client, account, **overrides):
    return client.post(_users_url(account), {**INVITE, **overrides})


@pytest.fixture
def second(world):
    """A second merchant user of account A1 who has signed in before."""
    user = user_create(
        tenant=world.tenant_a, email="buyer@alpha-one.test", role=Role.MERCHANT, account=world.account_a1
    )
    User.objects.filter(pk=user.pk).update(full_name="Bea Buyer", last_login=timezone.now())
    return user


def test_an_invited_merchant_user_chooses_a_password_and_sees_the_account(client, world):
    client.force_login(world.admin_a)
    answer = _invite(client, world.account_a1)
    assert answer.status_code == 302 and answer["Location"] == _users_url(world.account_a1)
    user = User.objects.get(email="shop.owner@alpha-one.test")
    assert (user.tenant_id, user.role, user.account_id, user.full_name, user.has_usable_password()) == (
        world.tenant_a.pk,
        Role.MERCHANT,
        world.account_a1.pk,
        "Sam Shop",
        False,
    )
    message = OutboxMessage.objects.get(kind="staff_invitation")
    assert message.to == [user.email] and "a merchant user of Alpha One" in message.body_text
    page = client.get(_users_url(world.account_a1)).content.decode()
    assert "is invited" in page and "Sam Shop" in page and "Invited" in page
    change = SettingChange.objects.get(area="accounts")
    assert (change.action, change.label) == ("created", "Merchant user shop.owner@alpha-one.test of Alpha One")
    assert {"field": "Invitation", "before": "", "after": "mailed to shop.owner@alpha-one.test"} in change.changes
    client.logout()
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", message.body_text).group(1)
    form_page = client.get(link, follow=True)
    secret = {"new_password1": "a-new-merchant-secret", "new_password2": "a-new-merchant-secret"}
    assert client.post(form_page.redirect_chain[-1][0], secret).status_code == 302
    assert (
        client.post(reverse("login"), {"username": user.email, "password": secret["new_password1"]}).status_code == 302
    )
    assert client.get("/portal/").status_code == 200


def test_the_list_shows_name_state_contact_and_last_sign_in_and_no_partners(client, world, second):
    partner = user_create(tenant=world.tenant_a, email="agency@partner.test", role=Role.PARTNER, full_name="Pia")
    partner_link_accounts(user=partner, accounts=[world.account_a1])
    client.force_login(world.admin_a)
    answer = client.get(_users_url(world.account_a1))
    rows = answer.context["rows"]
    assert [(row["user"], row["state"], row["contact"]) for row in rows] == [
        (second, "Active", False),  # active first, then by name: "Bea Buyer" before "Contact of alpha-one"
        (world.merchant_a1, "Active", True),
    ]
    page = answer.content.decode()
    assert page.count('data-testid="technical-contact"') == 1
    assert page.count(">Never<") == 1  # the contact never signed in; Bea did
    assert "agency@partner.test" not in page and world.merchant_a2.email not in page
    assert PartnerLink.objects.filter(user=partner).exists()
    account_page = client.get(f"/settings/accounts/{world.account_a1.pk}/").content.decode()
    assert f'href="{_users_url(world.account_a1)}"' in account_page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("analyst@tenant-b.test", "Cannot be used for a new user: ask for another address."),
        ("merchant@bravo-one.test", "Cannot be used for a new user: ask for another address."),
        ("merchant@alpha-two.test", "Already one of your users: merchant of Alpha Two."),
        ("ANALYST@tenant-a.test", "Already one of your users: support analyst."),
    ],
)
def test_a_bad_address_is_refused_at_its_field_without_naming_another_tenant(client, world, value, message):
    client.force_login(world.admin_a)
    answer = _invite(client, world.account_a1, email=value)
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page
    assert 'href="#id_email"' in page and message in page
    assert "Tenant B" not in page and "Bravo" not in page
    assert not OutboxMessage.objects.exists() and not SettingChange.objects.exists()


def test_a_merchant_user_is_deactivated_and_reactivated_with_the_history(client, world, second):
    client.force_login(world.admin_a)
    url = f"/settings/merchant-users/{second.pk}/"
    assert client.post(url, {"action": "deactivate"}).status_code == 302
    second.refresh_from_db()
    assert not second.is_active
    form = client.get(f"/settings/accounts/{world.account_a1.pk}/").context["form"]
    assert list(form.fields["technical_contact"].queryset) == [world.merchant_a1]
    assert "Deactivated" in client.get(_users_url(world.account_a1)).content.decode()
    assert client.post(url, {"action": "reactivate"}).status_code == 302
    second.refresh_from_db()
    assert second.is_active
    changes = SettingChange.objects.filter(label="Merchant user buyer@alpha-one.test of Alpha One").order_by("pk")
    assert [change.changes for change in changes] == [
        [{"field": "Active", "before": "yes", "after": "no"}],
        [{"field": "Active", "before": "no", "after": "yes"}],
    ]


def test_the_technical_contact_cannot_be_deactivated(client, world, second):
    client.force_login(world.admin_a)
    answer = client.post(f"/settings/merchant-users/{world.merchant_a1.pk}/", {"action": "deactivate"})
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="merchant-refused"' in page
    assert "choose another technical contact on the account&#x27;s page first" in page
    world.merchant_a1.refresh_from_db()
    assert world.merchant_a1.is_active and not SettingChange.objects.exists()
    # Once another user is the contact, the former one can go.
    saved = client.post(
        f"/settings/accounts/{world.account_a1.pk}/",
        {"save_account": "1", "plan": world.account_a1.plan_id, "technical_contact": second.pk, "cc_addresses": ""},
    )
    assert saved.status_code == 302
    assert client.post(f"/settings/merchant-users/{world.merchant_a1.pk}/", {"action": "deactivate"}).status_code == 302


def test_a_deactivated_user_cannot_become_the_technical_contact(client, world, second):
    User.objects.filter(pk=second.pk).update(is_active=False)
    client.force_login(world.admin_a)
    data = {"save_account": "1", "plan": world.account_a1.plan_id, "technical_contact": second.pk, "cc_addresses": ""}
    answer = client.post(f"/settings/accounts/{world.account_a1.pk}/", data)
    assert answer.status_code == 400
    world.account_a1.refresh_from_db()
    assert world.account_a1.technical_contact == world.merchant_a1


def test_the_invitation_goes_again_while_it_is_pending(client, world, second):
    client.force_login(world.admin_a)
    _invite(client, world.account_a1)
    user = User.objects.get(email="shop.owner@alpha-one.test")
    assert client.post(f"/settings/merchant-users/{user.pk}/", {"action": "resend"}).status_code == 302
    assert OutboxMessage.objects.filter(kind="staff_invitation", to=[user.email]).count() == 2
    assert SettingChange.objects.filter(label__startswith="Merchant user shop.owner").count() == 2
    signed_in = client.post(f"/settings/merchant-users/{second.pk}/", {"action": "resend"})
    assert signed_in.status_code == 400 and "They have signed in already" in signed_in.content.decode()
    junk = client.post(f"/settings/merchant-users/{second.pk}/", {"action": "promote"})
    assert junk.status_code == 400 and "Choose what to do" in junk.content.decode()


def test_other_tenants_accounts_and_users_answer_like_missing_ones(client, world):
    client.force_login(world.admin_a)
    missing_account = client.get("/settings/accounts/987654/users/")
    other_account = client.get(f"/settings/accounts/{world.account_b1.pk}/users/")
    assert other_account.status_code == missing_account.status_code == 404
    assert _invite(client, world.account_b1).status_code == 404
    for user in (world.merchant_b1, world.analyst_a):  # another tenant's merchant; a staff member
        answer = client.post(f"/settings/merchant-users/{user.pk}/", {"action": "deactivate"})
        assert answer.status_code == 404
        user.refresh_from_db()
        assert user.is_active
    assert not User.objects.filter(email="shop.owner@alpha-one.test").exists()
    client.force_login(world.manager_a)
    assert client.get(_users_url(world.account_a1)).status_code == 403
    client.force_login(world.merchant_a1)
    assert client.post(f"/settings/merchant-users/{world.merchant_a1.pk}/", {"action": "resend"}).status_code == 403


def test_the_list_reads_as_many_queries_for_one_user_as_for_fifty(client, world):
    client.force_login(world.admin_a)
    url = _users_url(world.account_a1)
    client.get(url)  # the session and caches, once
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(49):
        user_create(
            tenant=world.tenant_a, email=f"buyer{n}@alpha-one.test", role=Role.MERCHANT, account=world.account_a1
        )
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(url).context["rows"]) == 50
    assert len(fifty) == len(one)
