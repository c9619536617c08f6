"""Case lists: the merchant's portal, the analysts' queue and every case of a scope, most urgent
first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from helpdesk.api.pagination import urgency_page
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from helpdesk.selectors import store_list
from helpdesk.tenancy import require_scope
from tickets.forms import CaseFilterForm
from tickets.models import Status
from tickets.selectors import case_list, with_sla_flags

LIST_SIZE = 50


@require_scope(MERCHANT_ROLES)
def portal(request: HttpRequest) -> HttpResponse:
    context = {
        "stores": store_list(scope=request.scope),
        "cases": with_sla_flags(case_list(scope=request.scope), tenant=request.scope.tenant)[:LIST_SIZE],
        "now": timezone.now(),
    }
    return render(request, "helpdesk/portal.html", context)


@require_scope(STAFF_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """Open work in the work order (worked-first priorities, then the earliest running SLA
    deadline), with filters."""
    scope = request.scope
    filters = CaseFilterForm(request.GET or None, scope=scope)
    cases = case_list(scope=scope, **filters.filters()).exclude(status__in=[Status.CLOSED, Status.RESOLVED])
    page, next_cursor = urgency_page(with_sla_flags(cases, tenant=scope.tenant), request.GET.get("cursor"), LIST_SIZE)
    context = {"cases": page, "filters": filters, "next_cursor": next_cursor, "now": timezone.now()}
    return render(request, "helpdesk/queue.html", context)


@require_scope()
def case_index(request: HttpRequest) -> HttpResponse:
    """Every case of the signed-in user's scope, old ones too, most urgent first, with filters."""
    filters = CaseFilterForm(request.GET or None, scope=request.scope)
    cases = with_sla_flags(case_list(scope=request.scope, **filters.filters()), tenant=request.scope.tenant)
    cases, next_cursor = urgency_page(cases, request.GET.get("cursor"), LIST_SIZE)
    context = {"cases": cases, "filters": filters, "next_cursor": next_cursor, "now": timezone.now()}
    return render(request, "tickets/case_list.html", context)
