"""Managers' and admins' page for the tenant's saved replies: list, add, change, remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.http import post_or_back
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.canned import PLACEHOLDERS
from tickets.forms import CannedReplyForm
from tickets.models import CannedReply
from tickets.selectors import canned_reply_get, canned_reply_list
from tickets.services import canned_reply_delete, canned_reply_save


@require_scope(MANAGING_ROLES)
def canned_replies(request: ScopedRequest, pk: int | None = None) -> HttpResponse:
    """The list with a form to add one (or, with `pk`, to change that one)."""
    reply = canned_reply_get(tenant=request.scope.tenant, pk=pk) if pk else None
    if request.method != "POST":
        initial = {"title": reply.title, "body": reply.body, "follow_up": reply.follow_up} if reply else None
        return _page(request, CannedReplyForm(initial=initial), reply)
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        try:
            saved = canned_reply_save(actor=request.user, reply=reply, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Saved reply “{saved.title}” is saved.")
            return redirect("canned-replies")
    return _page(request, form, reply, status=400)


def _page(request: ScopedRequest, form: CannedReplyForm, reply: CannedReply | None, status: int = 200) -> HttpResponse:
    context = {
        "replies": canned_reply_list(tenant=request.scope.tenant),
        "form": form,
        "editing": reply,
        "placeholders": [(name, label) for name, (label, _) in PLACEHOLDERS.items()],
    }
    return render(request, "tickets/canned_replies.html", context, status=status)


@post_or_back("canned-replies")
@require_scope(MANAGING_ROLES)
def canned_reply_remove(request: ScopedRequest, pk: int) -> HttpResponse:
    reply = canned_reply_get(tenant=request.scope.tenant, pk=pk)
    canned_reply_delete(actor=request.user, reply=reply)
    messages.success(request, f"Saved reply “{reply.title}” is removed.")
    return redirect("canned-replies")
