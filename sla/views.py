"""SLA pages: the tenant admin's targets (edit the grid, preview due times, publish a new
version) and the managers' compliance report."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.forms import add_domain_error
from helpdesk.models import Role
from helpdesk.tenancy import require_scope
from sla.forms import TargetsForm
from sla.selectors import (
    COMPLIANCE_CACHE_SECONDS,
    COMPLIANCE_MONTHS,
    TWENTY_FOUR_SEVEN,
    policy_current,
    policy_targets,
    sla_compliance,
    targets_preview,
)
from sla.services import policy_publish
from tickets.selectors import plan_list, priority_list


@require_scope(Role.ADMIN)
def sla_targets(request: HttpRequest) -> HttpResponse:
    tenant = request.scope.tenant
    plans, priorities = list(plan_list(tenant=tenant)), list(priority_list(tenant=tenant))
    policy = policy_current(tenant=tenant)
    targets = list(policy_targets(tenant=tenant, policy=policy)) if policy else []
    form_kwargs = {"tenant": tenant, "plans": plans, "priorities": priorities}
    previewed: dict[str, datetime] = {}
    if request.method == "POST":
        form = TargetsForm(request.POST, **form_kwargs)
        if form.is_valid():
            if "publish" in request.POST:
                try:
                    new = policy_publish(
                        tenant=tenant,
                        targets=form.targets(),
                        first_response_met_by=form.cleaned_data["first_response_met_by"],
                        at_risk_share=form.cleaned_data["at_risk_share"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
                except ValidationFailed as error:
                    add_domain_error(form, error)
                else:
                    if policy is not None and new.pk == policy.pk:
                        messages.info(request, "Nothing changed: the targets are those of the current version.")
                    else:
                        messages.success(
                            request, f"Published SLA policy v{new.version}. Open cases keep their version."
                        )
                    return redirect("sla-targets")
            opened_at = form.cleaned_data.get("preview_at") or timezone.now()
            previewed = targets_preview(tenant=tenant, targets=form.targets(), opened_at=opened_at)
    else:
        form = TargetsForm(initial=TargetsForm.initial_from(policy, targets, tenant), **form_kwargs)
    context = {"form": form, "policy": policy, "previewed": previewed, "twenty_four_seven": TWENTY_FOUR_SEVEN}
    return render(request, "sla/targets.html", context)


@require_scope(Role.MANAGER, Role.ADMIN)
def compliance_report(request: HttpRequest) -> HttpResponse:
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
