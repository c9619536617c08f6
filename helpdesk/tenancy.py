"""Tenancy: the one place where the current tenant is resolved and tenant data is scoped.

A request's *scope* is (tenant, user, account): account is set for merchants, whose view of the
tenant is further limited to their own account. Tenant-owned models inherit `TenantOwned`; their
querysets offer `for_tenant(tenant)` and `for_scope(scope)`, and selectors start from one of those.
Another tenant's object is simply not in the queryset, so it answers exactly like a missing one.
"""

from __future__ import annotations

import contextvars
import zoneinfo
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from helpdesk import rls
from helpdesk.drafts import draft_keep
from helpdesk.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from helpdesk.models import Account, Tenant, User


@dataclass(frozen=True)
class Scope:
    tenant: Tenant
    user: User
    account: Account | None  # set for merchants only

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def is_merchant(self) -> bool:
        return self.account is not None

    @property
    def time_zone(self) -> str:
        return self.user.time_zone or (self.account.time_zone if self.account else "") or self.tenant.time_zone


_current_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("current_scope", default=None)


def current_scope() -> Scope | None:
    """The scope bound to the running request, if any (used by logging and the test guard)."""
    return _current_scope.get()


def _database_sees(scope: Scope | None) -> None:
    """Row-level security follows the bound scope: its tenant's rows, or none (helpdesk.rls)."""
    rls.set_tenant(scope.tenant.pk if scope is not None else None)


def bind_scope(scope: Scope | None) -> contextvars.Token:
    """Bind a scope until unbind_scope(token) (for views that cannot use the context manager)."""
    token = _current_scope.set(scope)
    _database_sees(scope)
    return token


def unbind_scope(token: contextvars.Token) -> None:
    _current_scope.reset(token)
    _database_sees(_current_scope.get())


@contextmanager
def bind(scope: Scope | None) -> Iterator[None]:
    token = bind_scope(scope)
    try:
        yield
    finally:
        unbind_scope(token)


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        if tenant is None or tenant.pk is None:
            raise ValueError("for_tenant() needs a saved tenant; refusing to build an unscoped query.")
        return self.filter(tenant_id=tenant.pk)

    def for_scope(self, scope: Scope) -> TenantQuerySet:
        """Tenant rows; for a merchant, only rows of their own account (where the model has one)."""
        queryset = self.for_tenant(scope.tenant)
        account_field = getattr(self.model, "account_scope_field", None)
        if scope.account is not None and account_field:
            queryset = queryset.filter(**{account_field: scope.account.pk})
        return queryset


class TenantOwned(models.Model):
    """Base of every tenant-owned table: the row carries its tenant, queries go through for_tenant."""

    tenant = models.ForeignKey("helpdesk.Tenant", on_delete=models.CASCADE, related_name="+")

    # Name of the field holding the merchant account, when rows belong to one (for_scope uses it).
    account_scope_field: str | None = None

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


def tenant_owned_tables() -> set[str]:
    """Database tables holding tenant data: every TenantOwned model plus users."""
    tables = {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantOwned)}
    tables.add(apps.get_model("helpdesk", "User")._meta.db_table)
    return tables


def scope_for_user(user: Any) -> Scope | None:
    """Resolve the scope of a signed-in tenant user; None for anonymous users and platform staff."""
    with rls.cross_tenant("resolve the signed-in user's scope"):  # the user row names its tenant
        if not getattr(user, "is_authenticated", False) or user.tenant_id is None:
            return None
        tenant_model = apps.get_model("helpdesk", "Tenant")
        account_model = apps.get_model("helpdesk", "Account")
        tenant = tenant_model.objects.get(pk=user.tenant_id)
        account = None
        if user.account_id is not None:
            account = account_model.objects.for_tenant(tenant).select_related("plan").get(pk=user.account_id)
        return Scope(tenant=tenant, user=user, account=account)


def get_for_scope_or_404(queryset: TenantQuerySet, scope: Scope, **lookup: Any) -> models.Model:
    """One object of the scope, or NotFound whether it is missing or someone else's."""
    try:
        return queryset.for_scope(scope).get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound(f"No such {queryset.model._meta.verbose_name}.") from None


# Requests that act before any tenant is known, or across tenants, and why: they run with
# row-level security's cross-tenant setting (helpdesk.rls); every other request sees only its
# scope's tenant, or no tenant's rows at all.
CROSS_TENANT_PATHS: dict[str, str] = {
    "/login/": "sign-in finds the user by address, whatever their tenant",
    "/admin/login/": "sign-in finds the user by address, whatever their tenant",
    "/password-reset/": "a reset finds the user by address or signed id",
    "/survey/": "a signed survey link names its invitation",
    "/anymail/": "the mail provider's webhooks (basic auth) name messages and cases of any tenant",
}


def _cross_tenant_reason(request: HttpRequest, scope: Scope | None) -> str | None:
    if scope is None and getattr(request.user, "is_superuser", False) and request.user.tenant_id is None:
        return "a platform superuser"
    return next((why for path, why in CROSS_TENANT_PATHS.items() if request.path_info.startswith(path)), None)


class TenancyMiddleware:
    """Attach `request.scope` and bind it for the rest of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a signed-in session there is no user to load: ask the database nothing.
        signed_in = SESSION_KEY in getattr(request, "session", {})
        scope = scope_for_user(request.user) if signed_in else None
        if scope is not None and not scope.user.is_active:
            scope = None
        request.scope = scope
        if scope is not None:
            # Pages show and read times in the user's zone (theirs, else their account's or tenant's).
            timezone.activate(zoneinfo.ZoneInfo(scope.time_zone))
        reason = _cross_tenant_reason(request, scope)
        try:
            with bind(scope), rls.cross_tenant(reason) if reason else nullcontext():
                return self.get_response(request)
        finally:
            timezone.deactivate()


def scope_context(request: HttpRequest) -> dict[str, Scope | None]:
    """Template context processor: `scope` in every page."""
    return {"scope": getattr(request, "scope", None)}


def require_scope(
    roles: Collection[str] = frozenset(),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: a signed-in tenant user, in one of `roles` (a set from helpdesk.roles) when given.

    Anonymous users go to the sign-in page (what they posted is kept as a draft for the form to
    show again); other roles get a 403 that names no tenant data.
    """

    # Imported here: auth's views load the user model, and the models import this module.
    from django.contrib.auth.views import redirect_to_login

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                if request.method == "POST":
                    draft_keep(request)  # shown again in its form after signing in
                return redirect_to_login(request.get_full_path())
            scope = getattr(request, "scope", None)
            if scope is None or (roles and scope.role not in roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
