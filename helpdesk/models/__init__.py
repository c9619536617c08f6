"""Platform models, one module per kind: `tenants` (tenants, merchant accounts, stores), `users`
(users; their `Role` is defined in `helpdesk.roles` with the role sets), `api_keys` (API keys,
idempotency records), `outbox` (outgoing e-mail), `settings_history` (who changed which setting)
and `webhooks` (endpoints and deliveries).
Everything is re-exported here, so `from helpdesk.models import X` is the one way to import them;
Django's app label stays `helpdesk`, so the tables and migrations are those of the single module
this package replaced."""

from __future__ import annotations

from helpdesk.models.api_keys import ApiKey, IdempotencyRecord
from helpdesk.models.outbox import OutboxMessage, OutboxStatus
from helpdesk.models.settings_history import SETTING_AREAS, SettingChange
from helpdesk.models.tenants import Account, Store, Tenant
from helpdesk.models.users import PartnerLink, User, UserManager, UserQuerySet
from helpdesk.models.webhooks import WEBHOOK_EVENTS, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from helpdesk.roles import Role

__all__ = [
    "SETTING_AREAS",
    "WEBHOOK_EVENTS",
    "Account",
    "ApiKey",
    "DeliveryStatus",
    "IdempotencyRecord",
    "OutboxMessage",
    "OutboxStatus",
    "PartnerLink",
    "Role",
    "SettingChange",
    "Store",
    "Tenant",
    "User",
    "UserManager",
    "UserQuerySet",
    "WebhookDelivery",
    "WebhookEndpoint",
]
