"""The tenant admin's SLA targets pages: edit the plan × priority grid of each metric as a draft
with a preview of due times and their worked "why", review the draft's diff against the
published version, publish it, and read the published versions. Here rather than in `sla`
because the grid lists tickets' plans and priorities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.forms import add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from sla.forms import TargetsForm
from sla.models import MetBy, SlaDraft, SlaPolicy
from sla.selectors import TWENTY_FOUR_SEVEN, policy_current, policy_targets
from sla.services import draft_discard, draft_save, policy_publish
from sla.settings_selectors import (
    PreviewCell,
    draft_get,
    policy_get,
    policy_previous,
    policy_versions,
    preview_explained,
    published_targets,
    target_text,
    targets_diff,
)
from tickets.selectors import plan_list, priority_list

AREA = "sla-targets"
HISTORY_ON_PAGE = 10


def _form(request: ScopedRequest, data: Any = None, initial: dict[str, Any] | None = None) -> TargetsForm:
    tenant = request.scope.tenant
    plans, priorities = list(plan_list(tenant=tenant)), list(priority_list(tenant=tenant))
    return TargetsForm(data, initial=initial, tenant=tenant, plans=plans, priorities=priorities)


def _draft_values(form: TargetsForm) -> dict[str, str]:
    return {name: form.data.get(name, "") for name in form.fields if name != "preview_at"}


@require_scope(ADMIN_ROLES)
def sla_targets(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    policy = policy_current(tenant=tenant)
    draft = draft_get(scope=request.scope)
    previewed: dict[str, PreviewCell] = {}
    if request.method == "POST" and "discard" in request.POST:
        draft_discard(tenant=tenant)
        messages.info(request, "Draft discarded: the grid shows the published version again.")
        return redirect("sla-targets")
    if request.method == "POST":
        form = _form(request, request.POST)
        if form.is_valid():
            if "save" in request.POST or "review" in request.POST:
                draft_save(tenant=tenant, values=_draft_values(form), based_on=policy, actor=request.user)
                if "review" in request.POST:
                    return redirect("sla-review")
                messages.success(request, "Draft saved. Nothing changes for cases until you publish it.")
                return redirect("sla-targets")
            opened_at = form.cleaned_data.get("preview_at") or _now_minute()
            previewed = preview_explained(scope=request.scope, targets=form.targets(), opened_at=opened_at)
    elif draft is not None:
        form = _form(request, initial=draft.values)
    else:
        targets = list(policy_targets(tenant=tenant, policy=policy)) if policy else []
        form = _form(request, initial=TargetsForm.initial_from(policy, targets, tenant))
    versions = list(policy_versions(scope=request.scope)[:HISTORY_ON_PAGE])
    context = {
        "form": form,
        "grid": form.grid(previewed),
        "policy": versions[0] if versions else None,  # the current version, with who published it
        "draft": draft,
        "stale": draft is not None and policy is not None and draft.based_on_id != policy.pk,
        "previewed": previewed,
        "versions": versions,
        "changes": setting_change_list(scope=request.scope, area=AREA)[:HISTORY_ON_PAGE],
        "twenty_four_seven": TWENTY_FOUR_SEVEN,
    }
    return render(request, "sla/targets.html", context)


def _now_minute() -> datetime:
    return timezone.now().replace(second=0, microsecond=0)


class PublishForm(forms.Form):
    note = forms.CharField(
        max_length=200, required=False, label="What changes in this version", help_text="Shown in the version history."
    )


def _rule_changes(policy: SlaPolicy | None, form: TargetsForm) -> list[tuple[str, str, str]]:
    wanted = form.cleaned_data
    met_by = ("First response is met by", MetBy(wanted["first_response_met_by"]).label)
    share = ("At risk after", f"{wanted['at_risk_share']:.0%}")
    was = {
        met_by[0]: policy.get_first_response_met_by_display() if policy else "—",
        share[0]: f"{policy.at_risk_share:.0%}" if policy else "—",
    }
    return [(label, was[label], after) for label, after in (met_by, share) if was[label] != after]


@require_scope(ADMIN_ROLES)
def sla_review(request: ScopedRequest) -> HttpResponse:
    """The confirmation step: the draft's changes against the published version, then publish."""
    tenant = request.scope.tenant
    draft: SlaDraft | None = draft_get(scope=request.scope)
    if draft is None:
        messages.info(request, "There is no draft to publish: change the targets and choose “Review and publish”.")
        return redirect("sla-targets")
    policy = policy_current(tenant=tenant)
    form = _form(request, draft.values)
    publish = PublishForm(request.POST or None)
    if not form.is_valid():
        messages.error(request, "The draft is no longer valid (a plan, priority or calendar changed): correct it.")
        return redirect("sla-targets")
    if request.method == "POST" and publish.is_valid():
        try:
            new = policy_publish(
                tenant=tenant,
                targets=form.targets(),
                first_response_met_by=form.cleaned_data["first_response_met_by"],
                at_risk_share=form.cleaned_data["at_risk_share"],
                note=publish.cleaned_data["note"],
                actor=request.user,
                draft=draft,
            )
        except ValidationFailed as error:
            add_domain_error(publish, error)
        else:
            if policy is not None and new.pk == policy.pk:
                messages.info(request, "Nothing changed: the draft has the targets of the current version.")
            else:
                messages.success(request, f"Published SLA policy v{new.version}. Open cases keep their version.")
            return redirect("sla-targets")
    context = {
        "draft": draft,
        "policy": policy,
        "publish_form": publish,
        "changes": targets_diff(published_targets(scope=request.scope, policy=policy), form.targets()),
        "rule_changes": _rule_changes(policy, form),
        "stale": policy is not None and draft.based_on_id != policy.pk,
        "next_version": (policy.version + 1) if policy else 1,
    }
    return render(request, "sla/review.html", context)


@require_scope(ADMIN_ROLES)
def sla_version(request: ScopedRequest, pk: int) -> HttpResponse:
    """One published version: who published it and when, its targets, and what it changed."""
    policy = policy_get(scope=request.scope, pk=pk)
    previous = policy_previous(scope=request.scope, policy=policy)
    targets = published_targets(scope=request.scope, policy=policy)
    before = published_targets(scope=request.scope, policy=previous) if previous else []
    context = {
        "policy": policy,
        "previous": previous,
        "targets": [(t, target_text(t)) for t in targets],
        "changes": targets_diff(before, targets),
    }
    return render(request, "sla/version.html", context)
