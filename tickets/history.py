"""The case history as a story: each event's label with what changed, old → new, in words.

Pure: reads only the event's own fields (code, old, new) and the zone to show times in, so the
case page, exports and mail can all say "Priority changed from High to Critical" the same way.
Notes are not part of the story: who may read them is `tickets.visibility`'s rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sla.models import Metric
from tickets.models import EVENT_LABELS, EngineeringState, EscalationLevel, EscalationReason, RaisedBy, Status

REASSIGN_REASONS = {
    "time_zone": "time-zone hand-off",
    "expertise": "different product expertise",
    "workload": "workload",
    "other": "other",
}


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _status(value: object) -> str:
    return _label(Status, value).lower()


def _metric(value: object) -> str:
    return _label(Metric, value)


def _when(value: object, zone: ZoneInfo) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return datetime.fromisoformat(value).astimezone(zone).strftime("%a %d %b, %H:%M %Z")
    except ValueError:
        return value


def _assigned(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Assigned to {new.get('assignee', 'an analyst')}"


def _reassigned(old: dict, new: dict, zone: ZoneInfo) -> str:
    why = REASSIGN_REASONS.get(new.get("reason", ""), "")
    return f"Reassigned from {old.get('assignee', '—')} to {new.get('assignee', '—')}" + (f" ({why})" if why else "")


def _priority(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Priority changed from {old.get('priority', '—')} to {new.get('priority', '—')}"


def _status_change(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Status changed from {_status(old.get('status'))} to {_status(new.get('status'))}"


def _reopened(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Reopened ({_status(old.get('status'))} → {_status(new.get('status'))})"


def _closed(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Closed ({_status(old.get('status'))} → closed)"


def _engineering_linked(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Engineering issue {new.get('reference', '')} linked ({_label(EngineeringState, new.get('state'))})"


def _engineering_changed(old: dict, new: dict, zone: ZoneInfo) -> str:
    before, after = _label(EngineeringState, old.get("state")), _label(EngineeringState, new.get("state"))
    return f"Engineering issue {new.get('reference', '')} {before} → {after}"


def _escalated(old: dict, new: dict, zone: ZoneInfo) -> str:
    who: dict[str, str] = {RaisedBy.MERCHANT: "the merchant", RaisedBy.ANALYST: "staff", RaisedBy.SYSTEM: "the system"}
    level = _label(EscalationLevel, new.get("level")).lower()
    reason = _label(EscalationReason, new.get("reason")).lower()
    return f"Escalated to {level} by {who.get(str(new.get('raised_by')), 'someone')} ({reason})"


def _escalation_state(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Escalation {old.get('state', 'open')} → {new.get('state', '')}"


def _met(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"{_metric(new.get('metric'))} met" + (" late, after its deadline" if new.get("late") else " in time")


def _at_risk(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"{_metric(new.get('metric'))} at risk: due {_when(new.get('due_at'), zone)}"


def _breached(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"{_metric(new.get('metric'))} breached: it was due {_when(new.get('due_at'), zone)}"


def _updated(old: dict, new: dict, zone: ZoneInfo) -> str:
    return "Details changed: " + ", ".join(name.replace("_", " ") for name in new) if new else "Details changed"


def _call(old: dict, new: dict, zone: ZoneInfo) -> str:
    way = "from" if new.get("direction") == "inbound" else "to"
    minutes = new.get("duration_minutes")
    return f"Phone call {way} {new.get('contact', '—')} at {_when(new.get('called_at'), zone)} ({minutes} min)"


def _opened(old: dict, new: dict, zone: ZoneInfo) -> str:
    return f"Opened at {new.get('priority', '—')} priority" + (f" by {new['channel']}" if new.get("channel") else "")


STORIES: dict[str, Callable[[dict, dict, ZoneInfo], str]] = {
    "case.opened": _opened,
    "case.call_logged": _call,
    "case.assigned": _assigned,
    "case.reassigned": _reassigned,
    "case.priority_changed": _priority,
    "case.status_changed": _status_change,
    "case.reopened": _reopened,
    "case.closed": _closed,
    "case.updated": _updated,
    "case.engineering_linked": _engineering_linked,
    "case.engineering_changed": _engineering_changed,
    "escalation.raised": _escalated,
    "escalation.acknowledged": _escalation_state,
    "escalation.resolved": _escalation_state,
    "sla.met": _met,
    "sla.at_risk": _at_risk,
    "sla.breached": _breached,
}


def describe(*, code: str, old: dict, new: dict, zone: ZoneInfo) -> str:
    """One history entry in words; an event without a story of its own shows its label."""
    story = STORIES.get(code)
    if story is None:
        return EVENT_LABELS.get(code, code)
    return story(old or {}, new or {}, zone)
