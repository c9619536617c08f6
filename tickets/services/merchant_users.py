"""An account's merchant users, kept by the tenant's admins: invite by mail (the staff invitation's
set-password link), send the invitation again, deactivate and reactivate.

Merchant users are never deleted (their cases keep their requester); a deactivated one cannot sign
in and is not offered as the technical contact. The technical contact itself cannot be deactivated:
the account would have nobody to hear about its cases. Partners working for the account are not its
merchant users (they have no account of their own; `tickets.services.partners` keeps them). Every
change is recorded in the settings history under *Accounts*, in the same transaction."""

from __future__ import annotations

from django.db import transaction

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import Account, Role, Tenant, User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.services import setting_change_record
from tickets.services.staff import invitation_mail, staff_invitation_pending, user_invite


def _admin_tenant(actor: User) -> Tenant:
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins keep the accounts' merchant users.")
    return actor.tenant


def _label(user: User, account: Account) -> str:
    return f"Merchant user {user.email} of {account.name}"


def _role_text(account: Account) -> str:
    return f"a merchant user of {account.name}"


def _locked_account(tenant: Tenant, account: Account) -> Account:
    locked = Account.objects.for_tenant(tenant).select_for_update(of=("self",)).filter(pk=account.pk).first()
    if locked is None:
        raise ValidationFailed("No such account.", errors={})
    return locked


@transaction.atomic
def merchant_invite(*, actor: User, account: Account, email: str, full_name: str) -> User:
    """A new merchant user of `account` without a password, and the mail with a link to set one."""
    tenant = _admin_tenant(actor)
    locked = _locked_account(tenant, account)
    user = user_invite(
        tenant=tenant,
        actor=actor,
        email=email,
        full_name=full_name,
        role=Role.MERCHANT,
        account=locked,
        role_text=_role_text(locked),
    )
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="accounts",
        label=_label(user, locked),
        after={"Name": user.full_name, "Active": "yes", "Invitation": f"mailed to {user.email}"},
    )
    return user


def _locked_merchant(tenant: Tenant, user: User) -> tuple[User, Account]:
    """The merchant user and their account, read again under locks (the account first, as the
    account's save takes it, so a change of technical contact and a deactivation queue)."""
    merchants = User.objects.for_tenant(tenant).filter(role=Role.MERCHANT, account__isnull=False)
    found = merchants.filter(pk=user.pk).values_list("account_id", flat=True).first()
    if found is None:
        raise ValidationFailed("No such merchant user.", errors={})
    account = Account.objects.for_tenant(tenant).select_for_update(of=("self",)).get(pk=found)
    return merchants.select_for_update().get(pk=user.pk, account=account), account


@transaction.atomic
def merchant_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Deactivate (no sign-in; their cases keep them) or reactivate a merchant user. The account's
    technical contact is refused: choose another technical contact first."""
    tenant = _admin_tenant(actor)
    locked, account = _locked_merchant(tenant, user)
    if not is_active and account.technical_contact_id == locked.pk:
        raise ValidationFailed(
            f"{locked.get_full_name()} is the technical contact of {account.name}: choose another technical "
            "contact on the account's page first, then deactivate them.",
            errors={"is_active": ["The technical contact cannot be deactivated."]},
        )
    if locked.is_active == is_active:
        return locked
    locked.is_active = is_active
    locked.save(update_fields=["is_active"])
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="accounts",
        label=_label(locked, account),
        before={"Active": "no" if is_active else "yes"},
        after={"Active": "yes" if is_active else "no"},
    )
    return locked


@transaction.atomic
def merchant_invite_again(*, actor: User, user: User) -> User:
    """A fresh set-password link for an active merchant user who has not chosen a password yet."""
    tenant = _admin_tenant(actor)
    locked, account = _locked_merchant(tenant, user)
    if not locked.is_active:
        raise ValidationFailed(
            "Reactivate them before sending the invitation again.", errors={"is_active": ["Deactivated."]}
        )
    if not staff_invitation_pending(locked):
        raise ValidationFailed("They have signed in already; the invitation is not sent again.", errors={})
    invitation_mail(tenant, actor, locked, role_text=_role_text(account))
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="accounts",
        label=_label(locked, account),
        before={"Invitation": "mailed"},
        after={"Invitation": "mailed again"},
    )
    return locked
