"""Case lists: the merchant's portal, the analysts' queue and every case of a scope, most urgent
first."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from helpdesk.api.pagination import urgency_page
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from helpdesk.selectors import store_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.forms import CaseFilterForm
from tickets.models import Status
from tickets.public_policy import tenant_service_hours
from tickets.selectors import case_list, staff_roster, with_sla_flags

LIST_SIZE = 50


@require_scope(MERCHANT_ROLES)
def portal(request: ScopedRequest) -> HttpResponse:
    context = {
        "stores": store_list(scope=request.scope),
        "cases": with_sla_flags(
            case_list(scope=request.scope).exclude(status=Status.CLOSED), tenant=request.scope.tenant
        )[:LIST_SIZE],
        "phones": request.scope.tenant.support_phone_numbers,
        "now": timezone.now(),
        "service_hours": tenant_service_hours(tenant=request.scope.tenant),
    }
    return render(request, "helpdesk/portal.html", context)


# The queue's saved views: a tab (and a summary tile) each, as the filters they stand for.
QUEUE_VIEWS = [
    ("mine", "Mine", {"owner": "me"}),
    ("unassigned", "Unassigned", {"owner": "unassigned"}),
    ("at_risk", "At risk", {"sla": "at_risk"}),
    ("breached", "Breached", {"sla": "breached"}),
    ("escalated", "Escalated", {"escalated": "yes"}),
    ("all", "All open", {}),
]
OPEN_STATUSES = [Status.NEW, Status.OPEN, Status.WAITING, Status.REOPENED]


@require_scope(STAFF_ROLES)
def queue(request: ScopedRequest) -> HttpResponse:
    """Open work in the work order (worked-first priorities, then the earliest running SLA
    deadline), with filters kept in the URL. htmx asks for the list alone every 30 seconds; the
    tiles' counts come with the shell's."""
    scope = request.scope
    filters = CaseFilterForm(request.GET or None, scope=scope, statuses=OPEN_STATUSES)
    cases = case_list(scope=scope, **filters.filters()).exclude(status__in=[Status.CLOSED, Status.RESOLVED])
    page, next_cursor = urgency_page(with_sla_flags(cases, tenant=scope.tenant), request.GET.get("cursor"), LIST_SIZE)
    chosen = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    views = [
        {"key": key, "label": label, "query": query, "active": query == chosen} for key, label, query in QUEUE_VIEWS
    ]
    context = {
        "cases": page,
        "filters": filters,
        "next_cursor": next_cursor,
        "now": timezone.now(),
        "views": views,
        "filtered": bool(chosen) and not any(v["active"] for v in views),
        "roster": staff_roster(scope=scope, now=timezone.now()),  # the owners' on-shift dots
    }
    template = "tickets/_queue_list.html" if request.htmx else "helpdesk/queue.html"
    return render(request, template, context)


@require_scope()
def case_index(request: ScopedRequest) -> HttpResponse:
    """Every case of the signed-in user's scope, old ones too, most urgent first, with filters."""
    filters = CaseFilterForm(request.GET or None, scope=request.scope)
    cases = with_sla_flags(case_list(scope=request.scope, **filters.filters()), tenant=request.scope.tenant)
    page, next_cursor = urgency_page(cases, request.GET.get("cursor"), LIST_SIZE)
    context = {"cases": page, "filters": filters, "next_cursor": next_cursor, "now": timezone.now()}
    return render(request, "tickets/case_list.html", context)
