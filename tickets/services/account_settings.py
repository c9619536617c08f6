"""Tenant admins keep their merchant accounts: plan, technical contact, CC addresses and stores.
Every save records what changed in the settings history, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import Account, Role, Store, Tenant, User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.services import setting_change_record, store_create, store_update
from tickets.models import Plan
from tickets.services._common import check_cc_emails
from tickets.services.staff import user_invite


def _admin_tenant(actor: User) -> Tenant:
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins keep the accounts.")
    return actor.tenant


def _account_values(account: Account) -> dict[str, object]:
    contact = account.technical_contact
    return {
        "Plan": account.plan.name,
        "Technical contact": contact.email if contact else "",
        "CC addresses": list(account.cc_addresses),
    }


@transaction.atomic
def account_settings_update(
    *, actor: User, account: Account, plan: Plan, technical_contact: User, cc_addresses: list[str]
) -> Account:
    """Change an account's plan, technical contact (one of its own merchant users) and CC addresses."""
    tenant = _admin_tenant(actor)
    accounts = Account.objects.for_tenant(tenant).select_related("plan", "technical_contact")
    locked = accounts.select_for_update(of=("self",)).filter(pk=account.pk).first()
    if locked is None:
        raise ValidationFailed("No such account.", errors={})
    if plan.tenant_id != tenant.pk:
        raise ValidationFailed("No such plan.", errors={"plan": ["Not found."]})
    if plan.retired and plan.pk != locked.plan_id:
        raise ValidationFailed(f"Plan {plan.name} is retired.", errors={"plan": ["Retired: choose another plan."]})
    # Read again under a lock (after the account's, as a deactivation takes them): a contact being
    # deactivated at this moment is refused rather than saved inactive.
    contact = (
        User.objects.for_tenant(tenant)
        .filter(pk=technical_contact.pk, account=locked, role=Role.MERCHANT, is_active=True)
        .select_for_update()
        .first()
    )
    if contact is None:
        raise ValidationFailed(
            "The technical contact must be an active merchant user of this account.",
            errors={"technical_contact": ["Not a user of this account."]},
        )
    before = _account_values(locked)
    locked.plan, locked.technical_contact = plan, contact
    locked.cc_addresses = check_cc_emails(cc_addresses)
    locked.save(update_fields=["plan", "technical_contact", "cc_addresses"])
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="accounts",
        label=f"Account {locked.name}",
        before=before,
        after=_account_values(locked),
    )
    return locked


STORE_LABELS = {
    "name": "Name",
    "url": "URL",
    "health_url": "Health-check URL",
    "check_interval_seconds": "Check every (seconds)",
    "failure_threshold": "Failed checks before a case",
}


def _store_values(store: Store | None) -> dict[str, object]:
    return {label: getattr(store, name) for name, label in STORE_LABELS.items()} if store else {}


@transaction.atomic
def account_store_save(*, actor: User, account: Account, store: Store | None, fields: dict[str, Any]) -> Store:
    """Add a store to the account, or change `store` (one of the account's), with its monitoring."""
    tenant = _admin_tenant(actor)
    if account.tenant_id != tenant.pk or (store is not None and store.account_id != account.pk):
        raise ValidationFailed("No such store.", errors={})
    before = _store_values(store)
    saved = store_create(account=account, **fields) if store is None else store_update(store=store, changes=fields)
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="accounts",
        label=f"Store {saved.name} of {account.name}",
        before=before,
        after=_store_values(saved),
    )
    return saved


def _added_values(account: Account, contact: User) -> dict[str, object]:
    return {
        "Name": account.name,
        "Short name": account.slug,
        "Plan": account.plan.name,
        "Time zone": account.time_zone,
        "Technical contact": contact.email,
        "Invitation": f"mailed to {contact.email}",
    }


@transaction.atomic
def account_add(
    *, actor: User, name: str, slug: str, plan: Plan, time_zone: str, contact_name: str, contact_email: str
) -> Account:
    """A new merchant account with its first merchant user, who is its technical contact and is
    invited by mail to choose a password (as staff are)."""
    tenant = _admin_tenant(actor)
    if plan.tenant_id != tenant.pk:
        raise ValidationFailed("No such plan.", errors={"plan": ["Not found."]})
    if plan.retired:
        raise ValidationFailed(f"Plan {plan.name} is retired.", errors={"plan": ["Retired: choose another plan."]})
    slug = slug.strip().lower()
    if Account.objects.for_tenant(tenant).filter(slug=slug).exists():
        raise ValidationFailed(f"An account “{slug}” exists already.", errors={"slug": ["Already in use."]})
    account = Account(tenant=tenant, slug=slug, name=name.strip(), plan=plan, time_zone=time_zone)
    try:
        account.full_clean(exclude=["technical_contact", "tenant", "plan"], validate_unique=False)
    except DjangoValidationError as invalid:
        raise ValidationFailed("Not saved.", errors=invalid.message_dict) from None
    try:
        with transaction.atomic():  # the same short name added at the same moment
            account.save()
    except IntegrityError:
        raise ValidationFailed(f"An account “{slug}” exists already.", errors={"slug": ["Already in use."]}) from None
    contact = user_invite(
        tenant=tenant,
        actor=actor,
        email=contact_email,
        full_name=contact_name,
        role=Role.MERCHANT,
        account=account,
        role_text=f"a merchant user and the technical contact of {account.name}",
        field="contact_email",
    )
    account.technical_contact = contact
    account.save(update_fields=["technical_contact"])
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="accounts",
        label=f"Account {account.name}",
        after=_added_values(account, contact),
    )
    return account
