"""`{% handoff_offers %}`: worked-first cases whose owner's shift is over, for the queue;
`roster|roster_entry:pk`: one staff member's entry of a roster (tickets.selectors.staff_roster)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from helpdesk.roles import STAFF_ROLES
from tickets.selectors import RosterEntry, handoff_candidates

register = template.Library()


@register.inclusion_tag("tickets/_handoff.html", takes_context=True)
def handoff_offers(context: template.Context) -> dict[str, object]:
    scope = getattr(context.get("request"), "scope", None)
    if scope is None or scope.role not in STAFF_ROLES:
        return {"cases": []}
    return {"cases": handoff_candidates(scope=scope, now=timezone.now())}


@register.filter
def roster_entry(roster: dict[int, RosterEntry] | None, pk: int) -> RosterEntry | None:
    return (roster or {}).get(pk)
