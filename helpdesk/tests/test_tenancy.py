"""The scoping mechanism, and the guard that proves requests go through it."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from helpdesk.errors import NotFound
from helpdesk.models import Account, Store, User
from helpdesk.selectors import account_list, staff_list, store_list
from helpdesk.tenancy import Scope, get_for_scope_or_404, scope_for_user
from tests.support.guard import TenantSqlGuard, unscoped_tables

pytestmark = pytest.mark.django_db


def test_for_tenant_refuses_to_build_an_unscoped_query(world):
    with pytest.raises(ValueError, match="unscoped"):
        Account.objects.for_tenant(None)


def test_scope_of_a_merchant_carries_its_account(world):
    scope = scope_for_user(world.merchant_a1)
    assert scope.tenant == world.tenant_a and scope.account == world.account_a1 and scope.is_merchant
    staff_scope = scope_for_user(world.analyst_a)
    assert staff_scope.account is None and not staff_scope.is_merchant


def test_selectors_see_only_their_scope(world):
    merchant = scope_for_user(world.merchant_a1)
    analyst_a = scope_for_user(world.analyst_a)
    analyst_b = scope_for_user(world.analyst_b)
    assert list(account_list(scope=merchant)) == [world.account_a1]
    assert set(account_list(scope=analyst_a)) == {world.account_a1, world.account_a2}
    assert list(account_list(scope=analyst_b)) == [world.account_b1]
    assert {s.account_id for s in store_list(scope=merchant)} == {world.account_a1.pk}
    assert {s.account_id for s in store_list(scope=analyst_a)} == {world.account_a1.pk, world.account_a2.pk}
    assert world.analyst_b not in staff_list(scope=analyst_a)
    assert set(staff_list(scope=analyst_a)) == {world.admin_a, world.manager_a, world.analyst_a}


def test_another_tenants_object_answers_exactly_like_a_missing_one(world):
    scope = scope_for_user(world.analyst_a)
    with pytest.raises(NotFound) as other_tenant:
        get_for_scope_or_404(Account.objects, scope, pk=world.account_b1.pk)
    with pytest.raises(NotFound) as missing:
        get_for_scope_or_404(Account.objects, scope, pk=10**9)
    assert other_tenant.value.message == missing.value.message
    merchant = scope_for_user(world.merchant_a1)
    with pytest.raises(NotFound):
        get_for_scope_or_404(Store.objects, merchant, account=world.account_a2)


def test_the_guard_spots_a_bare_query_and_passes_a_scoped_one():
    guarded = {"helpdesk_account"}
    bare = 'SELECT "helpdesk_account"."id" FROM "helpdesk_account" WHERE "helpdesk_account"."slug" = %s'
    scoped = bare + ' AND "helpdesk_account"."tenant_id" = %s'
    join_only = (
        'SELECT "helpdesk_account"."id" FROM "helpdesk_account" INNER JOIN "helpdesk_tenant" '
        'ON ("helpdesk_account"."tenant_id" = "helpdesk_tenant"."id") WHERE "helpdesk_tenant"."slug" = %s'
    )
    assert unscoped_tables(bare, guarded) == {"helpdesk_account"}
    assert unscoped_tables(scoped, guarded) == set()
    assert unscoped_tables(join_only, guarded) == {"helpdesk_account"}
    assert unscoped_tables('INSERT INTO "helpdesk_account" VALUES (%s)', guarded) == set()


def _leaky_view(request):
    return HttpResponse(", ".join(a.name for a in Account.objects.all()))


def _scoped_view(request):
    return HttpResponse(", ".join(a.name for a in Account.objects.for_scope(request.scope)))


urlpatterns = [path("leaky/", _leaky_view), path("scoped/", _scoped_view)]


@pytest.mark.no_tenant_guard
@override_settings(ROOT_URLCONF=__name__)
def test_the_guard_fails_a_request_that_forgets_the_tenant(client, world):
    guard = TenantSqlGuard()
    client.force_login(world.analyst_a)
    client.raise_request_exception = True
    with guard.installed():
        assert client.get("/scoped/").status_code == 200
        assert guard.violations == []
        with pytest.raises(AssertionError, match="without a tenant condition"):
            client.get("/leaky/")
    assert len(guard.violations) == 1


def test_user_queries_are_scoped_too(world):
    assert set(User.objects.for_scope(scope_for_user(world.merchant_a1))) == {world.merchant_a1}


def test_scope_is_immutable(world):
    scope = scope_for_user(world.analyst_a)
    assert isinstance(scope, Scope)
    with pytest.raises(AttributeError):
        scope.tenant = world.tenant_b
