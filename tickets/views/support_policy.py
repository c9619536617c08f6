"""The tenant's public support-policy page: no sign-in, generated from the live configuration."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from helpdesk.errors import NotFound, ValidationFailed
from tickets.public_policy import support_policy, tenant_by_slug


def support_policy_page(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    tenant = tenant_by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such support organisation.")
    today = timezone.now().astimezone(ZoneInfo(tenant.time_zone)).date()
    return render(request, "tickets/support_policy.html", {"policy": support_policy(tenant=tenant, today=today)})


def support_policy_find(request: HttpRequest) -> HttpResponse:
    """The sign-in page's "read a support policy" form: the organisation's slug as typed."""
    slug = slugify(request.GET.get("organisation", ""))
    if not slug:
        raise ValidationFailed(
            "Type the support organisation's name, e.g. storeconnect.",
            errors={"organisation": ["Type the support organisation's name."]},
        )
    return redirect("support-policy", tenant_slug=slug)
