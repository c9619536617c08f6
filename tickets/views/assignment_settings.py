"""The tenant admin's page for how new cases are handed out: automatic assignment and on-call."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.services.queue_settings import queue_settings_update
from tickets.settings_forms import AssignmentForm
from tickets.settings_selectors import analysts_with_shifts, queue_settings_get

HISTORY_SHOWN = 10


@require_scope(ADMIN_ROLES)
def assignment(request: ScopedRequest) -> HttpResponse:
    current = queue_settings_get(scope=request.scope)
    initial = {"auto_assign": current.auto_assign, "on_call_email": current.on_call_email}
    form = AssignmentForm(
        request.POST if request.method == "POST" else None, initial=initial | {"team_email": current.team_email}
    )
    if form.is_bound and form.is_valid():
        try:
            queue_settings_update(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Assignment and on-call are saved; new cases follow them from now on.")
            return redirect("settings-assignment")
    context = {
        "form": form,
        "with_shifts": analysts_with_shifts(scope=request.scope).count(),
        "changes": setting_change_list(scope=request.scope, area="assignment")[:HISTORY_SHOWN],
    }
    return render(request, "tickets/settings_assignment.html", context, status=400 if form.errors else 200)
