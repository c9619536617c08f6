"""Tenant admin pages: API keys (created, shown once, revoked), outbound webhooks and the settings history."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from helpdesk.api.params import id_param
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.forms import ApiKeyForm, WebhookEndpointForm, add_domain_error
from helpdesk.messaging.webhooks import webhook_ping, webhook_replay
from helpdesk.models import SETTING_AREAS, WebhookEndpoint
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import (
    active_user_list,
    api_key_list,
    setting_change_list,
    webhook_delivery_list,
    webhook_delivery_logs,
    webhook_endpoint_get,
    webhook_endpoint_list,
)
from helpdesk.services import (
    api_key_create,
    api_key_revoke,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_set_active,
    webhook_endpoint_update,
)
from helpdesk.tenancy import ScopedRequest, require_scope

NEW_KEY_SESSION_KEY = "new_api_key"


CHANGES_SHOWN = 10


@require_scope(ADMIN_ROLES)
def api_keys(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    users = active_user_list(tenant=tenant)
    data = request.POST if request.method == "POST" and "create" in request.POST else None
    form = ApiKeyForm(data, users=users, zone=ZoneInfo(tenant.time_zone))
    # A new key is shown once, on the page the creation redirects to: reloading shows no key and
    # makes none (post/redirect/get).
    new_key = request.session.pop(NEW_KEY_SESSION_KEY, None) if request.method == "GET" else None
    if request.method == "POST" and "revoke" in request.POST:
        key = api_key_list(tenant=tenant).filter(pk=id_param(request.POST.get("revoke"), field="revoke")).first()
        if key is None:
            raise NotFound("No such API key.")
        api_key_revoke(key=key, actor=request.user)
        messages.success(request, f"Key {key.prefix}… is revoked; requests with it are refused from now on.")
        return redirect("settings-api-keys")
    if form.is_bound and form.is_valid():
        try:
            _, raw_key = api_key_create(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                actor=request.user,
            )
        except ValidationFailed as error:
            add_domain_error(form, error, renamed={"expires_at": "expires_on"})
        else:
            request.session[NEW_KEY_SESSION_KEY] = raw_key
            return redirect("settings-api-keys")
    context = {
        "form": form,
        "keys": api_key_list(tenant=tenant),
        "new_key": new_key,
        "changes": setting_change_list(scope=request.scope, area="api-keys")[:CHANGES_SHOWN],
    }
    return render(request, "helpdesk/api_keys.html", context, status=400 if form.errors else 200)


WEBHOOK_ACTIONS = ("update", "toggle", "ping", "delete", "replay")
LOG_PER_ENDPOINT = 5
LOG_FULL = 100


@require_scope(ADMIN_ROLES)
def webhooks(request: ScopedRequest) -> HttpResponse:
    """The tenant's webhooks: add, edit (`?edit=`), pause or resume, ping, delete after a
    confirmation (`?delete=`), and each one's delivery log (`?log=` shows the longer one)."""
    tenant = request.scope.tenant
    if request.method == "POST":
        action = next((name for name in WEBHOOK_ACTIONS if name in request.POST), None)
        if action is not None:
            return _webhook_action(request, action)
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            endpoint = webhook_endpoint_create(
                tenant=tenant, url=form.cleaned_data["url"], events=form.cleaned_data["events"], actor=request.user
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Deliveries to {endpoint.url} are signed with the secret shown with it.")
            return redirect("settings-webhooks")
    return _webhooks_page(request, form=form)


def _chosen_endpoint(request: ScopedRequest, field: str, raw: str | None) -> WebhookEndpoint:
    return webhook_endpoint_get(tenant=request.scope.tenant, endpoint_id=id_param(raw, field=field))


def _webhooks_page(
    request: ScopedRequest, *, form: WebhookEndpointForm, edit_form: WebhookEndpointForm | None = None
) -> HttpResponse:
    tenant = request.scope.tenant
    endpoints = list(webhook_endpoint_list(tenant=tenant))
    editing = deleting = log = None
    if edit_form is None and "edit" in request.GET:
        editing = _chosen_endpoint(request, "edit", request.GET["edit"])
        edit_form = WebhookEndpointForm(initial={"url": editing.url, "events": editing.events}, prefix="edit")
    elif edit_form is not None:
        editing = _chosen_endpoint(request, "update", request.POST.get("update"))
    if "delete" in request.GET:
        deleting = _chosen_endpoint(request, "delete", request.GET["delete"])
    if "log" in request.GET:
        log = _chosen_endpoint(request, "log", request.GET["log"])
    logs = webhook_delivery_logs(tenant=tenant, endpoints=endpoints, per_endpoint=LOG_PER_ENDPOINT)
    if log is not None:
        logs[log.pk] = list(webhook_delivery_list(tenant=tenant, endpoint=log)[:LOG_FULL])
    context = {
        "form": form,
        "edit_form": edit_form,
        "rows": [(endpoint, logs[endpoint.pk]) for endpoint in endpoints],
        "editing": editing,
        "deleting": deleting,
        "log": log,
        "log_size": LOG_PER_ENDPOINT,
        "changes": setting_change_list(scope=request.scope, area="webhooks")[:CHANGES_SHOWN],
    }
    invalid = form.errors or (edit_form is not None and edit_form.errors)
    return render(request, "helpdesk/webhooks.html", context, status=400 if invalid else 200)


def _webhook_action(request: ScopedRequest, action: str) -> HttpResponse:
    tenant = request.scope.tenant
    if action == "replay":
        delivery = (
            webhook_delivery_list(tenant=tenant).filter(pk=id_param(request.POST["replay"], field="replay")).first()
        )
        if delivery is None:
            raise NotFound("No such delivery.")
        again = webhook_replay(delivery=delivery)
        messages.success(request, f"Delivery {delivery.pk} is sent again as delivery {again.pk}.")
        return redirect(f"{reverse('settings-webhooks')}?log={delivery.endpoint_id}#webhook-{delivery.endpoint_id}")
    endpoint = _chosen_endpoint(request, action, request.POST.get(action))
    if action == "update":
        return _webhook_update(request, endpoint)
    if action == "toggle":
        webhook_endpoint_set_active(endpoint=endpoint, active=not endpoint.is_active, actor=request.user)
        state = "is active again" if endpoint.is_active else "is paused: no events are queued for it"
        messages.success(request, f"The webhook to {endpoint.url} {state}.")
    elif action == "ping":
        ping = webhook_ping(endpoint=endpoint)
        messages.success(request, f"A test ping (delivery {ping.pk}) is on its way to {endpoint.url}.")
        return redirect(f"{reverse('settings-webhooks')}?log={endpoint.pk}#webhook-{endpoint.pk}")
    else:
        url = endpoint.url
        removed = webhook_endpoint_delete(endpoint=endpoint, actor=request.user)
        messages.success(request, f"The webhook to {url} is deleted, with its log of {removed} deliveries.")
    return redirect("settings-webhooks")


def _webhook_update(request: ScopedRequest, endpoint: WebhookEndpoint) -> HttpResponse:
    edit_form = WebhookEndpointForm(request.POST, prefix="edit")
    if edit_form.is_valid():
        try:
            webhook_endpoint_update(
                endpoint=endpoint,
                url=edit_form.cleaned_data["url"],
                events=edit_form.cleaned_data["events"],
                actor=request.user,
            )
        except ValidationFailed as error:
            add_domain_error(edit_form, error)
        else:
            messages.success(request, f"The webhook to {endpoint.url} is saved.")
            return redirect("settings-webhooks")
    return _webhooks_page(request, form=WebhookEndpointForm(), edit_form=edit_form)


HISTORY_PAGE_SIZE = 200


@require_scope(ADMIN_ROLES)
def settings_history(request: ScopedRequest) -> HttpResponse:
    """Who changed which setting, newest first; `?area=` narrows it to one settings page."""
    area = request.GET.get("area") or None
    if area is not None and area not in SETTING_AREAS:
        raise ValidationFailed("Choose a settings page from the list.", errors={"area": ["Unknown settings page."]})
    changes = list(setting_change_list(scope=request.scope, area=area)[: HISTORY_PAGE_SIZE + 1])
    context = {
        "changes": changes[:HISTORY_PAGE_SIZE],
        "more": len(changes) > HISTORY_PAGE_SIZE,
        "areas": SETTING_AREAS,
        "area": area,
    }
    return render(request, "helpdesk/settings_history.html", context)
