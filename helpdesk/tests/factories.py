"""Builders of platform rows for tests, going through the services like real callers do."""

from __future__ import annotations

import itertools

from helpdesk.models import Account, Role, Tenant, User
from helpdesk.services import account_create, store_create, user_create
from tickets.models import Plan

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_tenant(slug: str | None = None, **fields: object) -> Tenant:
    n = next(_seq)
    slug = slug or f"tenant-{n}"
    defaults = {"name": slug.replace("-", " ").title(), "time_zone": "Australia/Sydney", "case_number_prefix": "T"}
    tenant = Tenant.objects.create(slug=slug, **{**defaults, **fields})
    Plan.objects.create(tenant=tenant, name="Gold", rank=1)
    Plan.objects.create(tenant=tenant, name="Silver", rank=2)
    return tenant


def make_account(tenant: Tenant, slug: str | None = None, plan: str = "Gold") -> Account:
    slug = slug or f"account-{next(_seq)}"
    account = account_create(
        tenant=tenant,
        slug=slug,
        name=slug.replace("-", " ").title(),
        plan=Plan.objects.for_tenant(tenant).get(name=plan),
        contact_email=f"merchant@{slug}.test",
        contact_name=f"Contact of {slug}",
        contact_password=PASSWORD,
    )
    store_create(account=account, name=f"{account.name} store", url=f"https://{slug}.example/")
    return account


def make_staff(tenant: Tenant, role: str = Role.ANALYST, email: str | None = None) -> User:
    email = email or f"{role}-{next(_seq)}@{tenant.slug}.test"
    return user_create(
        tenant=tenant, email=email, role=role, full_name=f"{role.title()} {tenant.slug}", password=PASSWORD
    )
