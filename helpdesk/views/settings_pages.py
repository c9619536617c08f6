"""Tenant admin pages: API keys (created, shown once, revoked), outbound webhooks and the settings history."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.api.params import id_param
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.forms import ApiKeyForm, WebhookEndpointForm, add_domain_error
from helpdesk.messaging.webhooks import webhook_replay
from helpdesk.models import SETTING_AREAS, WebhookEndpoint
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import (
    active_user_list,
    api_key_list,
    setting_change_list,
    webhook_delivery_list,
    webhook_endpoint_list,
)
from helpdesk.services import api_key_create, api_key_revoke, webhook_endpoint_create, webhook_endpoint_set_active
from helpdesk.tenancy import ScopedRequest, require_scope

NEW_KEY_SESSION_KEY = "new_api_key"


@require_scope(ADMIN_ROLES)
def api_keys(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    users = active_user_list(tenant=tenant)
    form = ApiKeyForm(request.POST if request.method == "POST" and "create" in request.POST else None, users=users)
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
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            request.session[NEW_KEY_SESSION_KEY] = raw_key
            return redirect("settings-api-keys")
    keys = api_key_list(tenant=tenant)
    return render(request, "helpdesk/api_keys.html", {"form": form, "keys": keys, "new_key": new_key})


@require_scope(ADMIN_ROLES)
def webhooks(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    endpoints = webhook_endpoint_list(tenant=tenant)
    form = WebhookEndpointForm(request.POST if request.method == "POST" and "create" in request.POST else None)
    if request.method == "POST" and ("toggle" in request.POST or "replay" in request.POST):
        return _webhook_action(request, endpoints)
    if form.is_bound and form.is_valid():
        try:
            endpoint = webhook_endpoint_create(
                tenant=tenant, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
            )
        except ValidationFailed as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Deliveries to {endpoint.url} are signed with the secret shown below.")
            return redirect("settings-webhooks")
    deliveries = webhook_delivery_list(tenant=tenant)[:50]
    return render(request, "helpdesk/webhooks.html", {"form": form, "endpoints": endpoints, "deliveries": deliveries})


def _webhook_action(request: ScopedRequest, endpoints: QuerySet[WebhookEndpoint]) -> HttpResponse:
    tenant = request.scope.tenant
    if "toggle" in request.POST:
        endpoint = endpoints.filter(pk=id_param(request.POST["toggle"], field="toggle")).first()
        if endpoint is None:
            raise NotFound("No such webhook.")
        webhook_endpoint_set_active(endpoint=endpoint, active=not endpoint.is_active)
    else:
        delivery = (
            webhook_delivery_list(tenant=tenant).filter(pk=id_param(request.POST["replay"], field="replay")).first()
        )
        if delivery is None:
            raise NotFound("No such delivery.")
        again = webhook_replay(delivery=delivery)
        messages.success(request, f"Delivery {delivery.pk} is sent again as delivery {again.pk}.")
    return redirect("settings-webhooks")


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
