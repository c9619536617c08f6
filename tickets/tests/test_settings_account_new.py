"""Adding a merchant account in the product: validation at each field and in the summary, a slug
unique in the tenant (another tenant may use it), the first merchant user invited by mail as its
technical contact, and the settings history."""

from __future__ import annotations

import pytest

from helpdesk.models import Account, OutboxMessage, Role, SettingChange, User

pytestmark = pytest.mark.django_db


def _data(world, **changes):
    gold = world.account_a1.plan
    return {
        "name": "Harbour Homewares",
        "slug": "harbour-homewares",
        "plan": gold.pk,
        "time_zone": "Australia/Perth",
        "contact_name": "Hana Harbour",
        "contact_email": "Hana@Harbour.test",
    } | changes


def test_an_admin_adds_an_account_and_its_contact_is_invited(client, world):
    client.force_login(world.admin_a)
    form = client.get("/settings/accounts/new/")
    assert form.status_code == 200 and 'data-testid="account-new-form"' in form.content.decode()
    answer = client.post("/settings/accounts/new/", _data(world))
    account = Account.objects.get(tenant=world.tenant_a, slug="harbour-homewares")
    assert answer.status_code == 302 and answer["Location"] == f"/settings/accounts/{account.pk}/"
    contact = User.objects.get(email="hana@harbour.test")
    assert (contact.role, contact.account_id, contact.has_usable_password()) == (Role.MERCHANT, account.pk, False)
    assert (account.technical_contact_id, account.time_zone, account.plan) == (
        contact.pk,
        "Australia/Perth",
        world.account_a1.plan,
    )
    message = OutboxMessage.objects.get(kind="staff_invitation")
    assert message.to == ["hana@harbour.test"] and "technical contact of Harbour Homewares" in message.body_text
    change = SettingChange.objects.get(area="accounts")
    assert change.action == "created" and change.label == "Account Harbour Homewares"
    assert {"field": "Short name", "before": "", "after": "harbour-homewares"} in change.changes
    listed = client.get("/settings/accounts/").content.decode()
    assert "Harbour Homewares" in listed and 'href="/settings/accounts/new/"' in listed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("slug", "Not a slug!", "Enter a valid “slug”"),
        ("slug", "alpha-one", "Already in use."),
        ("plan", "99999999", "Select a valid choice."),
        ("time_zone", "Mars/Olympus", "Select a valid choice."),
        ("contact_email", "nope", "Enter a valid email address."),
        ("contact_email", "analyst@tenant-b.test", "Cannot be used for a new user: ask for another address."),
    ],
)
def test_a_bad_account_is_refused_at_its_field_and_in_the_summary(client, world, field, value, message):
    client.force_login(world.admin_a)
    answer = client.post("/settings/accounts/new/", _data(world, **{field: value}))
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-summary"' in page
    assert f'href="#id_{field}"' in page and message in page
    assert not Account.objects.filter(name="Harbour Homewares").exists()
    assert not User.objects.filter(email="hana@harbour.test").exists() and not SettingChange.objects.exists()


def test_a_slug_another_tenant_uses_is_free_here_and_their_plan_is_not(client, world):
    client.force_login(world.admin_a)
    assert client.post("/settings/accounts/new/", _data(world, slug="bravo-one")).status_code == 302
    assert Account.objects.filter(tenant=world.tenant_a, slug="bravo-one").exists()
    theirs = client.post("/settings/accounts/new/", _data(world, slug="other", plan=world.account_b1.plan_id))
    assert theirs.status_code == 400 and not Account.objects.filter(tenant=world.tenant_a, slug="other").exists()
    client.force_login(world.manager_a)
    assert client.get("/settings/accounts/new/").status_code == 403
