"""The demo data set: two tenants from the seed presets, their staff, accounts, users, stores and
cases (see demo.cases)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from demo.cases import seed_demo_cases
from demo.history import CASES_PER_TENANT, has_history, seed_history
from helpdesk.models import Account, Role, Store, Tenant, User
from helpdesk.services import account_create, partner_link_accounts, store_create, user_create
from sla.presets import MAGENTO_OMS, STORECONNECT, Preset
from tickets.models import Plan
from tickets.services import preset_apply

DEMO_PASSWORD = "demo12345"  # noqa: S105  # nosec B105  # the documented demo password
STAFF = [
    ("admin", Role.ADMIN, "Alex Admin"),
    ("manager", Role.MANAGER, "Morgan Manager"),
    ("analyst", Role.ANALYST, "Ana Analyst"),
    ("analyst2", Role.ANALYST, "Sam Second"),
]


@dataclass(frozen=True)
class DemoAccount:
    slug: str
    name: str
    plan: str
    contact_name: str
    store: str
    cc: tuple[str, ...] = ()
    health: str = ""  # "up" or "down": the store's health URL (HEALTH_URLS), empty: not monitored


@dataclass(frozen=True)
class DemoPartner:
    email: str
    name: str
    accounts: tuple[str, ...]  # slugs


# The demo's monitored stores need no internet: a green one checks the product's own liveness
# probe (`make demo` serves it on 127.0.0.1:8000), a red one a local port nothing listens on, so
# after three failed checks beat opens its availability case. (Development allows local addresses.)
HEALTH_URLS = {"up": "http://127.0.0.1:8000/healthz", "down": "http://127.0.0.1:9/healthz"}


@dataclass(frozen=True)
class DemoTenant:
    preset: Preset
    senior_management_email: str
    accounts: tuple[DemoAccount, ...]
    partners: tuple[DemoPartner, ...] = ()


DEMO_TENANTS = (
    DemoTenant(
        STORECONNECT,
        "leadership@storeconnect.test",
        (
            DemoAccount(
                "harbour-homewares",
                "Harbour Homewares",
                "Flagship",
                "Hannah Harbour",
                "harbourhomewares.example",
                ("ops@harbour-homewares.test",),
            ),
            DemoAccount("bondi-bakes", "Bondi Bakes", "Emporium", "Ben Baker", "bondibakes.example", health="up"),
            DemoAccount("koala-kitchen", "Koala Kitchen", "Boutique", "Kim Koala", "koalakitchen.example"),
            DemoAccount("popup-pals", "Pop-Up Pals", "Pop-Up", "Pat Pal", "popuppals.example", health="down"),
        ),
        (DemoPartner("partner@storeconnect.test", "Priya Partner", ("bondi-bakes", "koala-kitchen")),),
    ),
    DemoTenant(
        MAGENTO_OMS,
        "senior-management@magento-oms.test",
        (
            DemoAccount(
                "acme-retail",
                "Acme Retail",
                "Standard",
                "Avery Acme",
                "acme-retail.example",
                ("it-support@acme-retail.test",),
                health="up",
            ),
            DemoAccount(
                "globex-outfitters",
                "Globex Outfitters",
                "Standard",
                "Gale Globex",
                "globex-outfitters.example",
                health="down",
            ),
        ),
    ),
)


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, what it is) for every demo login, in the order `make demo` prints them."""
    logins = []
    for demo in DEMO_TENANTS:
        slug = demo.preset.slug
        logins += [(f"{prefix}@{slug}.test", f"{role.label}, {demo.preset.name}") for prefix, role, _ in STAFF]
        logins += [(f"merchant@{a.slug}.test", f"merchant, {a.name} ({a.plan})") for a in demo.accounts]
        logins += [(p.email, f"partner for {', '.join(p.accounts)}") for p in demo.partners]
    return logins


class DemoPassword:
    """The demo password, hashed once per seeding and given to each new demo user: hashing takes
    most of a second (PBKDF2), fifteen times over. The users share the hash (and its salt), as
    they share the documented password."""

    def __init__(self) -> None:
        self._hash: str | None = None

    def give(self, user: User) -> None:
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        user.password = self._hash
        user.save(update_fields=["password"])


@transaction.atomic
def seed_demo() -> None:
    """Create what is missing; leave what exists alone (running it twice changes nothing)."""
    password = DemoPassword()
    for demo in DEMO_TENANTS:
        tenant = _tenant(demo)
        preset_apply(tenant=tenant, preset=demo.preset)
        for prefix, role, name in STAFF:
            email = f"{prefix}@{tenant.slug}.test"
            if not User.objects.filter(email=email).exists():
                password.give(user_create(tenant=tenant, email=email, role=role, full_name=name))
        for spec in demo.accounts:
            _account(tenant, spec, password)
        for partner in demo.partners:
            _partner(tenant, partner, password)
        seed_demo_cases(tenant=tenant)


def seed_demo_history(*, now: datetime | None = None, cases: int = CASES_PER_TENANT) -> dict[str, float | None]:
    """About 90 days of past cases per demo tenant (demo.history), once: a tenant that has them
    is left alone. Apart from `seed_demo` because it writes a few thousand rows (`seed_demo
    --history`). Returns the seconds each tenant's history took (None: it had one already)."""
    now = now or timezone.now()
    took: dict[str, float | None] = {}
    for demo in DEMO_TENANTS:
        tenant = Tenant.objects.get(slug=demo.preset.slug)
        if has_history(tenant=tenant, now=now):
            took[tenant.slug] = None
            continue
        staff = User.objects.for_tenant(tenant)
        analysts = (staff.get(email=f"analyst@{tenant.slug}.test"), staff.get(email=f"analyst2@{tenant.slug}.test"))
        with transaction.atomic():
            took[tenant.slug] = seed_history(tenant=tenant, analysts=analysts, now=now, cases=cases)
    return took


def _partner(tenant: Tenant, spec: DemoPartner, password: DemoPassword) -> None:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = user_create(tenant=tenant, email=spec.email, role=Role.PARTNER, full_name=spec.name)
        password.give(user)
    accounts = [Account.objects.for_tenant(tenant).get(slug=slug) for slug in spec.accounts]
    partner_link_accounts(user=user, accounts=accounts)


def _tenant(demo: DemoTenant) -> Tenant:
    preset = demo.preset
    tenant, _ = Tenant.objects.get_or_create(
        slug=preset.slug,
        defaults={
            "name": preset.name,
            "time_zone": preset.time_zone,
            "case_number_prefix": preset.case_number_prefix,
            "support_phone_numbers": preset.support_phone_numbers,
            "senior_management_email": demo.senior_management_email,
        },
    )
    return tenant


def _account(tenant: Tenant, spec: DemoAccount, password: DemoPassword) -> Account:
    account = Account.objects.for_tenant(tenant).filter(slug=spec.slug).first()
    if account is None:
        account = account_create(
            tenant=tenant,
            slug=spec.slug,
            name=spec.name,
            plan=Plan.objects.for_tenant(tenant).get(name=spec.plan),
            contact_email=f"merchant@{spec.slug}.test",
            contact_name=spec.contact_name,
            cc_addresses=list(spec.cc),
        )
        if account.technical_contact is not None:
            password.give(account.technical_contact)
    if not Store.objects.for_tenant(tenant).filter(account=account, name=spec.name).exists():
        monitoring = {"health_url": HEALTH_URLS[spec.health], "check_interval_seconds": 60} if spec.health else {}
        store_create(account=account, name=spec.name, url=f"https://{spec.store}/", **monitoring)
    return account
