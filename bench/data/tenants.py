"""The generator's tenants: the demo's two (seed_demo, unchanged; StoreConnect is the heavy one and
gets a few more accounts) and ten more, `bench-01` … `bench-10`, made through the services: a preset
(calendars, plans, priorities, SLA policy), staff and merchant accounts across the plans. Then each
tenant's shape: what its generated cases are made from."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bench.data.rows import Account, Priority, TenantShape

HEAVY = "storeconnect"
BENCH_TENANTS = 10
ACCOUNTS = 24
ANALYSTS = 4
# Cases by priority rank: few at the top level, most in the middle ones.
PRIORITY_WEIGHTS = (5, 17, 48, 30, 10, 10)
SHOP_WORDS = ("Harbour", "Koala", "Summit", "Pacific", "Golden", "Urban", "Coastal", "Northern", "Maple", "Cedar")
SHOP_KINDS = ("Homewares", "Outfitters", "Bakery", "Books", "Garden", "Cycles", "Pets", "Toys", "Tea", "Shoes")


def bench_slug(n: int) -> str:
    return f"bench-{n:02d}"


def ensure_tenants() -> list[Any]:
    """The heavy tenant first, then bench-01 … bench-10; made once (a second call changes nothing)."""
    from django.db import transaction

    from demo.seed import seed_demo
    from helpdesk.models import Tenant

    seed_demo()
    heavy = Tenant.objects.get(slug=HEAVY)
    with transaction.atomic():
        _accounts(heavy, "sc", 12)
    tenants = [heavy]
    for n in range(1, BENCH_TENANTS + 1):
        with transaction.atomic():
            tenants.append(_bench_tenant(n))
    return tenants


def _bench_tenant(n: int) -> Any:
    from demo.seed import DEMO_PASSWORD
    from helpdesk.models import Role, Tenant, User
    from helpdesk.services import user_create
    from sla.presets import MAGENTO_OMS, STORECONNECT
    from tickets.services import preset_apply

    preset = STORECONNECT if n % 3 else MAGENTO_OMS  # two of three with four plans, one with one
    slug = bench_slug(n)
    tenant, _ = Tenant.objects.get_or_create(
        slug=slug,
        defaults={
            "name": f"Bench {n:02d} Commerce",
            "time_zone": preset.time_zone,
            "case_number_prefix": f"B{n:02d}",
            "support_phone_numbers": preset.support_phone_numbers,
            "senior_management_email": f"leadership@{slug}.test",
        },
    )
    preset_apply(tenant=tenant, preset=preset)
    staff = [("admin", Role.ADMIN), ("manager", Role.MANAGER)]
    staff += [(f"analyst{k}" if k else "analyst", Role.ANALYST) for k in range(ANALYSTS)]
    for prefix, role in staff:
        email = f"{prefix}@{slug}.test"
        if not User.objects.filter(email=email).exists():
            user_create(tenant=tenant, email=email, role=role, full_name=prefix.title(), password=DEMO_PASSWORD)
    _accounts(tenant, slug, ACCOUNTS)
    return tenant


def _accounts(tenant: Any, prefix: str, count: int) -> None:
    """`count` merchant accounts, more of them on the lower plans, each with its merchant login."""
    from demo.seed import DEMO_PASSWORD
    from helpdesk.models import Account as AccountModel
    from helpdesk.services import account_create
    from tickets.models import Plan

    plans = list(Plan.objects.for_tenant(tenant).order_by("rank"))
    for k in range(count):
        slug = f"{prefix}-shop-{k:02d}"
        if AccountModel.objects.for_tenant(tenant).filter(slug=slug).exists():
            continue
        plan = plans[min(len(plans) - 1, (k * k) % (len(plans) + 2))]  # top tier rarest
        name = f"{SHOP_WORDS[k % 10]} {SHOP_KINDS[(k // 10 + k) % 10]} {k:02d}"
        account_create(
            tenant=tenant,
            slug=slug,
            name=name,
            plan=plan,
            contact_email=f"merchant@{slug}.test",
            contact_name=f"{name} owner",
            contact_password=DEMO_PASSWORD,
        )


def _calendars(tenant: Any) -> dict[int, tuple[timedelta, float]]:
    from sla.calendar_cache import load_calendar
    from sla.models import Calendar

    found = {}
    for calendar in Calendar.objects.for_tenant(tenant):
        load_calendar(calendar)  # now, so that the processes writing rows never need the database
        open_days = [day for day, spans in calendar.hours.items() if spans]
        minutes = sum(_minutes(end) - _minutes(start) for spans in calendar.hours.values() for start, end in spans)
        hours = max(minutes / 60, 1.0)
        found[calendar.pk] = (timedelta(hours=hours / max(len(open_days), 1)), 168 / hours)
    return found


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def shape_of(tenant: Any) -> TenantShape:
    from helpdesk.models import Account as AccountModel
    from helpdesk.models import Role, User
    from sla.models import SlaPolicy, SlaTarget
    from tickets.models import Priority as PriorityModel

    priorities = list(PriorityModel.objects.for_tenant(tenant).order_by("rank"))
    accounts = AccountModel.objects.for_tenant(tenant).order_by("pk")
    policy = SlaPolicy.objects.for_tenant(tenant).order_by("-version").first()
    targets = SlaTarget.objects.for_tenant(tenant).filter(policy=policy).select_related("calendar")
    analysts = User.objects.for_tenant(tenant).filter(role=Role.ANALYST, is_active=True).order_by("pk")
    # Some accounts open far more cases than others: account k is listed about 6/sqrt(k+1) times.
    weighted = [
        Account(a.pk, a.plan_id, a.technical_contact_id)
        for k, a in enumerate(accounts)
        if a.technical_contact_id is not None
        for _ in range(max(1, round(6 / (k + 1) ** 0.5)))
    ]
    return TenantShape(
        tenant_id=tenant.pk,
        zone=tenant.time_zone,
        prefix=tenant.case_number_prefix,
        policy_id=policy.pk if policy else None,
        share=policy.at_risk_share if policy else tenant.at_risk_share,
        priorities=[
            (Priority(p.pk, p.name, p.worked_first), PRIORITY_WEIGHTS[min(k, len(PRIORITY_WEIGHTS) - 1)])
            for k, p in enumerate(priorities)
        ],
        accounts=weighted,
        analysts=list(analysts.values_list("pk", "email")),
        targets={(t.plan_id, t.priority_id, t.metric): t for t in targets},
        calendars=_calendars(tenant),
    )
