"""The Django admin of the platform core. `scoping` holds what every app's admin shares (the
tenant-scoped ModelAdmin and inline, and the admin's tenant choices); `platform` registers the
core's models: tenants (superusers only) and, scoped per tenant, accounts, stores, users and the
outbox. Django's autodiscovery imports this package, which imports `platform` to register them."""

from __future__ import annotations

from helpdesk.admin import platform
from helpdesk.admin.scoping import TenantScopedAdmin, TenantScopedInline, save_inline_rows

__all__ = ["TenantScopedAdmin", "TenantScopedInline", "platform", "save_inline_rows"]
