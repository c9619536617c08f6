"""Fixtures shared by every app's tests: two tenants with actors, and the tenant SQL guard."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpdesk.models import Account, Role, Tenant, User
from helpdesk.tests.factories import PASSWORD, make_account, make_staff, make_tenant
from tests.support.guard import TenantSqlGuard


@pytest.fixture(autouse=True)
def tenant_sql_guard(request: pytest.FixtureRequest):
    if request.node.get_closest_marker("no_tenant_guard"):
        yield None
        return
    guard = TenantSqlGuard()
    with guard.installed():
        yield guard
    assert not guard.violations, guard.violations  # nosec B101  # pytest reports a failed assert


@pytest.fixture(autouse=True)
def signin_limits_cleared():
    """Sign-in and reset counters live in Redis, which outlives each test's rolled-back database:
    start every test with none, so tests that sign in (or fail to) many times stay independent."""
    _clear_signin_limits()
    yield
    _clear_signin_limits()


def _clear_signin_limits() -> None:
    from django.conf import settings
    from django.core.cache import cache

    from helpdesk.signin_limits import KEY_PREFIX

    if not settings.REDIS_URL:
        cache.clear()  # per-process memory: nothing else lives there
        return
    import redis  # the broker shares this database, so only our keys go, never FLUSHDB

    client = _redis_clients.setdefault(settings.REDIS_URL, redis.Redis.from_url(settings.REDIS_URL))
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")  # one per parallel test worker
    keys = list(client.scan_iter(match=f"{prefix}:*:{KEY_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


_redis_clients: dict = {}


@dataclass
class World:
    """Tenant A with two accounts, tenant B with one; staff of every role in both."""

    tenant_a: Tenant
    tenant_b: Tenant
    account_a1: Account
    account_a2: Account
    account_b1: Account
    admin_a: User
    manager_a: User
    analyst_a: User
    admin_b: User
    manager_b: User
    analyst_b: User
    password: str = PASSWORD

    @property
    def merchant_a1(self) -> User:
        return self.account_a1.technical_contact

    @property
    def merchant_a2(self) -> User:
        return self.account_a2.technical_contact

    @property
    def merchant_b1(self) -> User:
        return self.account_b1.technical_contact


@pytest.fixture
def world(db) -> World:
    tenant_a = make_tenant("tenant-a", name="Tenant A Support", case_number_prefix="TA")
    tenant_b = make_tenant("tenant-b", name="Tenant B Support", case_number_prefix="TB")
    return World(
        tenant_a=tenant_a,
        tenant_b=tenant_b,
        account_a1=make_account(tenant_a, "alpha-one"),
        account_a2=make_account(tenant_a, "alpha-two", plan="Silver"),
        account_b1=make_account(tenant_b, "bravo-one"),
        admin_a=make_staff(tenant_a, Role.ADMIN, "admin@tenant-a.test"),
        manager_a=make_staff(tenant_a, Role.MANAGER, "manager@tenant-a.test"),
        analyst_a=make_staff(tenant_a, Role.ANALYST, "analyst@tenant-a.test"),
        admin_b=make_staff(tenant_b, Role.ADMIN, "admin@tenant-b.test"),
        manager_b=make_staff(tenant_b, Role.MANAGER, "manager@tenant-b.test"),
        analyst_b=make_staff(tenant_b, Role.ANALYST, "analyst@tenant-b.test"),
    )


@pytest.fixture
def setup_a(world):
    """Tenant A with an office calendar, priorities Urgent/Normal/Low and a policy (tickets.tests.factories)."""
    from tickets.tests.factories import setup_case_tenant

    return setup_case_tenant(world.tenant_a)


@pytest.fixture
def setup_b(world):
    from tickets.tests.factories import setup_case_tenant

    return setup_case_tenant(world.tenant_b)
