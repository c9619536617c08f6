"""`{{ event|event_story:zone }}` and `{% story event %}`: a history entry in words
(tickets.history). The tag names staff by the page's `staff_names` (e-mail address → display
name, read once per page by tickets.selectors.staff_names)."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from tickets.history import describe
from tickets.models import CaseEvent

register = template.Library()


def _zone(zone: str | None) -> ZoneInfo:
    return ZoneInfo(zone) if zone else ZoneInfo(str(timezone.get_current_timezone()))


@register.filter
def event_story(event: CaseEvent, zone: str | None = None) -> str:
    return describe(code=event.code, old=event.old, new=event.new, zone=_zone(zone))


@register.simple_tag(takes_context=True)
def story(context: template.Context, event: CaseEvent) -> str:
    names: Mapping[str, str] | None = context.get("staff_names")
    return describe(code=event.code, old=event.old, new=event.new, zone=_zone(None), names=names)
