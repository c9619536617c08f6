"""Writes of platform data: tenants, accounts, stores, users, API keys, webhooks and the settings history."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from helpdesk.branding import logo_content_type
from helpdesk.errors import ValidationFailed
from helpdesk.messaging import outbound_http
from helpdesk.models import (
    WEBHOOK_EVENTS,
    Account,
    ApiKey,
    PartnerLink,
    Role,
    SettingChange,
    Store,
    Tenant,
    User,
    WebhookDelivery,
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
def partner_link_accounts(*, user: User, accounts: list[Account]) -> list[PartnerLink]:
    """Link a partner user to merchant accounts of its tenant (links it has stay as they are)."""
    if user.role != Role.PARTNER:
        raise ValidationFailed("Only partner users work for several accounts.", errors={"user": ["Not a partner."]})
    if user.tenant_id is None or any(account.tenant_id != user.tenant_id for account in accounts):
        raise ValidationFailed("No such account.", errors={"accounts": ["Not found."]})
    return [
        PartnerLink.objects.get_or_create(tenant_id=user.tenant_id, user=user, account=account)[0]
        for account in accounts
    ]


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
def store_create(*, account: Account, name: str, url: str, **monitoring: Any) -> Store:
    """A store; `monitoring` may set health_url, check_interval_seconds and failure_threshold."""
    unknown = sorted(set(monitoring) - set(STORE_EDITABLE))
    if unknown:
        raise ValidationFailed("Unknown store fields.", errors={name: ["Unknown field."] for name in unknown})
    store = Store(tenant_id=account.tenant_id, account=account, name=name, url=url)
    return _store_save(store, monitoring)


STORE_EDITABLE = ("account", "name", "url", "health_url", "check_interval_seconds", "failure_threshold")


@transaction.atomic
def store_update(*, store: Store, changes: dict[str, Any]) -> Store:
    """Change a store's details or monitoring; a new health URL or interval is checked next sweep."""
    unknown = sorted(set(changes) - set(STORE_EDITABLE))
    if unknown:
        raise ValidationFailed("These fields cannot be changed.", errors={name: ["Not editable."] for name in unknown})
    if "account" in changes and changes["account"].tenant_id != store.tenant_id:
        raise ValidationFailed("No such account.", errors={"account": ["Not found."]})
    locked = (
        Store.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(tenant_id=store.tenant_id)
        .get(pk=store.pk)
    )
    return _store_save(locked, changes)


def _store_save(store: Store, changes: dict[str, Any]) -> Store:
    for name, value in changes.items():
        setattr(store, name, value)
    if "health_url" in changes or "check_interval_seconds" in changes:
        store.next_check_at = None  # due at the next sweep
    if changes.get("health_url"):
        try:
            outbound_http.check_url(store.health_url)
        except outbound_http.RefusedURL as refusal:
            raise ValidationFailed(refusal.message, errors={"health_url": [refusal.message]}) from None
    if not store.health_url:
        store.consecutive_failures, store.outage_open, store.last_status = 0, False, ""
    try:
        # The account was resolved in the tenant already; checking it again would read it unscoped.
        store.full_clean(exclude=["tenant", "account"], validate_unique=False)
    except DjangoValidationError as invalid:
        raise ValidationFailed("The store was not saved.", errors=invalid.message_dict) from None
    namesakes = Store.objects.filter(tenant_id=store.tenant_id).filter(account=store.account, name=store.name)
    if namesakes.exclude(pk=store.pk).exists():
        raise ValidationFailed(
            f"{store.account.name} has a store “{store.name}” already.", errors={"name": ["Already in use."]}
        )
    store.save()
    return store


API_KEY_PREFIX = "hk_"


