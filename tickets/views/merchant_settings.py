"""The tenant admin's page of one account's merchant users: the list, an invitation form, and a
button per row to send the invitation again, deactivate or reactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.models import Account, User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import setting_change_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.services.merchant_users import merchant_invite, merchant_invite_again, merchant_set_active
from tickets.services.staff import staff_invitation_pending
from tickets.settings_forms import MerchantInviteForm, MerchantUserActionForm
from tickets.settings_selectors import account_merchant_users, account_settings_get, merchant_user_get

HISTORY_SHOWN = 10

# Each row button: the service call, and what the page says once it is done.
ACTIONS: dict[str, tuple[Callable[[User, User], object], str]] = {
    "resend": (
        lambda actor, user: merchant_invite_again(actor=actor, user=user),
        "A new invitation is on its way to {}.",
    ),
    "deactivate": (
        lambda actor, user: merchant_set_active(actor=actor, user=user, is_active=False),
        "{} is deactivated: they cannot sign in.",
    ),
    "reactivate": (
        lambda actor, user: merchant_set_active(actor=actor, user=user, is_active=True),
        "{} is active again.",
    ),
}


@require_scope(ADMIN_ROLES)
def account_users(request: ScopedRequest, account_id: int) -> HttpResponse:
    account = account_settings_get(scope=request.scope, pk=account_id)
    form = MerchantInviteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = merchant_invite(actor=request.user, account=account, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, f"{user.email} is invited: the mail with a link to choose a password is on its way."
            )
            return redirect("settings-account-users", account_id=account.pk)
    return _page(request, account, form, status=400 if form.errors else 200)


@require_scope(ADMIN_ROLES)
def merchant_user(request: ScopedRequest, merchant_id: int) -> HttpResponse:
    """A row button's post; anything else goes back to the account's list."""
    member = merchant_user_get(scope=request.scope, pk=merchant_id)
    account = cast("Account", member.account)  # merchant_user_get reads only users with an account
    back = reverse("settings-account-users", kwargs={"account_id": account.pk}) + f"#merchant-{member.pk}"
    if request.method != "POST":
        return redirect(back)
    form = MerchantUserActionForm(request.POST)
    if not form.is_valid():
        refused = "Choose what to do: send the invitation again, deactivate or reactivate."
    else:
        call, done = ACTIONS[form.cleaned_data["action"]]
        try:
            call(request.user, member)
        except DomainError as error:
            refused = error.message
        else:
            messages.success(request, done.format(member.email))
            return redirect(back)
    return _page(request, account, MerchantInviteForm(), status=400, refused=(member, refused))


def _state(user: User) -> str:
    if not user.is_active:
        return "Deactivated"
    return "Invited" if staff_invitation_pending(user) else "Active"


def _page(
    request: ScopedRequest,
    account: Account,
    form: MerchantInviteForm,
    *,
    status: int,
    refused: tuple[User, str] | None = None,
) -> HttpResponse:
    rows = [
        {"user": user, "state": _state(user), "contact": user.pk == account.technical_contact_id}
        for user in account_merchant_users(scope=request.scope, account=account)
    ]
    changes = setting_change_list(scope=request.scope, area="accounts").filter(
        label__startswith="Merchant user ", label__endswith=f" of {account.name}"
    )
    context = {
        "account": account,
        "form": form,
        "rows": rows,
        "refused_user": refused[0] if refused else None,
        "refused": refused[1] if refused else "",
        "changes": changes[:HISTORY_SHOWN],
    }
    return render(request, "tickets/settings_account_users.html", context, status=status)
