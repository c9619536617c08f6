"""`{% notification_bell %}`: the staff bell with its unread count, for any page's header."""

from __future__ import annotations

from django import template
from django.urls import reverse

from helpdesk.roles import STAFF_ROLES
from tickets.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("tickets/_bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, object]:
    scope = getattr(context.get("request"), "scope", None)
    if scope is None or scope.role not in STAFF_ROLES:
        return {"hidden": True}
    return {"unread": notification_unread_count(scope=scope), "bell_url": reverse("notification-bell")}
