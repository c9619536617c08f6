"""Staff notifications pages: the bell (a partial that refreshes itself), the list with mark-read
and mark-all-read, and the choice of which kinds also come by mail."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from helpdesk.errors import DomainError
from helpdesk.http import post_or_back
from helpdesk.roles import STAFF_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.models import NotificationKind
from tickets.selectors import notification_get, notification_list, notification_mail_off, notification_unread_count
from tickets.services import notification_mail_set, notification_mark_all_read, notification_mark_read

LIST_SIZE = 50


def bell_context(request: ScopedRequest) -> dict[str, object]:
    return {"unread": notification_unread_count(scope=request.scope), "bell_url": reverse("notification-bell")}


@require_GET
@require_scope(STAFF_ROLES)
def bell(request: ScopedRequest) -> HttpResponse:
    """The bell alone, for static/js/bell.js to swap in every so often."""
    return render(request, "tickets/_bell.html", bell_context(request))


@require_scope(STAFF_ROLES)
def notifications(request: ScopedRequest) -> HttpResponse:
    """The signed-in staff member's notifications, newest first; `?unread=1` for unread only."""
    unread_only = request.GET.get("unread") == "1"
    rows = list(notification_list(scope=request.scope, unread=unread_only)[:LIST_SIZE])
    return render(
        request,
        "tickets/notifications.html",
        {"rows": rows, "unread_only": unread_only, **bell_context(request)},
    )


@post_or_back("notifications")
@require_scope(STAFF_ROLES)
def notification_read(request: ScopedRequest, pk: int) -> HttpResponse:
    """Mark one read; with `open`, go on to its case."""
    notification = notification_get(scope=request.scope, pk=pk)
    notification_mark_read(notification=notification, user=request.user)
    if request.POST.get("open"):
        return redirect("case-detail", number=notification.case.number)
    return redirect("notifications")


@post_or_back("notifications")
@require_scope(STAFF_ROLES)
def notifications_read_all(request: ScopedRequest) -> HttpResponse:
    count = notification_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications")


@require_scope(STAFF_ROLES)
def notification_settings(request: ScopedRequest) -> HttpResponse:
    """Which kinds of notification also come by mail (all of them, until turned off)."""
    error = ""
    if request.method == "POST":
        wanted = set(request.POST.getlist("mail"))
        try:
            notification_mail_set(user=request.user, mail_off=set(NotificationKind.values) - wanted)
        except DomainError as failure:
            error = failure.message
        else:
            messages.success(request, "Your notification mail settings are saved.")
            return redirect("notification-settings")
    off = notification_mail_off(scope=request.scope)
    kinds = [(kind.value, kind.label, kind.value not in off) for kind in NotificationKind]
    return render(
        request, "tickets/notification_settings.html", {"kinds": kinds, "error": error}, status=400 if error else 200
    )
