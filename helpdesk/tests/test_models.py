"""Platform model rules enforced by the database and the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import Role, Tenant, User
from helpdesk.services import account_set_technical_contact, user_create
from helpdesk.tests.factories import make_account

pytestmark = pytest.mark.django_db


def test_a_merchant_must_belong_to_an_account(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("loose@x.test", "pw", tenant=world.tenant_a, role=Role.MERCHANT)


def test_staff_cannot_belong_to_an_account(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            "staff@x.test", "pw", tenant=world.tenant_a, role=Role.ANALYST, account=world.account_a1
        )


def test_a_tenant_user_needs_a_role_and_only_superusers_have_no_tenant(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("norole@x.test", "pw", tenant=world.tenant_a, role="")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("nobody@x.test", "pw", role=Role.ANALYST)
    root = User.objects.create_superuser("root@platform.test", "pw")
    assert root.tenant_id is None and root.is_staff


def test_emails_are_unique_across_tenants(world):
    with pytest.raises(ValidationFailed, match="taken"):
        user_create(tenant=world.tenant_b, email=world.analyst_a.email, role=Role.ANALYST)


def test_merchant_of_another_tenants_account_is_refused(world):
    with pytest.raises(ValidationFailed, match="another tenant"):
        user_create(tenant=world.tenant_b, email="x@y.test", role=Role.MERCHANT, account=world.account_a1)


def test_every_account_has_exactly_one_technical_contact_of_its_own(world):
    account = world.account_a1
    assert account.technical_contact.account_id == account.pk
    with pytest.raises(ValidationFailed, match="merchant user of this account"):
        account_set_technical_contact(account=account, user=world.merchant_a2)
    second = user_create(tenant=world.tenant_a, email="second@alpha.test", role=Role.MERCHANT, account=account)
    account_set_technical_contact(account=account, user=second)
    account.refresh_from_db()
    assert account.technical_contact == second


def test_account_slugs_are_unique_per_tenant_only(world):
    make_account(world.tenant_b, "alpha-one-b")
    with pytest.raises(ValidationFailed, match="exists already"):
        make_account(world.tenant_a, "alpha-one")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", "not an IANA time zone"),
        ("case_number_prefix", "sc-", "capital letters"),
        ("at_risk_share", "1.5", "less than or equal"),
        ("support_phone_numbers", "1-800", "list of phone numbers"),
    ],
)
def test_tenant_settings_are_validated(db, field, value, message):
    tenant = Tenant(slug="t", name="T", **{field: value})
    with pytest.raises(ValidationError, match=message):
        tenant.full_clean()


def test_staff_flags_follow_roles(world):
    assert world.admin_a.is_staff and world.admin_a.is_support_staff
    assert not world.analyst_a.is_staff and world.analyst_a.is_support_staff
    assert not world.merchant_a1.is_staff and not world.merchant_a1.is_support_staff
