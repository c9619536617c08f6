"""Reads behind the tenant admin's settings pages of case reference data and staff."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from helpdesk.errors import NotFound
from helpdesk.models import Account, PartnerLink, Role, Store, User
from helpdesk.tenancy import Scope
from tickets.models import ACTIVE_STATUSES, Case, QueueSettings, StaffProfile


def staff_settings_list(*, scope: Scope) -> QuerySet[User]:
    """The tenant's staff, active first, each with its shift hours."""
    return (
        User.objects.for_tenant(scope.tenant)
        .staff()
        .select_related("staff_profile")
        .order_by("-is_active", "full_name", "email")
    )


def staff_open_case_counts(*, scope: Scope) -> dict[int, int]:
    """Open cases per owner, by user id (one grouped read)."""
    cases = Case.objects.for_tenant(scope.tenant).filter(status__in=ACTIVE_STATUSES, assignee__isnull=False)
    return dict(cases.values_list("assignee").annotate(n=Count("pk")).values_list("assignee", "n"))


def staff_member_get(*, scope: Scope, pk: int) -> User:
    """One staff member of the scope's tenant (NotFound when missing, a merchant or another tenant's)."""
    user = staff_settings_list(scope=scope).filter(pk=pk).first()
    if user is None:
        raise NotFound("No such staff member.")
    return user


def staff_shift_hours(user: User) -> dict[str, list[list[str]]]:
    try:
        return dict(user.staff_profile.shift_hours)
    except StaffProfile.DoesNotExist:
        return {}


def account_settings_list(*, scope: Scope) -> QuerySet[Account]:
    """The tenant's accounts with plan, contact, and their stores and partner links counted."""
    return (
        Account.objects.for_tenant(scope.tenant)
        .select_related("plan", "technical_contact")
        .annotate(store_count=Count("stores", distinct=True), partner_count=Count("partner_links", distinct=True))
        .order_by("name")
    )


def account_settings_get(*, scope: Scope, pk: int) -> Account:
    account = Account.objects.for_tenant(scope.tenant).select_related("plan", "technical_contact").filter(pk=pk).first()
    if account is None:
        raise NotFound("No such account.")
    return account


def account_merchants(*, scope: Scope, account: Account) -> QuerySet[User]:
    """The account's active merchant users, who may be its technical contact."""
    return User.objects.for_tenant(scope.tenant).filter(account=account, is_active=True).order_by("full_name", "email")


def account_stores(*, scope: Scope, account: Account) -> QuerySet[Store]:
    return Store.objects.for_tenant(scope.tenant).filter(account=account).select_related("account")


def account_partner_links(*, scope: Scope, account: Account) -> QuerySet[PartnerLink]:
    return PartnerLink.objects.for_tenant(scope.tenant).filter(account=account).select_related("user")


def queue_settings_get(*, scope: Scope) -> QueueSettings:
    """The tenant's queue settings, or the defaults (unsaved) when none were saved yet."""
    found = QueueSettings.objects.for_tenant(scope.tenant).first()
    return found or QueueSettings(tenant=scope.tenant)


def analysts_with_shifts(*, scope: Scope) -> QuerySet[User]:
    """Active analysts who have shift hours (the only ones automatic assignment picks)."""
    analysts = User.objects.for_tenant(scope.tenant).filter(role=Role.ANALYST, is_active=True)
    return (
        analysts.select_related("staff_profile")
        .exclude(staff_profile__shift_hours={})
        .exclude(staff_profile__isnull=True)
    )
