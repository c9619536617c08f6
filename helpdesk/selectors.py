"""Reads of platform data. Every function takes the tenant (or the request's scope) first."""

from __future__ import annotations

from django.db.models import QuerySet

from helpdesk.models import Account, Role, Store, User
from helpdesk.tenancy import Scope


def account_list(*, scope: Scope) -> QuerySet[Account]:
    return Account.objects.for_scope(scope).select_related("plan", "technical_contact")


def store_list(*, scope: Scope) -> QuerySet[Store]:
    return Store.objects.for_scope(scope).select_related("account")


def staff_list(*, scope: Scope) -> QuerySet[User]:
    return User.objects.for_tenant(scope.tenant).staff()


def merchant_list(*, scope: Scope) -> QuerySet[User]:
    """The tenant's merchant users with their accounts, by account then name."""
    return (
        User.objects.for_tenant(scope.tenant)
        .filter(role=Role.MERCHANT, is_active=True)
        .select_related("account")
        .order_by("account__name", "full_name")
    )
