"""A tenant's partner users (agencies, integrators working for several of its merchant accounts),
kept by its admins: invite by mail, link and unlink accounts, deactivate.

Partners are never deleted (the cases they opened keep their requester); a deactivated partner
cannot sign in. Links name only this tenant's accounts. Every change is recorded in the settings
history, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import Account, PartnerLink, Role, Tenant, User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.services import setting_change_record
from tickets.services.staff import invitation_mail, staff_invitation_pending, user_invite


def _check_admin(actor: User) -> Tenant:
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins keep the partners.")
    return actor.tenant


def _own_accounts(tenant: Tenant, accounts: Iterable[Account]) -> list[Account]:
    """The chosen accounts, read again as this tenant's; one that is not is refused as missing."""
    wanted = {account.pk for account in accounts}
    found = list(Account.objects.for_tenant(tenant).filter(pk__in=wanted).order_by("name"))
    if len(found) != len(wanted):
        raise ValidationFailed("No such account.", errors={"accounts": ["Choose among the listed accounts."]})
    return found


def _values(user: User, accounts: Iterable[Account]) -> dict[str, object]:
    return {
        "Name": user.full_name,
        "Active": "yes" if user.is_active else "no",
        "Works for": sorted(account.name for account in accounts),
    }


def _role_text(accounts: list[Account]) -> str:
    return "a partner working for " + ", ".join(account.name for account in accounts)


@transaction.atomic
def partner_invite(*, actor: User, email: str, full_name: str, accounts: Iterable[Account]) -> User:
    """A new partner user without a password, linked to `accounts`, and a mail to set one."""
    tenant = _check_admin(actor)
    chosen = _own_accounts(tenant, accounts)
    if not chosen:
        raise ValidationFailed("Choose the accounts they work for.", errors={"accounts": ["Choose at least one."]})
    user = user_invite(
        tenant=tenant, actor=actor, email=email, full_name=full_name, role=Role.PARTNER, role_text=_role_text(chosen)
    )
    PartnerLink.objects.bulk_create([PartnerLink(tenant=tenant, user=user, account=account) for account in chosen])
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="partners",
        label=f"Partner {user.email}",
        after={**_values(user, chosen), "Invitation": f"mailed to {user.email}"},
    )
    return user


@transaction.atomic
def partner_update(*, actor: User, user: User, accounts: Iterable[Account], is_active: bool) -> User:
    """Link the partner to exactly `accounts` (this tenant's; others unlinked) and set whether
    they may sign in."""
    tenant = _check_admin(actor)
    locked = User.objects.for_tenant(tenant).filter(role=Role.PARTNER, pk=user.pk).select_for_update().first()
    if locked is None:
        raise ValidationFailed("No such partner.", errors={})
    chosen = _own_accounts(tenant, accounts)
    links = PartnerLink.objects.for_tenant(tenant).filter(user=locked)
    linked = {link.account_id: link.account for link in links.select_related("account")}
    before = _values(locked, linked.values())
    wanted = {account.pk for account in chosen}
    links.filter(account_id__in=set(linked) - wanted).delete()
    PartnerLink.objects.bulk_create(
        [PartnerLink(tenant=tenant, user=locked, account=account) for account in chosen if account.pk not in linked]
    )
    if locked.is_active != is_active:
        locked.is_active = is_active
        locked.save(update_fields=["is_active"])
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="partners",
        label=f"Partner {locked.email}",
        before=before,
        after=_values(locked, chosen),
    )
    return locked


@transaction.atomic
def partner_invite_again(*, actor: User, user: User) -> User:
    """A fresh set-password link for an active partner who has not chosen a password yet."""
    tenant = _check_admin(actor)
    if user.tenant_id != tenant.pk or user.role != Role.PARTNER or not user.is_active:
        raise ValidationFailed("Only an active invited partner gets the invitation again.", errors={})
    if not staff_invitation_pending(user):
        raise ValidationFailed("They have signed in already; the invitation is not sent again.", errors={})
    links = PartnerLink.objects.for_tenant(tenant).filter(user=user).select_related("account")
    accounts = sorted((link.account for link in links), key=lambda account: account.name)
    invitation_mail(tenant, actor, user, role_text=_role_text(accounts))
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="partners",
        label=f"Partner {user.email}",
        before={"Invitation": "mailed"},
        after={"Invitation": "mailed again"},
    )
    return user
