"""The tenant admin's branding page, and the tenant's logo as the app shell shows it."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.forms import BrandingForm, add_domain_error
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.services import tenant_branding_update
from helpdesk.tenancy import ScopedRequest, require_scope

HISTORY_SHOWN = 10


@require_scope(ADMIN_ROLES)
def branding(request: ScopedRequest) -> HttpResponse:
    tenant = request.scope.tenant
    if request.method != "POST":
        initial = {
            "name": tenant.name,
            "brand_colour": tenant.brand_colour,
            "support_phone_numbers": "\n".join(tenant.support_phone_numbers),
            "senior_management_email": tenant.senior_management_email,
        }
        return _page(request, BrandingForm(initial=initial))
    form = BrandingForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tenant_branding_update(
                tenant=tenant,
                actor=request.user,
                changes={name: data[name] for name in ("name", "brand_colour", "support_phone_numbers")}
                | {"senior_management_email": data["senior_management_email"]},
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Branding and support numbers are saved; every page shows them now.")
            return redirect("settings-branding")
    return _page(request, form, status=400)


def _page(request: ScopedRequest, form: BrandingForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "tenant": request.scope.tenant,
        "changes": setting_change_list(scope=request.scope, area="branding")[:HISTORY_SHOWN],
    }
    return render(request, "helpdesk/settings_branding.html", context, status=status)


@require_scope()
def brand_logo(request: ScopedRequest) -> HttpResponseBase:
    """The signed-in user's tenant's logo (the page links it with its name, so a new one is a new
    URL); a tenant without one answers 204, nothing to show (the shell links no logo then)."""
    tenant = request.scope.tenant
    if not tenant.logo:
        return HttpResponse(status=204)
    response = FileResponse(tenant.logo.open("rb"), content_type=tenant.logo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