def api_key_hash(raw: str) -> str:
    """Keys carry 190 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, user: User, name: str = "", expires_at: datetime | None = None, actor: User | None = None
) -> tuple[ApiKey, str]:
    """A new key for `user`; returns the row and the key itself, which is shown once (and never
    recorded: the settings history names the key by its prefix)."""
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
    if actor is not None and user.tenant is not None:
        setting_change_record(
            tenant=user.tenant, actor=actor, area="api-keys", label=f"API key hk_{prefix}_…", after=_key_values(key)
        )
    return key, raw


def _key_values(key: ApiKey) -> dict[str, object]:
    expires = timezone.localtime(key.expires_at).strftime("%-d %b %Y") if key.expires_at else "never"
    return {"Acts as": key.user.email, "Used by": key.name, "Expires": expires}


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User) -> ApiKey:
    if actor.tenant_id != key.tenant_id or not (actor.role == Role.ADMIN or actor.pk == key.user_id):
        raise ValidationFailed("No such API key.", errors={})
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        setting_change_record(
            tenant=key.tenant,
            actor=actor,
            area="api-keys",
            label=f"API key hk_{key.prefix}_…",
            before={"State": "active"},
            after={"State": "revoked"},
        )
    return key


def _webhook_checked(url: str, events: list[str]) -> None:
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


def _webhook_values(endpoint: WebhookEndpoint) -> dict[str, object]:
    """What the history shows of a webhook: never its signing secret."""
    return {"URL": endpoint.url, "Events": list(endpoint.events), "State": "active" if endpoint.is_active else "paused"}


@transaction.atomic
def webhook_endpoint_create(
    *, tenant: Tenant, url: str, events: list[str], actor: User | None = None
) -> WebhookEndpoint:
    _webhook_checked(url, events)
    endpoint = WebhookEndpoint.objects.create(tenant=tenant, url=url, events=events, secret=secrets.token_hex(32))
    setting_change_record(
        tenant=tenant, actor=actor, area="webhooks", label=f"Webhook {url}", after=_webhook_values(endpoint)
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], actor: User | None = None
) -> WebhookEndpoint:
    """Change where a webhook posts and which events it gets; deliveries already queued keep
    going to the endpoint (its new URL), the secret stays."""
    _webhook_checked(url, events)
    before = _webhook_values(endpoint)
    endpoint.url, endpoint.events = url, events
    endpoint.save(update_fields=["url", "events"])
    setting_change_record(
        tenant=endpoint.tenant,
        actor=actor,
        area="webhooks",
        label=f"Webhook {url}",
        before=before,
        after=_webhook_values(endpoint),
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_set_active(
    *, endpoint: WebhookEndpoint, active: bool, actor: User | None = None
) -> WebhookEndpoint:
    """Pause (no new deliveries are queued for it) or resume a webhook."""
    before = _webhook_values(endpoint)
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    setting_change_record(
        tenant=endpoint.tenant,
        actor=actor,
        area="webhooks",
        label=f"Webhook {endpoint.url}",
        before=before,
        after=_webhook_values(endpoint),
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: User | None = None) -> int:
    """Remove a webhook together with its delivery log (the log carries case data sent to that
    URL and has no use without it); returns how many deliveries went with it. The settings
    history keeps the record of the webhook."""
    setting_change_record(
        tenant=endpoint.tenant,
        actor=actor,
        area="webhooks",
        label=f"Webhook {endpoint.url}",
        before=_webhook_values(endpoint),
    )
    # Plain DELETEs with the tenant in their condition: Django's cascade would read and delete the
    # deliveries by endpoint alone. Replays point only at deliveries of the same endpoint.
    deliveries = WebhookDelivery.objects.for_tenant(endpoint.tenant).filter(endpoint=endpoint)
    removed = deliveries._raw_delete(deliveries.db)
    endpoints = WebhookEndpoint.objects.for_tenant(endpoint.tenant).filter(pk=endpoint.pk)
    endpoints._raw_delete(endpoints.db)
    return removed


def setting_change_record(
    *,
    tenant: Tenant,
    actor: User | None,
    area: str,
    label: str,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    action: str | None = None,
) -> SettingChange | None:
    """Record one change to a tenant setting, inside the caller's transaction.

    `before` and `after` map each field's label to its value as the admin sees it (say
    ``{"Time zone": "Australia/Sydney"}``); only the fields that differ are kept. With no `before`
    the setting was created, with no `after` removed; `action` overrides that (e.g. "published").
    A save that changed nothing records nothing and returns None."""
    before, after = dict(before or {}), dict(after or {})
    if action is None:
        action = SettingChange.Action.CREATED if not before else SettingChange.Action.CHANGED
        action = SettingChange.Action.REMOVED if not after else action
    changes = [
        {"field": field, "before": _setting_text(before.get(field)), "after": _setting_text(after.get(field))}
        for field in dict.fromkeys([*before, *after])
        if _setting_text(before.get(field)) != _setting_text(after.get(field))
    ]
    if not changes and action == SettingChange.Action.CHANGED:
        return None
    return SettingChange.objects.create(
        tenant=tenant, actor=actor, area=area, action=action, label=label[:200], changes=changes
    )


def _setting_text(value: object) -> str:
    """A setting's value as one line of text: lists joined, nothing as an empty string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_setting_text(item) for item in value)
    return str(value)


BRANDING_LABELS = {
    "name": "Name shown",
    "brand_colour": "Brand colour",
    "support_phone_numbers": "Support numbers",
    "senior_management_email": "Senior-management address",
    "logo": "Logo",
}


@transaction.atomic
def tenant_branding_update(
    *,
    tenant: Tenant,
    actor: User,
    changes: Mapping[str, Any],
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Tenant:
    """Change the tenant's name, colour, support numbers, senior-management address and logo
    (`logo` replaces it, `remove_logo` clears it), recording the change in the settings history."""
    unknown = sorted(set(changes) - (set(BRANDING_LABELS) - {"logo"}))
    if unknown:
        raise ValidationFailed("These fields cannot be changed.", errors={name: ["Not editable."] for name in unknown})
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = _branding_values(locked)
    old_logo = locked.logo.name
    for name, value in changes.items():
        setattr(locked, name, value)
    if logo is not None:
        try:
            locked.logo_content_type = logo_content_type(logo)
        except DjangoValidationError as invalid:
            raise ValidationFailed(invalid.messages[0], errors={"logo": invalid.messages}) from None
        locked.logo.save(logo.name or "logo", logo, save=False)
    elif remove_logo:
        locked.logo, locked.logo_content_type = "", ""
    try:
        locked.full_clean(exclude=["slug", "logo"], validate_unique=False)
    except DjangoValidationError as invalid:
        raise ValidationFailed("The branding was not saved.", errors=invalid.message_dict) from None
    locked.save()
    if old_logo and old_logo != locked.logo.name:
        storage = locked.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    setting_change_record(
        tenant=locked, actor=actor, area="branding", label="Branding", before=before, after=_branding_values(locked)
    )
    return locked


def _branding_values(tenant: Tenant) -> dict[str, object]:
    values: dict[str, object] = {label: getattr(tenant, name) for name, label in BRANDING_LABELS.items()}
    # Each upload has a new random name, so a replaced logo reads as a change even of the same kind.
    name = (tenant.logo.name or "").rsplit("/", 1)[-1][:8]
    values["Logo"] = f"{tenant.logo_content_type} image {name}" if tenant.logo else ""
    return values
