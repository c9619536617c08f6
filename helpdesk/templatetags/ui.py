"""The UI toolkit's small components and filters (the larger partials are under
templates/components/): a deadline's countdown, priority and status pills, an owner with the
on-shift dot, countdown wording and the semantic colour of a priority, status or SLA state.

The components are tags written in Python rather than included templates: the queue draws them on
every row (four per row, fifty rows), and an `{% include %}` costs about 40 times more than a
function that formats a few strings. Pure: the current time is passed in by the template."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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
_CLOCK_ICON = mark_safe(  # nosec B308 B703  # a constant of our own markup
    '<svg class="hd-clock" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6.5"/>'
    '<path d="M8 4.5V8l2.5 1.5"/></svg>'
)


def esc(value: object) -> str:
    """`django.utils.html.escape` without its lazy-string wrapper: the same text, for a value that
    is plain text (never already-safe markup). The row components call it about a thousand times
    on a list page, where the wrapper cost more than the escaping."""
    return html.escape(str(value))


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


def moment_title(moment: datetime) -> str:
    """An instant in the viewer's zone as a tooltip reads it: "Mon 7 Dec 2026, 14:05 AEDT" (the
    `date:'D j M Y, H:i T'` of the templates, without the template engine's cost)."""
    return _title(timezone.localtime(moment))


def _title(local: datetime) -> str:
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def moment_iso(moment: datetime) -> str:
    """An instant in the viewer's zone as ISO 8601 (the templates' `date:'c'`)."""
    return timezone.localtime(moment).isoformat()


def countdown(due: datetime | None, now: datetime) -> str:
    """ "47 min left" before the instant, "2 h 10 m overdue" after it (static/js/app.js keeps it
    current in the browser with the same wording)."""
    if due is None:
        return ""
    seconds = int((due - now).total_seconds())
    return f"{span_words(seconds)} left" if seconds >= 0 else f"{span_words(-seconds)} overdue"


@register.simple_tag(name="countdown")
def countdown_tag(due: datetime | None, now: datetime, state: str = "") -> SafeString:
    """A deadline as a live countdown ("47 min left", "2 h 10 m overdue") with the absolute time in
    the viewer's zone on hover; `state` "breached" or "at risk" colours it."""
    if due is None:
        return mark_safe('<span class="text-secondary">—</span>')  # nosec B308 B703  # constant markup
    tone = " is-late" if state == "breached" or due < now else (" is-risk" if state == "at risk" else "")
    local = timezone.localtime(due)
    iso = local.isoformat()
    return mark_safe(  # nosec B308 B703  # every value escaped; the icon is our own constant markup
        f'<time class="hd-countdown{tone}" datetime="{iso}" data-due="{iso}" title="{esc(_title(local))}">'
        f'{_CLOCK_ICON}<span class="hd-countdown-text">{esc(countdown(due, now))}</span></time>'
    )


@register.simple_tag
def priority_pill(priority: Any) -> SafeString:
    return mark_safe(  # nosec B308 B703  # every value escaped
        f'<span class="hd-pill hd-pri-{esc(priority_tone(priority))}"><span class="hd-dot" aria-hidden="true">'
        f"</span>{esc(priority.name)}</span>"
    )


@register.simple_tag
def status_pill(case: Any) -> SafeString:
    return mark_safe(  # nosec B308 B703  # every value escaped
        f'<span class="hd-pill hd-status-{esc(status_tone(case.status))}" data-testid="status-pill">'
        f"{esc(_status_label(case))}</span>"
    )


_STATUS_LABELS: dict[type, dict[str, str]] = {}


def _status_label(case: Any) -> str:
    """`case.get_status_display()`, with the model's labels read once rather than on every row."""
    meta = getattr(type(case), "_meta", None)
    if meta is None:
        return str(case.get_status_display())
    labels = _STATUS_LABELS.get(type(case))
    if labels is None:
        labels = _STATUS_LABELS[type(case)] = {str(k): str(v) for k, v in meta.get_field("status").flatchoices}
    return labels.get(case.status, case.status)


@register.simple_tag(name="moment")
def moment_tag(when: datetime | None, now: datetime) -> SafeString:
    """When something happened, as "12 min ago" with the instant on hover."""
    if when is None:
        return mark_safe("")  # nosec B308 B703  # constant markup
    local = timezone.localtime(when)
    return mark_safe(  # nosec B308 B703  # every value escaped
        f'<time datetime="{local.isoformat()}" title="{esc(_title(local))}">{esc(ago(when, now))}</time>'
    )


@register.filter
def is_past(due: datetime | None, now: datetime) -> bool:
    return due is not None and due < now


def priority_tone(priority: Any) -> str:
    """Red for the most urgent level, orange for the second, blue for the third, grey below."""
    rank = getattr(priority, "rank", None) or 99
    return {1: "critical", 2: "high", 3: "medium"}.get(rank, "low")


def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "open")


@register.filter
def sla_tone(state: str) -> str:
    return SLA_TONES.get(str(state).lower(), "running")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]` in a template (None when missing)."""
    return mapping.get(key) if mapping else None


def ago(moment: datetime | None, now: datetime) -> str:
    """How long ago, in the countdown's words: "12 min ago", "3 h 5 m ago"."""
    if moment is None:
        return ""
    return f"{span_words(max(int((now - moment).total_seconds()), 0))} ago"
