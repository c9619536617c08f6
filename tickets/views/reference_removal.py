"""Removing a priority, a plan or a store: a confirmation page that says first whether the row is
in use (and then offers what to do instead, with no remove button), and the post that removes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.services.reference_removal import INSTEAD, plan_remove, priority_remove, store_remove
from tickets.settings_selectors import (
    plan_settings_get,
    plan_uses,
    priority_settings_get,
    priority_uses,
    store_settings_get,
    store_uses,
)


class RemoveForm(forms.Form):
    """No fields: the post itself is the confirmation; refusals land in its error summary."""


@dataclass(frozen=True)
class Removal:
    kind: str  # priority, plan or store
    label: str  # "Priority Low"
    back: str  # the page the row is listed on
    uses: Callable[[], list[str]]
    remove: Callable[[], None]
    instead_url: str  # where the alternative is done


def _confirm(request: ScopedRequest, removal: Removal) -> HttpResponse:
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            removal.remove()
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{removal.label} is removed.")
            return redirect(removal.back)
    context = {
        "removal": removal,
        "uses": removal.uses(),
        "instead": INSTEAD[removal.kind],
        "form": form,
    }
    return render(request, "tickets/settings_remove.html", context, status=400 if form.errors else 200)


@require_scope(ADMIN_ROLES)
def priority_remove_page(request: ScopedRequest, priority_id: int) -> HttpResponse:
    priority = priority_settings_get(scope=request.scope, pk=priority_id)
    return _confirm(
        request,
        Removal(
            "priority",
            f"Priority {priority.name}",
            reverse("settings-priorities"),
            lambda: priority_uses(scope=request.scope, priority=priority),
            lambda: priority_remove(actor=request.user, priority=priority),
            f"{reverse('settings-priorities')}?edit={priority.pk}#reference-form",
        ),
    )


@require_scope(ADMIN_ROLES)
def plan_remove_page(request: ScopedRequest, plan_id: int) -> HttpResponse:
    plan = plan_settings_get(scope=request.scope, pk=plan_id)
    return _confirm(
        request,
        Removal(
            "plan",
            f"Plan {plan.name}",
            reverse("settings-plans"),
            lambda: plan_uses(scope=request.scope, plan=plan),
            lambda: plan_remove(actor=request.user, plan=plan),
            f"{reverse('settings-plans')}?edit={plan.pk}#reference-form",
        ),
    )


@require_scope(ADMIN_ROLES)
def store_remove_page(request: ScopedRequest, store_id: int) -> HttpResponse:
    store = store_settings_get(scope=request.scope, pk=store_id)
    return _confirm(
        request,
        Removal(
            "store",
            f"Store {store.name} of {store.account.name}",
            reverse("settings-account", args=[store.account_id]),
            lambda: store_uses(scope=request.scope, store=store),
            lambda: store_remove(actor=request.user, store=store),
            f"{reverse('settings-account', args=[store.account_id])}?store={store.pk}#store-form",
        ),
    )
