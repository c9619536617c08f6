"""Platform pages: the role-aware landing page and each role's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.models import Role
from helpdesk.selectors import account_list, store_list
from helpdesk.tenancy import require_scope
from tickets.models import EscalationState
from tickets.selectors import case_list, escalation_list

HOME_BY_ROLE = {
    Role.MERCHANT: "portal",
    Role.ANALYST: "queue",
    Role.MANAGER: "escalations",
    Role.ADMIN: "tenant-settings",
}
LIST_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if request.scope is None:
        # Platform superusers have no tenant: their home is the Django admin.
        return redirect("admin:index" if request.user.is_superuser else "login")
    return redirect(HOME_BY_ROLE[request.scope.role])


@require_scope(Role.MERCHANT)
def portal(request: HttpRequest) -> HttpResponse:
    context = {
        "stores": store_list(scope=request.scope),
        "cases": case_list(scope=request.scope)[:LIST_SIZE],
        "now": timezone.now(),
    }
    return render(request, "helpdesk/portal.html", context)


@require_scope(Role.ANALYST, Role.MANAGER, Role.ADMIN)
def queue(request: HttpRequest) -> HttpResponse:
    """Open work, most urgent first (the earliest running SLA deadline)."""
    cases = case_list(scope=request.scope).exclude(status__in=["closed", "resolved"])[:LIST_SIZE]
    return render(request, "helpdesk/queue.html", {"cases": cases, "now": timezone.now()})


@require_scope(Role.MANAGER, Role.ADMIN)
def escalations(request: HttpRequest) -> HttpResponse:
    open_escalations = escalation_list(scope=request.scope).exclude(state=EscalationState.RESOLVED)[:LIST_SIZE]
    return render(request, "helpdesk/escalations.html", {"escalations": open_escalations})


@require_scope(Role.ADMIN)
def tenant_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/tenant_settings.html", {"accounts": account_list(scope=request.scope)})
