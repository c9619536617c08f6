"""Filters of the UI toolkit (templates/components/): countdown wording and the semantic colour of
a priority, status or SLA state. Pure: the current time is passed in by the template."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

register = template.Library()

# Status -> pill tone (CSS class suffix in static/css/site.css).
STATUS_TONES = {
    "new": "new",
    "open": "open",
    "waiting_on_customer": "waiting",
    "reopened": "reopened",
    "resolved": "resolved",
    "closed": "closed",
}
SLA_TONES = {"running": "running", "at risk": "risk", "breached": "breached", "met": "met", "paused": "paused"}


def span_words(seconds: int) -> str:
    """A span as a person reads it at a glance: "47 min", "2 h 10 m", "3 d 4 h"."""
    minutes = max(seconds, 0) // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} m" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@register.filter
def countdown(due: datetime | None, now: datetime) -> str:
    """ "47 min left" before the instant, "2 h 10 m overdue" after it (static/js/app.js keeps it
    current in the browser with the same wording)."""
    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    return f"{span_words(seconds)} left" if seconds >= 0 else f"{span_words(-seconds)} overdue"


@register.filter
def is_past(due: datetime | None, now: datetime) -> bool:
    return due is not None and due < now


@register.filter
def priority_tone(priority: Any) -> str:
    """Red for the most urgent level, orange for the second, blue for the third, grey below."""
    rank = getattr(priority, "rank", None) or 99
    return {1: "critical", 2: "high", 3: "medium"}.get(rank, "low")


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "open")


@register.filter
def sla_tone(state: str) -> str:
    return SLA_TONES.get(str(state).lower(), "running")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]` in a template (None when missing)."""
    return mapping.get(key) if mapping else None


@register.filter
def ago(moment: datetime | None, now: datetime) -> str:
    """How long ago, in the countdown's words: "12 min ago", "3 h 5 m ago"."""
    if moment is None:
        return ""
    return f"{span_words(max(int((now - moment).total_seconds()), 0))} ago"
