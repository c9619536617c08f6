"""Every signed-in user's own profile: display name and time zone, and for analysts and managers
their weekly shift hours."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.roles import SHIFT_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.profile import ProfileForm
from tickets.selectors import shift_hours_get
from tickets.services import profile_update


@require_scope()
def profile(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    hours = shift_hours_get(scope=scope) if scope.role in SHIFT_ROLES else None
    form = ProfileForm(request.POST if request.method == "POST" else None, scope=scope, shift_hours=hours)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile_update(
                user=request.user,
                full_name=data["full_name"],
                time_zone=data["time_zone"],
                shift_hours=data.get("shift_hours"),
            )
        except DomainError as error:
            add_domain_error(form, error, renamed={"shift_hours": "shift_mon"})
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    return render(request, "tickets/profile.html", {"form": form}, status=400 if form.errors else 200)
