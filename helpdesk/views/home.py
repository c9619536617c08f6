"""The role-aware landing page and the tenant admin's settings home."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from helpdesk.models import Role
from helpdesk.roles import ACCOUNT_HOLDER_ROLES, ADMIN_ROLES
from helpdesk.selectors import account_list, account_profile, store_list
from helpdesk.tenancy import ScopedRequest, require_scope

DEFAULT_BRAND = "#1f6feb"
BRAND_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# URL names (strings), so the platform links to each app's home without importing it.
HOME_BY_ROLE = {
    Role.MERCHANT: "portal",
    Role.PARTNER: "portal",
    Role.ANALYST: "queue",
    Role.MANAGER: "dashboard",
    Role.ADMIN: "tenant-settings",
}


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    scope = getattr(request, "scope", None)  # set by TenancyMiddleware; None without a tenant
    if scope is None:
        # Platform superusers have no tenant: their home is the Django admin.
        return redirect("admin:index" if request.user.is_superuser else "login")
    return redirect(HOME_BY_ROLE[scope.role])


@require_scope(ADMIN_ROLES)
def tenant_settings(request: ScopedRequest) -> HttpResponse:
    return render(request, "helpdesk/tenant_settings.html", {"accounts": account_list(scope=request.scope)})


@require_scope(ACCOUNT_HOLDER_ROLES)
def account(request: ScopedRequest) -> HttpResponse:
    """The merchant's account: plan, technical contact, CC addresses and stores."""
    scope = request.scope
    context = {"account": account_profile(scope=scope), "stores": store_list(scope=scope)}
    return render(request, "helpdesk/account.html", context)


# The tenant's accent colour, as a stylesheet of the product's own origin: the
# Content-Security-Policy allows no inline style, and a colour is all that differs per tenant.
BRAND_CSS = """:root {{ --hd-brand: {colour}; --hd-brand-ink: {ink}; }}
.btn-primary {{ --bs-btn-color: {ink}; --bs-btn-hover-color: {ink}; --bs-btn-active-color: {ink};
  --bs-btn-bg: {colour}; --bs-btn-border-color: {colour}; --bs-btn-hover-bg: {colour};
  --bs-btn-hover-border-color: {colour}; --bs-btn-active-bg: {colour}; --bs-btn-active-border-color: {colour};
  --bs-btn-disabled-bg: {colour}; --bs-btn-disabled-border-color: {colour}; }}
.btn-outline-primary {{ --bs-btn-color: {colour}; --bs-btn-border-color: {colour}; --bs-btn-hover-bg: {colour};
  --bs-btn-hover-border-color: {colour}; --bs-btn-active-bg: {colour}; }}
"""


def brand_ink(colour: str) -> str:
    """White text on a dark brand colour, near-black on a light one (whichever contrasts more, WCAG)."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    # Contrast with white is 1.05 / (L + 0.05); with #1d2733 (luminance ~0.019) it is (L + 0.05) / 0.069.
    return "#fff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.069 else "#1d2733"


def brand_css(request: HttpRequest) -> HttpResponse:
    scope = getattr(request, "scope", None)  # signed out: the default colour
    colour = scope.tenant.brand_colour if scope else DEFAULT_BRAND
    if not BRAND_COLOUR.fullmatch(colour):
        colour = DEFAULT_BRAND
    css = BRAND_CSS.format(colour=colour, ink=brand_ink(colour))
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The page links it with the colour in its query, so a changed colour is a new URL.
    response["Cache-Control"] = "private, max-age=86400"
    return response
