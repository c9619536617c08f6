"""`{{ event|event_story:zone }}`: a history entry in words (tickets.history)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from tickets.history import describe
from tickets.models import CaseEvent

register = template.Library()


@register.filter
def event_story(event: CaseEvent, zone: str | None = None) -> str:
    tz = ZoneInfo(zone) if zone else ZoneInfo(str(timezone.get_current_timezone()))
    return describe(code=event.code, old=event.old, new=event.new, zone=tz)
