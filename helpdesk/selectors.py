"""Reads of platform data. Every function takes the tenant (or the request's scope) first."""

from __future__ import annotations

from django.db.models import QuerySet

from helpdesk.errors import NotFound
from helpdesk.models import (
    Account,
    ApiKey,
    Role,
    SettingChange,
    Store,
    Tenant,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from helpdesk.tenancy import Scope, get_for_scope_or_404


def account_list(*, scope: Scope) -> QuerySet[Account]:
    return Account.objects.for_scope(scope).select_related("plan", "technical_contact")


def store_list(*, scope: Scope) -> QuerySet[Store]:
    return Store.objects.for_scope(scope).select_related("account")


def store_get(*, scope: Scope, store_id: int) -> Store:
    """One store of the scope (NotFound when missing or another tenant's or account's)."""
    return get_for_scope_or_404(Store.objects.select_related("account"), scope, pk=store_id)


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


def active_user_list(*, tenant: Tenant) -> QuerySet[User]:
    """Every active user of the tenant (staff and merchants), e.g. for whom an API key is made."""
    return User.objects.for_tenant(tenant).filter(is_active=True).select_related("account")


def staff_by_email(*, tenant: Tenant, email: str) -> User | None:
    return User.objects.for_tenant(tenant).staff().filter(email__iexact=email).first()


def account_by_slug(*, tenant: Tenant, slug: str) -> Account | None:
    return Account.objects.for_tenant(tenant).select_related("technical_contact").filter(slug=slug).first()


def account_user_by_email(*, tenant: Tenant, account: Account, email: str) -> User | None:
    return User.objects.for_tenant(tenant).filter(account=account, email__iexact=email).first()


def api_key_list(*, tenant: Tenant) -> QuerySet[ApiKey]:
    return ApiKey.objects.for_tenant(tenant).select_related("user")


def webhook_endpoint_list(*, tenant: Tenant) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.for_tenant(tenant)


def webhook_endpoint_get(*, tenant: Tenant, endpoint_id: int) -> WebhookEndpoint:
    """One of the tenant's webhooks (NotFound when missing or another tenant's)."""
    endpoint = webhook_endpoint_list(tenant=tenant).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook.")
    return endpoint


def webhook_delivery_list(*, tenant: Tenant, endpoint: WebhookEndpoint | None = None) -> QuerySet[WebhookDelivery]:
    """The tenant's deliveries (or one endpoint's), newest first (the model's order), with their endpoints."""
    deliveries = WebhookDelivery.objects.for_tenant(tenant).select_related("endpoint")
    return deliveries.filter(endpoint=endpoint) if endpoint is not None else deliveries


def webhook_delivery_logs(
    *, tenant: Tenant, endpoints: list[WebhookEndpoint], per_endpoint: int
) -> dict[int, list[WebhookDelivery]]:
    """Each endpoint's latest deliveries (one indexed read per endpoint; a tenant has a handful)."""
    return {
        endpoint.pk: list(webhook_delivery_list(tenant=tenant, endpoint=endpoint)[:per_endpoint])
        for endpoint in endpoints
    }


def account_profile(*, scope: Scope) -> Account:
    """The merchant's own account with its plan and technical contact, for the account page."""
    return account_list(scope=scope).select_related("plan", "technical_contact").get(pk=scope.own_account.pk)


def setting_change_list(*, scope: Scope, area: str | None = None) -> QuerySet[SettingChange]:
    """The tenant's settings history, newest first, optionally of one settings page."""
    changes = SettingChange.objects.for_tenant(scope.tenant).select_related("actor")
    return changes.filter(area=area) if area else changes
