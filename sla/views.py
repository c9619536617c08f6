"""SLA pages: the managers' compliance report. The targets page lists plans and priorities, so it
lives with them in `tickets.views.sla_targets`."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from sla.selectors import (
    COMPLIANCE_CACHE_SECONDS,
    COMPLIANCE_MONTHS,
    sla_compliance,
)


@require_scope(MANAGING_ROLES)
def compliance_report(request: ScopedRequest) -> HttpResponse:
    """SLA compliance of the last twelve months by month, priority and plan. Counting a year of
    clocks takes most of a second at a million cases, so the figures are kept for a few minutes
    per tenant (the page says as of when); `?refresh=1` counts again."""
    tenant = request.scope.tenant
    # The creation instant keeps a recreated database's tenant with the same pk apart.
    key = f"sla-compliance:{tenant.pk}:{tenant.created_at.timestamp()}"
    figures = None if request.GET.get("refresh") else cache.get(key)
    if figures is None:
        as_of = timezone.now()
        since = as_of - timedelta(days=30 * COMPLIANCE_MONTHS)
        figures = {"report": sla_compliance(tenant=tenant, since=since), "since": since, "as_of": as_of}
        cache.set(key, figures, COMPLIANCE_CACHE_SECONDS)
    return render(request, "sla/compliance.html", figures)
