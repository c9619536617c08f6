"""The managers' escalations page: open escalations, oldest first, to acknowledge and resolve."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.http import post_or_back
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.forms import EscalationResolveForm
from tickets.list_forms import EscalationFilterForm
from tickets.models import EscalationState
from tickets.selectors import escalation_list
from tickets.services import escalation_acknowledge, escalation_resolve

LIST_SIZE = 50


@require_scope(MANAGING_ROLES)
def escalations(
    request: ScopedRequest, *, refused: tuple[int, EscalationResolveForm] | None = None, status: int = 200
) -> HttpResponse:
    """Open escalations, oldest first, each with acknowledge and resolve; filtered by state and
    level, and resolved ones (the history) most recently resolved first."""
    filters = EscalationFilterForm(request.GET or None)
    state, level = filters.chosen()
    open_escalations = escalation_list(scope=request.scope, state=state or None, level=level or None)
    if state == EscalationState.RESOLVED:
        open_escalations = open_escalations.order_by("-resolved_at", "-pk")
    else:
        open_escalations = open_escalations.exclude(state=EscalationState.RESOLVED).order_by("created_at", "pk")
    rows = [
        (
            escalation,
            refused[1]
            if refused and refused[0] == escalation.pk
            else EscalationResolveForm(auto_id=f"escalation-{escalation.pk}-%s"),
        )
        for escalation in open_escalations[:LIST_SIZE]
    ]
    context = {"rows": rows, "filters": filters, "history": state == EscalationState.RESOLVED}
    return render(request, "helpdesk/escalations.html", context, status=status)


@post_or_back("escalations")
@require_scope(MANAGING_ROLES)
def escalation_action(request: ScopedRequest, pk: int, action: str) -> HttpResponse:
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
