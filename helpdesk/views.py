"""Platform pages: the role-aware landing page and each role's home."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.http import post_or_back
from helpdesk.models import Role
from helpdesk.selectors import account_list, store_list
from helpdesk.tenancy import require_scope
from tickets.forms import CaseFilterForm, EscalationResolveForm
from tickets.models import EscalationState, Status
from tickets.pagination import urgency_page
from tickets.selectors import case_list, escalation_list, with_sla_flags
from tickets.services import escalation_acknowledge, escalation_resolve

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
        "cases": with_sla_flags(case_list(scope=request.scope), tenant=request.scope.tenant)[:LIST_SIZE],
        "now": timezone.now(),
    }
    return render(request, "helpdesk/portal.html", context)


@require_scope(Role.ANALYST, Role.MANAGER, Role.ADMIN)
def queue(request: HttpRequest) -> HttpResponse:
    """Open work, most urgent first (the earliest running SLA deadline), with filters."""
    scope = request.scope
    filters = CaseFilterForm(request.GET or None, scope=scope)
    cases = case_list(scope=scope, **filters.filters()).exclude(status__in=[Status.CLOSED, Status.RESOLVED])
    page, next_cursor = urgency_page(with_sla_flags(cases, tenant=scope.tenant), request.GET.get("cursor"), LIST_SIZE)
    context = {"cases": page, "filters": filters, "next_cursor": next_cursor, "now": timezone.now()}
    return render(request, "helpdesk/queue.html", context)


@require_scope(Role.MANAGER, Role.ADMIN)
def escalations(
    request: HttpRequest, *, refused: tuple[int, EscalationResolveForm] | None = None, status: int = 200
) -> HttpResponse:
    """Open escalations, oldest first, each with acknowledge and resolve."""
    open_escalations = (
        escalation_list(scope=request.scope).exclude(state=EscalationState.RESOLVED).order_by("created_at")
    )
    rows = [
        (
            escalation,
            refused[1]
            if refused and refused[0] == escalation.pk
            else EscalationResolveForm(auto_id=f"escalation-{escalation.pk}-%s"),
        )
        for escalation in open_escalations[:LIST_SIZE]
    ]
    return render(request, "helpdesk/escalations.html", {"rows": rows}, status=status)


@post_or_back("escalations")
@require_scope(Role.MANAGER, Role.ADMIN)
def escalation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    escalation = escalation_list(scope=request.scope).filter(pk=pk).first()
    if escalation is None or action not in ("acknowledge", "resolve"):
        raise Http404("No such escalation.")
    form = EscalationResolveForm(request.POST, auto_id=f"escalation-{escalation.pk}-%s")
    try:
        if action == "acknowledge":
            escalation_acknowledge(escalation=escalation, actor=request.user)
            messages.success(request, f"You own the escalation of {escalation.case.number}.")
        elif form.is_valid():
            escalation_resolve(escalation=escalation, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, f"The escalation of {escalation.case.number} is resolved; the merchant is told.")
        else:
            return escalations(request, refused=(escalation.pk, form), status=400)
    except DomainError as error:
        add_domain_error(form, error)
        return escalations(request, refused=(escalation.pk, form), status=error.status_code)
    return redirect("escalations")


@require_scope(Role.ADMIN)
def tenant_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/tenant_settings.html", {"accounts": account_list(scope=request.scope)})
