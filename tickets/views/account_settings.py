"""The tenant admin's account pages: the list, and one account's plan, contact, CC addresses,
stores (with monitoring) and the partners working for it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.api.params import id_param
from helpdesk.errors import DomainError, NotFound
from helpdesk.forms import add_domain_error
from helpdesk.models import Account, Store
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.profile import zone_choices
from tickets.selectors import plan_list, plan_offered
from tickets.services.account_settings import STORE_LABELS, account_add, account_settings_update, account_store_save
from tickets.settings_forms import AccountAddForm, AccountSettingsForm, StoreSettingsForm
from tickets.settings_selectors import (
    account_merchants,
    account_partner_links,
    account_settings_get,
    account_settings_list,
    account_stores,
)

HISTORY_SHOWN = 10


@require_scope(ADMIN_ROLES)
def accounts(request: ScopedRequest) -> HttpResponse:
    context = {
        "accounts": account_settings_list(scope=request.scope),
        "changes": setting_change_list(scope=request.scope, area="accounts")[:HISTORY_SHOWN],
    }
    return render(request, "tickets/settings_accounts.html", context)


@require_scope(ADMIN_ROLES)
def account_new(request: ScopedRequest) -> HttpResponse:
    """Add a merchant account and invite its first merchant user, its technical contact."""
    tenant = request.scope.tenant
    form = AccountAddForm(
        request.POST if request.method == "POST" else None,
        initial={"time_zone": tenant.time_zone},
        plans=plan_offered(tenant=tenant).order_by("rank", "name"),
        zones=zone_choices(),
    )
    if form.is_bound and form.is_valid():
        try:
            account = account_add(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{account.name} is added; {form.cleaned_data['contact_email']} is invited to choose a password.",
            )
            return redirect("settings-account", pk=account.pk)
    return render(request, "tickets/settings_account_new.html", {"form": form}, status=400 if form.errors else 200)


@require_scope(ADMIN_ROLES)
def account_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    account = account_settings_get(scope=request.scope, pk=pk)
    form = _account_form(request, account, request.POST if "save_account" in request.POST else None)
    store = _store(request, account)
    store_form = StoreSettingsForm(
        request.POST if "save_store" in request.POST else None, initial=_store_initial(store)
    )
    if form.is_bound and form.is_valid():
        try:
            account_settings_update(actor=request.user, account=account, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, renamed={"cc_emails": "cc_addresses"})
        else:
            messages.success(request, f"{account.name} is saved.")
            return redirect("settings-account", pk=account.pk)
    if store_form.is_bound and store_form.is_valid():
        fields = {name: store_form.cleaned_data[name] for name in STORE_LABELS}
        try:
            saved = account_store_save(actor=request.user, account=account, store=store, fields=fields)
        except DomainError as error:
            add_domain_error(store_form, error)
        else:
            messages.success(request, f"Store {saved.name} is saved.")
            return redirect("settings-account", pk=account.pk)
    return _page(request, account, form, store_form, store)


def _account_form(request: ScopedRequest, account: Account, data: object) -> AccountSettingsForm:
    initial = {
        "plan": account.plan_id,
        "technical_contact": account.technical_contact_id,
        "cc_addresses": "\n".join(account.cc_addresses),
    }
    return AccountSettingsForm(
        data,
        initial=initial,
        # A retired plan stays offered to the accounts still on it, and to no other.
        plans=plan_list(tenant=request.scope.tenant).filter(Q(retired=False) | Q(pk=account.plan_id)),
        merchants=account_merchants(scope=request.scope, account=account),
    )


def _store(request: ScopedRequest, account: Account) -> Store | None:
    """The store being changed (`store` in the query or `store_id` posted), one of this account's."""
    raw = request.POST.get("store_id") if request.method == "POST" else request.GET.get("store")
    if not raw:
        return None
    store = account_stores(scope=request.scope, account=account).filter(pk=id_param(raw, field="store")).first()
    if store is None:
        raise NotFound("No such store.")
    return store


def _store_initial(store: Store | None) -> dict[str, object] | None:
    if store is None:
        return None
    return {"store_id": store.pk} | {name: getattr(store, name) for name in STORE_LABELS}


def _page(
    request: ScopedRequest,
    account: Account,
    form: AccountSettingsForm,
    store_form: StoreSettingsForm,
    store: Store | None,
) -> HttpResponse:
    context = {
        "account": account,
        "form": form,
        "store_form": store_form,
        "editing_store": store,
        "stores": account_stores(scope=request.scope, account=account),
        "partner_links": account_partner_links(scope=request.scope, account=account),
        "changes": setting_change_list(scope=request.scope, area="accounts").filter(
            Q(label=f"Account {account.name}") | Q(label__endswith=f" of {account.name}")
        )[:HISTORY_SHOWN],
    }
    status = 400 if form.errors or store_form.errors else 200
    return render(request, "tickets/settings_account.html", context, status=status)
