"""The tenant admin's pages for priorities (criteria, flags, order) and plans (name, order).
`?edit=<id>` puts one row in the form; a post with `move=<id>` and `up` or `down` reorders."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.api.params import id_param
from helpdesk.errors import DomainError, NotFound
from helpdesk.forms import add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.models import Plan, Priority
from tickets.selectors import plan_list, priority_list
from tickets.services.reference_settings import PRIORITY_LABELS, plan_save, priority_save, reference_move
from tickets.settings_forms import PlanSettingsForm, PrioritySettingsForm

HISTORY_SHOWN = 10


def _row(request: ScopedRequest, rows: object, raw: str | None, field: str) -> Priority | Plan | None:
    if not raw:
        return None
    found = rows.filter(pk=id_param(raw, field=field)).first()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound("No such item.")
    return found


@require_scope(ADMIN_ROLES)
def priorities(request: ScopedRequest) -> HttpResponse:
    rows = priority_list(tenant=request.scope.tenant).order_by("rank")
    if request.method == "POST" and "move" in request.POST:
        return _move(request, rows, "settings-priorities")
    raw = request.POST.get("edit") if request.method == "POST" else request.GET.get("edit")
    editing = _row(request, rows, raw, "edit")
    initial = {name: getattr(editing, name) for name in PRIORITY_LABELS} if editing else None
    form = PrioritySettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            saved = priority_save(actor=request.user, priority=editing, fields=form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Priority {saved.name} is saved.")
            return redirect("settings-priorities")
    return _page(request, "priorities", rows, form, editing)


@require_scope(ADMIN_ROLES)
def plans(request: ScopedRequest) -> HttpResponse:
    rows = plan_list(tenant=request.scope.tenant).order_by("rank", "name")
    if request.method == "POST" and "move" in request.POST:
        return _move(request, rows, "settings-plans")
    raw = request.POST.get("edit") if request.method == "POST" else request.GET.get("edit")
    editing = _row(request, rows, raw, "edit")
    form = PlanSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"name": editing.name, "retired": editing.retired} if editing else None,
    )
    if form.is_bound and form.is_valid():
        try:
            saved = plan_save(actor=request.user, plan=editing, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Plan {saved.name} is saved.")
            return redirect("settings-plans")
    return _page(request, "plans", rows, form, editing)


def _move(request: ScopedRequest, rows: object, back: str) -> HttpResponse:
    row = _row(request, rows, request.POST.get("move"), "move")
    if row is not None:
        reference_move(actor=request.user, row=row, up=request.POST.get("direction") == "up")
    return redirect(back)


def _page(
    request: ScopedRequest, area: str, rows: object, form: forms.Form, editing: Priority | Plan | None
) -> HttpResponse:
    context = {
        "area": area,
        "rows": rows,
        "form": form,
        "editing": editing,
        "changes": setting_change_list(scope=request.scope, area=area)[:HISTORY_SHOWN],
    }
    return render(request, "tickets/settings_reference.html", context, status=400 if form.errors else 200)
