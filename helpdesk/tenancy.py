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
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.utils import timezone

from helpdesk import rls
from helpdesk.drafts import draft_keep
from helpdesk.errors import NotFound, PermissionDenied
from helpdesk.roles import Role

if TYPE_CHECKING:
    from helpdesk.models import Account, Tenant, User


@dataclass(frozen=True)
class Scope:
    tenant: Tenant
    user: User
    account: Account | None  # a merchant's own account (None for staff and partners)
    # The accounts a customer user sees: a merchant's own, a partner's linked ones; None for staff.
    accounts: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.account is not None and self.accounts is None:
            object.__setattr__(self, "accounts", frozenset({self.account.pk}))

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def is_merchant(self) -> bool:
        """A customer user (merchant or partner): sees only its accounts, and only what is public."""
        return self.accounts is not None

    @property
    def own_account(self) -> Account:
        """The merchant's own account; a staff scope has none and is refused."""
        if self.account is None:
            raise PermissionDenied("Only a merchant user acts for an account.")
        return self.account

    @property
    def time_zone(self) -> str:
        return self.user.time_zone or (self.account.time_zone if self.account else "") or self.tenant.time_zone


class ScopedRequest(HttpRequest):
    """The request a view behind `require_scope` receives: a signed-in tenant user and their scope.

    For annotations only: `TenancyMiddleware` sets `scope` on Django's own request object.
    """

    user: User
    scope: Scope
    htmx: Any  # django_htmx.middleware.HtmxDetails, set by HtmxMiddleware


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


_M = TypeVar("_M", bound=models.Model)


class TenantQuerySet(models.QuerySet[_M, _M]):
    def for_tenant(self, tenant: Tenant) -> Self:
        if tenant is None or tenant.pk is None:
            raise ValueError("for_tenant() needs a saved tenant; refusing to build an unscoped query.")
        return self.filter(tenant_id=tenant.pk)

    def for_scope(self, scope: Scope) -> Self:
        """Tenant rows; for a customer user, only rows of its accounts (where the model has one):
        a merchant's own account, a partner's linked accounts."""
        queryset = self.for_tenant(scope.tenant)
        account_field = getattr(self.model, "account_scope_field", None)
        if scope.accounts is not None and account_field:
            queryset = queryset.filter(**{f"{account_field}__in": sorted(scope.accounts)})
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
        return Scope(tenant=tenant, user=user, account=account, accounts=customer_account_ids(user))


def customer_account_ids(user: Any) -> frozenset[int] | None:
    """The accounts a customer user may see and act for: a merchant's own account, a partner's
    linked accounts (read once per call); None for staff, who see the whole tenant."""
    if user.account_id is not None:
        return frozenset({user.account_id})
    if user.role != Role.PARTNER:
        return None
    links = apps.get_model("helpdesk", "PartnerLink").objects.filter(tenant_id=user.tenant_id, user_id=user.pk)
    return frozenset(links.values_list("account_id", flat=True))


def get_for_scope_or_404(queryset: TenantQuerySet[_M], scope: Scope, **lookup: Any) -> _M:
    """One object of the scope, or NotFound whether it is missing or someone else's."""
    try:
        return queryset.for_scope(scope).get(**lookup)
    except ObjectDoesNotExist:
        raise NotFound(f"No such {queryset.model._meta.verbose_name}.") from None


# Requests that act before any tenant is known, or across tenants, and why: they run with
# row-level security's cross-tenant setting (helpdesk.rls); every other request sees only its
# scope's tenant, or no tenant's rows at all.
CROSS_TENANT_PATHS: dict[str, str] = {
    "/login/": "sign-in finds the user by address, whatever their tenant",
    "/admin/login/": "sign-in finds the user by address, whatever their tenant",
    "/password-reset/": "a reset finds the user by address or signed id",
    "/survey/": "a signed survey link names its invitation",
    "/support/": "the public support policy names its tenant by slug and shows only its published terms",
    "/anymail/": "the mail provider's webhooks (basic auth) name messages and cases of any tenant",
}


def _cross_tenant_reason(request: HttpRequest, scope: Scope | None) -> str | None:
    if (
        scope is None
        and getattr(request.user, "is_superuser", False)
        and getattr(request.user, "tenant_id", None) is None
    ):
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
        request.scope = scope  # type: ignore[attr-defined]  # Django's request takes any attribute; ScopedRequest declares it
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


_Response = TypeVar("_Response", bound=HttpResponseBase)


def require_scope(
    roles: Collection[str] = frozenset(),
) -> Callable[[Callable[..., _Response]], Callable[..., _Response | HttpResponseRedirect]]:
    """View decorator: a signed-in tenant user, in one of `roles` (a set from helpdesk.roles) when given.

    Anonymous users go to the sign-in page (what they posted is kept as a draft for the form to
    show again); other roles get a 403 that names no tenant data.
    """

    # Imported here: auth's views load the user model, and the models import this module.
    from django.contrib.auth.views import redirect_to_login

    def decorator(view: Callable[..., _Response]) -> Callable[..., _Response | HttpResponseRedirect]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> _Response | HttpResponseRedirect:
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
