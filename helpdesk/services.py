"""Writes of platform data: tenants, accounts, stores and users."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.messaging import outbound_http
from helpdesk.models import (
    WEBHOOK_EVENTS,
    Account,
    ApiKey,
    Role,
    Store,
    Tenant,
    User,
    WebhookEndpoint,
)

if TYPE_CHECKING:
    from tickets.models import Plan


@transaction.atomic
def user_create(
    *,
    tenant: Tenant,
    email: str,
    role: str,
    full_name: str = "",
    password: str | None = None,
    account: Account | None = None,
) -> User:
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role “{role}”.", errors={"role": [f"Choose one of {', '.join(Role.values)}."]})
    if (role == Role.MERCHANT) != (account is not None):
        raise ValidationFailed(
            "Merchant users, and only they, belong to an account.", errors={"account": ["Required for merchants only."]}
        )
    if account is not None and account.tenant_id != tenant.pk:
        raise ValidationFailed("The account belongs to another tenant.", errors={"account": ["Not found."]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed("That e-mail address is taken.", errors={"email": ["Already in use."]})
    return User.objects.create_user(email, password, tenant=tenant, role=role, full_name=full_name, account=account)


@transaction.atomic
def account_create(
    *,
    tenant: Tenant,
    slug: str,
    name: str,
    plan: Plan,
    contact_email: str,
    contact_name: str = "",
    contact_password: str | None = None,
    time_zone: str | None = None,
    cc_addresses: list[str] | None = None,
) -> Account:
    """A merchant account together with its primary technical contact (a merchant user)."""
    if plan.tenant_id != tenant.pk:
        raise ValidationFailed("The plan belongs to another tenant.", errors={"plan": ["Not found."]})
    if Account.objects.for_tenant(tenant).filter(slug=slug).exists():
        raise ValidationFailed(f"An account “{slug}” exists already.", errors={"slug": ["Already in use."]})
    account = Account(
        tenant=tenant,
        slug=slug,
        name=name,
        plan=plan,
        time_zone=time_zone or tenant.time_zone,
        cc_addresses=cc_addresses or [],
    )
    account.full_clean(exclude=["technical_contact"])
    account.save()
    contact = user_create(
        tenant=tenant,
        email=contact_email,
        role=Role.MERCHANT,
        full_name=contact_name,
        password=contact_password,
        account=account,
    )
    account.technical_contact = contact
    account.save(update_fields=["technical_contact"])
    return account


@transaction.atomic
def account_set_technical_contact(*, account: Account, user: User) -> Account:
    if user.account_id != account.pk:
        raise ValidationFailed(
            "The technical contact must be a merchant user of this account.",
            errors={"technical_contact": ["Not a user of this account."]},
        )
    account.technical_contact = user
    account.save(update_fields=["technical_contact"])
    return account


@transaction.atomic
def store_create(*, account: Account, name: str, url: str) -> Store:
    store = Store(tenant_id=account.tenant_id, account=account, name=name, url=url)
    store.full_clean()
    store.save()
    return store


API_KEY_PREFIX = "hk_"


def api_key_hash(raw: str) -> str:
    """Keys carry 190 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, user: User, name: str = "", expires_at: datetime | None = None) -> tuple[ApiKey, str]:
    """A new key for `user`; returns the row and the key itself, which is shown once."""
    if user.tenant_id is None or not user.is_active:
        raise ValidationFailed("API keys belong to active users of a tenant.", errors={"user": ["Not a tenant user."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("The expiry must lie in the future.", errors={"expires_at": ["In the past."]})
    prefix = secrets.token_hex(4)
    raw = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(24)}"
    key = ApiKey.objects.create(
        tenant_id=user.tenant_id,
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=api_key_hash(raw),
        expires_at=expires_at,
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User) -> ApiKey:
    if actor.tenant_id != key.tenant_id or not (actor.role == Role.ADMIN or actor.pk == key.user_id):
        raise ValidationFailed("No such API key.", errors={})
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


@transaction.atomic
def webhook_endpoint_create(*, tenant: Tenant, url: str, events: list[str]) -> WebhookEndpoint:
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if not events or unknown:
        raise ValidationFailed(
            "Choose the events to send.",
            errors={"events": [f"Unknown: {', '.join(unknown)}"] if unknown else ["Required."]},
        )
    try:
        outbound_http.check_url(url)
    except outbound_http.RefusedURL as refusal:
        raise ValidationFailed(refusal.message, errors={"url": [refusal.message]}) from None
    return WebhookEndpoint.objects.create(tenant=tenant, url=url, events=events, secret=secrets.token_hex(32))


@transaction.atomic
def webhook_endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    return endpoint
