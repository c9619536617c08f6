"""Roles, and the sets of roles that pages, API views, services and forms check, defined once.

A check names one of these sets (`scope.role in MANAGING_ROLES`, `require_scope(STAFF_ROLES)`,
`allowed_roles = MANAGING_ROLES`) rather than spelling its members again, so who may do what
changes in one place. `tests/test_layout.py` fails on a literal set or tuple of roles elsewhere."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    MERCHANT = "merchant", "Merchant"
    PARTNER = "partner", "Partner"
    ANALYST = "analyst", "Support analyst"
    MANAGER = "manager", "Support manager"
    ADMIN = "admin", "Tenant admin"


# Support staff: the queue, staff case actions, staff-only comments and the staff API.
STAFF_ROLES = frozenset({Role.ANALYST, Role.MANAGER, Role.ADMIN})
# Staff who keep weekly shift hours (auto-assignment, the on-shift dot, hand-offs): analysts, managers.
SHIFT_ROLES = frozenset({Role.ANALYST, Role.MANAGER})
# Managers and tenant admins: escalations, survey follow-ups, the compliance report.
MANAGING_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
# Tenant admins: settings pages (API keys, webhooks, SLA targets) and the scoped Django admin.
ADMIN_ROLES = frozenset({Role.ADMIN})
# Customer users: merchants (one account) and partners (the accounts they are linked to): the
# portal, opening cases for their accounts, confirming resolutions, the customer view of a case.
MERCHANT_ROLES = frozenset({Role.MERCHANT, Role.PARTNER})
# Users who belong to one account (its page of plan, contacts and stores): merchants.
ACCOUNT_HOLDER_ROLES = frozenset({Role.MERCHANT})
