"""The tenant admin's partner pages: the list with an invitation form, and one partner's accounts
(link and unlink) and access."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.models import User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.services.partners import partner_invite, partner_invite_again, partner_update
from tickets.services.staff import staff_invitation_pending
from tickets.settings_forms import PartnerEditForm, PartnerInviteForm
from tickets.settings_selectors import account_choices, partner_settings_get, partner_settings_list

HISTORY_SHOWN = 10


def _state(user: User) -> str:
    if not user.is_active:
        return "Deactivated"
    return "Invited" if staff_invitation_pending(user) else "Active"


@require_scope(ADMIN_ROLES)
def partners(request: ScopedRequest) -> HttpResponse:
    accounts = account_choices(scope=request.scope)
    form = PartnerInviteForm(request.POST if request.method == "POST" else None, accounts=accounts)
    if form.is_bound and form.is_valid():
        try:
            user = partner_invite(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, f"{user.email} is invited: the mail with a link to choose a password is on its way."
            )
            return redirect("settings-partners")
    context = {
        "form": form,
        "partners": [(user, _state(user)) for user in partner_settings_list(scope=request.scope)],
        "changes": setting_change_list(scope=request.scope, area="partners")[:HISTORY_SHOWN],
    }
    return render(request, "tickets/settings_partners.html", context, status=400 if form.errors else 200)


@require_scope(ADMIN_ROLES)
def partner(request: ScopedRequest, partner_id: int) -> HttpResponse:
    member = partner_settings_get(scope=request.scope, pk=partner_id)
    accounts = account_choices(scope=request.scope)
    if request.method == "POST" and "resend" in request.POST:
        try:
            partner_invite_again(actor=request.user, user=member)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"A new invitation is on its way to {member.email}.")
        return redirect("settings-partner", partner_id=member.pk)
    initial = {"accounts": [link.account for link in member.links], "is_active": member.is_active}  # type: ignore[attr-defined]
    form = PartnerEditForm(request.POST if request.method == "POST" else None, initial=initial, accounts=accounts)
    if form.is_bound and form.is_valid():
        try:
            partner_update(actor=request.user, user=member, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{member.get_full_name()} is saved.")
            return redirect("settings-partner", partner_id=member.pk)
    context = {
        "member": member,
        "state": _state(member),
        "form": form,
        "changes": setting_change_list(scope=request.scope, area="partners").filter(label=f"Partner {member.email}")[
            :HISTORY_SHOWN
        ],
    }
    return render(request, "tickets/settings_partner.html", context, status=400 if form.errors else 200)
