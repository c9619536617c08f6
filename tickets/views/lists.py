"""Case lists: the merchant's portal, the analysts' queue and every case of a scope, most urgent
first."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from helpdesk.api.pagination import urgency_page
from helpdesk.forms import chosen_rows
from helpdesk.http import post_or_back
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from helpdesk.selectors import store_list
from helpdesk.tenancy import Scope, ScopedRequest, require_scope
from tickets.list_forms import BulkAssignForm, CaseFilterForm
from tickets.models import Case, Status
from tickets.public_policy import tenant_service_hours
from tickets.selectors import CASE_ROW_RELATED, case_list, cases_by_numbers, fill_related, staff_roster, with_sla_flags
from tickets.services import cases_assign_bulk
from tickets.sorting import sort_chosen, sort_headers, sorted_page

LIST_SIZE = 50


@require_scope(MERCHANT_ROLES)
def portal(request: ScopedRequest) -> HttpResponse:
    context = {
        "stores": store_list(scope=request.scope),
        "cases": with_sla_flags(
            case_list(scope=request.scope, related=CASE_ROW_RELATED).exclude(status=Status.CLOSED),
            tenant=request.scope.tenant,
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
    deadline) or a chosen column's order, with filters and sort kept in the URL. htmx asks for
    the list alone every 30 seconds; the tiles' counts come with the shell's."""
    return _queue_page(request, BulkAssignForm(scope=request.scope))


def _queue_page(request: ScopedRequest, bulk: BulkAssignForm, *, status: int = 200) -> HttpResponse:
    scope = request.scope
    filters = CaseFilterForm(request.GET or None, scope=scope, statuses=OPEN_STATUSES, sortable=True)
    cases = case_list(scope=scope, related=(), **filters.filters()).exclude(status__in=[Status.CLOSED, Status.RESOLVED])
    cases = with_sla_flags(cases, tenant=scope.tenant)
    sort = sort_chosen(request.GET.get("sort"))
    cursor = request.GET.get("cursor")
    if sort:
        page, next_cursor = sorted_page(cases, sort, cursor, LIST_SIZE)
    else:
        page, next_cursor = urgency_page(cases, cursor, LIST_SIZE)
    _fill_rows(page, filters, scope)
    chosen = {k: v for k, v in request.GET.items() if k not in ("cursor", "sort") and v}
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
        "sort": sort,
        "sorts": sort_headers(request.GET, sort),
        "bulk": bulk,
        "selected": set(bulk["cases"].value() or []) if bulk.is_bound else set(),
        "roster": staff_roster(scope=scope, now=timezone.now(), with_load=False),  # the owners' on-shift dots
    }
    template = "tickets/_queue_list.html" if request.htmx else "helpdesk/queue.html"
    return render(request, template, context, status=status)


@post_or_back("queue")
@require_scope(STAFF_ROLES)
def queue_bulk(request: ScopedRequest) -> HttpResponse:
    """Take or assign the ticked cases: one service call, each case recorded as a single take or
    assignment would be; the ones that could not change are listed with why. The list's query
    string rides along, so the queue comes back with its filters and sort."""
    scope = request.scope
    form = BulkAssignForm(request.POST, scope=scope)
    if not form.is_valid():
        return _queue_page(request, form, status=400)
    cases, missing = cases_by_numbers(scope=scope, numbers=form.cleaned_data["cases"])
    assignee = request.user if form.cleaned_data["action"] == "take" else form.cleaned_data["assignee"]
    outcome = cases_assign_bulk(cases=cases, actor=request.user, assignee=assignee)
    if outcome.changed:
        who = "You own" if assignee == request.user else f"{assignee.get_full_name()} owns"
        messages.success(request, f"{who} {len(outcome.changed)} more: {', '.join(outcome.changed)}.")
    refused = [*outcome.refused, *((number, "No such case.") for number in missing)]
    if refused:
        lines = " ".join(f"{number}: {why}" for number, why in refused)
        messages.warning(request, f"Not changed ({len(refused)}): {lines}")
    query = request.GET.urlencode()
    return redirect(f"{reverse('queue')}?{query}" if query else reverse("queue"))


@require_scope()
def case_index(request: ScopedRequest) -> HttpResponse:
    """Every case of the signed-in user's scope, old ones too, most urgent first, with filters."""
    filters = CaseFilterForm(request.GET or None, scope=request.scope)
    cases = case_list(scope=request.scope, related=(), **filters.filters())
    cases = with_sla_flags(cases, tenant=request.scope.tenant)
    page, next_cursor = urgency_page(cases, request.GET.get("cursor"), LIST_SIZE)
    _fill_rows(page, filters, request.scope)
    context = {"cases": page, "filters": filters, "next_cursor": next_cursor, "now": timezone.now()}
    return render(request, "tickets/case_list.html", context)


def _fill_rows(page: list[Case], filters: CaseFilterForm, scope: Scope) -> None:
    """The rows' account, priority and owner (CASE_ROW_RELATED) from the filter choices the page
    reads anyway; only a row outside them (a deactivated owner, say) costs a query."""
    for name in CASE_ROW_RELATED:
        fill_related(page, scope.tenant, name, chosen_rows(filters, name))
