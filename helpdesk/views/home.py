"""The role-aware landing page and the tenant admin's settings home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from helpdesk.models import Role
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import account_list
from helpdesk.tenancy import require_scope

# URL names (strings), so the platform links to each app's home without importing it.
HOME_BY_ROLE = {
    Role.MERCHANT: "portal",
    Role.ANALYST: "queue",
    Role.MANAGER: "dashboard",
    Role.ADMIN: "tenant-settings",
}


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if request.scope is None:
        # Platform superusers have no tenant: their home is the Django admin.
        return redirect("admin:index" if request.user.is_superuser else "login")
    return redirect(HOME_BY_ROLE[request.scope.role])


@require_scope(ADMIN_ROLES)
def tenant_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/tenant_settings.html", {"accounts": account_list(scope=request.scope)})
