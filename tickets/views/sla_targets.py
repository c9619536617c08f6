"""The tenant admin's SLA targets page: edit the plan × priority grid, preview due times, publish a
new policy version. Here rather than in `sla` because it lists tickets' plans and priorities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.forms import add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from sla.forms import TargetsForm
from sla.selectors import TWENTY_FOUR_SEVEN, policy_current, policy_targets, targets_preview
from sla.services import policy_publish
from tickets.selectors import plan_list, priority_list


@require_scope(ADMIN_ROLES)
def sla_targets(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    plans, priorities = list(plan_list(tenant=tenant)), list(priority_list(tenant=tenant))
    policy = policy_current(tenant=tenant)
    targets = list(policy_targets(tenant=tenant, policy=policy)) if policy else []
    form_kwargs: dict[str, Any] = {"tenant": tenant, "plans": plans, "priorities": priorities}
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
