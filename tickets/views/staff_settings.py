"""The tenant admin's staff pages: the list with an invitation form, and one member's role,
access and shift hours."""

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
from tickets.services.staff import staff_invitation_pending, staff_invite, staff_invite_again, staff_update
from tickets.settings_forms import StaffEditForm, StaffInviteForm
from tickets.settings_selectors import staff_member_get, staff_open_case_counts, staff_settings_list, staff_shift_hours
from tickets.shifts import DAY_NAMES, ShiftHoursForm, shift_text

HISTORY_SHOWN = 10


@require_scope(ADMIN_ROLES)
def staff(request: ScopedRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = staff_invite(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, f"{user.email} is invited: the mail with a link to choose a password is on its way."
            )
            return redirect("settings-staff")
    counts = staff_open_case_counts(scope=request.scope)
    members = [
        {"user": user, "open": counts.get(user.pk, 0), "hours": _hours_summary(user), "state": _state(user)}
        for user in staff_settings_list(scope=request.scope)
    ]
    context = {"form": form, "members": members, "changes": _changes(request)}
    return render(request, "tickets/settings_staff.html", context, status=400 if form.errors else 200)


def _hours_summary(user: User) -> str:
    hours = staff_shift_hours(user)
    return "; ".join(f"{DAY_NAMES[day][:3]} {shift_text(intervals)}" for day, intervals in hours.items()) or "No shift"


def _state(user: User) -> str:
    if not user.is_active:
        return "Deactivated"
    return "Invited" if staff_invitation_pending(user) else "Active"


def _changes(request: ScopedRequest) -> object:
    return setting_change_list(scope=request.scope, area="staff")[:HISTORY_SHOWN]


@require_scope(ADMIN_ROLES)
def staff_member(request: ScopedRequest, pk: int) -> HttpResponse:
    member = staff_member_get(scope=request.scope, pk=pk)
    hours = staff_shift_hours(member)
    if request.method == "POST" and "resend" in request.POST:
        staff_invite_again(actor=request.user, user=member)
        messages.success(request, f"A new invitation is on its way to {member.email}.")
        return redirect("settings-staff-member", pk=member.pk)
    if request.method != "POST":
        form = StaffEditForm(initial={"role": member.role, "is_active": member.is_active})
        return _member_page(request, member, form, ShiftHoursForm(hours=hours, prefix="shift"))
    form, shift_form = StaffEditForm(request.POST), ShiftHoursForm(request.POST, hours=hours, prefix="shift")
    if form.is_valid() and shift_form.is_valid():
        try:
            staff_update(
                actor=request.user,
                user=member,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
                shift_hours=shift_form.cleaned_data["hours"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{member.get_full_name()} is saved.")
            return redirect("settings-staff")
    return _member_page(request, member, form, shift_form, status=400)


def _member_page(
    request: ScopedRequest, member: User, form: StaffEditForm, shift_form: ShiftHoursForm, status: int = 200
) -> HttpResponse:
    context = {
        "member": member,
        "form": form,
        "shift_form": shift_form,
        "pending": staff_invitation_pending(member),
        "open": staff_open_case_counts(scope=request.scope).get(member.pk, 0),
        "changes": setting_change_list(scope=request.scope, area="staff").filter(label=f"Staff {member.email}")[
            :HISTORY_SHOWN
        ],
    }
    return render(request, "tickets/settings_staff_member.html", context, status=status)
