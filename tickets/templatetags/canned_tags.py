"""`{% canned_replies case %}`: the saved replies, filled in for this case, for its reply box."""

from __future__ import annotations

from django import template

from helpdesk.roles import STAFF_ROLES
from tickets.canned import fill
from tickets.models import Case
from tickets.selectors import canned_reply_list

register = template.Library()


@register.inclusion_tag("tickets/_canned_replies.html", takes_context=True)
def canned_replies(context: template.Context, case: Case) -> dict[str, object]:
    scope = getattr(context.get("request"), "scope", None)
    if scope is None or scope.role not in STAFF_ROLES or not case.is_active:
        return {"replies": []}
    replies = [(reply, fill(reply.body, case=case)) for reply in canned_reply_list(tenant=scope.tenant)]
    return {"replies": replies}
