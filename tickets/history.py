"""The case history as a story: each event's label with what changed, old → new, in words.

Pure: reads only the event's own fields (code, old, new), the zone to show times in and the staff's
display names by e-mail address (events name people by address: a name may change), so the case
page, exports and mail can all say "Priority changed from High to Critical" the same way.
Notes are not part of the story: who may read them is `tickets.visibility`'s rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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


@dataclass(frozen=True)
class Viewer:
    """Who reads the story: the zone times are shown in, and staff names by e-mail address."""

    zone: ZoneInfo
    names: Mapping[str, str] = field(default_factory=dict)

    def person(self, email: object, stored_name: object = None) -> str:
        """A staff member by display name: today's name, else the name the event stored, else the address."""
        if not isinstance(email, str) or not email:
            return "—"
        return self.names.get(email) or (stored_name if isinstance(stored_name, str) and stored_name else email)


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _when(value: object, zone: ZoneInfo) -> str:
    moment = _instant(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    return moment.astimezone(zone).strftime("%a %d %b, %H:%M %Z")


def _span(delta: timedelta) -> str:
    """A wall-clock duration as people say it: "1 h 10 m", "2 d 3 h", "45 m" (seconds dropped)."""
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} m" if mins and not days else ""]
    return " ".join(part for part in parts if part) or "less than a minute"


def _assigned(old: dict, new: dict, v: Viewer) -> str:
    how = " automatically (on shift, fewest open cases)" if new.get("automatic") else ""
    return f"Assigned to {v.person(new.get('assignee'), new.get('assignee_name'))}{how}"


def _reassigned(old: dict, new: dict, v: Viewer) -> str:
    why = REASSIGN_REASONS.get(new.get("reason", ""), "")
    before = v.person(old.get("assignee"), old.get("assignee_name"))
    after = v.person(new.get("assignee"), new.get("assignee_name"))
    return f"Reassigned from {before} to {after}" + (f" ({why})" if why else "")


def _priority(old: dict, new: dict, v: Viewer) -> str:
    return f"Priority changed from {old.get('priority', '—')} to {new.get('priority', '—')}"


def _status_change(old: dict, new: dict, v: Viewer) -> str:
    return f"Status changed from {_status(old.get('status'))} to {_status(new.get('status'))}"


def _reopened(old: dict, new: dict, v: Viewer) -> str:
    return f"Reopened ({_status(old.get('status'))} → {_status(new.get('status'))})"


def _closed(old: dict, new: dict, v: Viewer) -> str:
    return f"Closed ({_status(old.get('status'))} → closed)"


def _engineering_linked(old: dict, new: dict, v: Viewer) -> str:
    return f"Engineering issue {new.get('reference', '')} linked ({_label(EngineeringState, new.get('state'))})"


def _engineering_changed(old: dict, new: dict, v: Viewer) -> str:
    before, after = _label(EngineeringState, old.get("state")), _label(EngineeringState, new.get("state"))
    return f"Engineering issue {new.get('reference', '')} {before} → {after}"


def _escalated(old: dict, new: dict, v: Viewer) -> str:
    who: dict[str, str] = {RaisedBy.MERCHANT: "the merchant", RaisedBy.ANALYST: "staff", RaisedBy.SYSTEM: "the system"}
    level = _label(EscalationLevel, new.get("level")).lower()
    reason = _label(EscalationReason, new.get("reason")).lower()
    return f"Escalated to {level} by {who.get(str(new.get('raised_by')), 'someone')} ({reason})"


def _escalation_state(old: dict, new: dict, v: Viewer) -> str:
    return f"Escalation {old.get('state', 'open')} → {new.get('state', '')}"


def _met(old: dict, new: dict, v: Viewer) -> str:
    """ "First response met at 14:32 AEDT, 1 h 10 m before its deadline (Mon 23 Nov, 15:42 AEDT)":
    wall-clock time between the two instants, the way the reader's own clock shows them."""
    metric = _metric(new.get("metric"))
    met_at, due_at = _instant(new.get("met_at")), _instant(new.get("due_at"))
    if met_at is None or due_at is None:  # recorded before met events kept their times
        return f"{metric} met" + (" late, after its deadline" if new.get("late") else " in time")
    when = met_at.astimezone(v.zone).strftime("%H:%M %Z")
    side = "after" if met_at > due_at else "before"
    return f"{metric} met at {when}, {_span(due_at - met_at)} {side} its deadline ({_when(new.get('due_at'), v.zone)})"


def _at_risk(old: dict, new: dict, v: Viewer) -> str:
    return f"{_metric(new.get('metric'))} at risk: due {_when(new.get('due_at'), v.zone)}"


def _breached(old: dict, new: dict, v: Viewer) -> str:
    return f"{_metric(new.get('metric'))} breached: it was due {_when(new.get('due_at'), v.zone)}"


def _updated(old: dict, new: dict, v: Viewer) -> str:
    return "Details changed: " + ", ".join(name.replace("_", " ") for name in new) if new else "Details changed"


def _call(old: dict, new: dict, v: Viewer) -> str:
    way = "from" if new.get("direction") == "inbound" else "to"
    minutes = new.get("duration_minutes")
    return f"Phone call {way} {new.get('contact', '—')} at {_when(new.get('called_at'), v.zone)} ({minutes} min)"


def _opened(old: dict, new: dict, v: Viewer) -> str:
    return f"Opened at {new.get('priority', '—')} priority" + (f" by {new['channel']}" if new.get("channel") else "")


def _imported(old: dict, new: dict, v: Viewer) -> str:
    source = f" from {new['from']}" if new.get("from") else ""
    return f"Imported{source} as {new.get('number', 'a case')} ({_status(new.get('status'))})"


def _to_status(text: str) -> Callable[[dict, dict, Viewer], str]:
    """A step whose story is what it did and the status it moved the case to, when it moved it."""

    def story(old: dict, new: dict, v: Viewer) -> str:
        if old.get("status") and new.get("status") and old["status"] != new["status"]:
            return f"{text} ({_status(old['status'])} → {_status(new['status'])})"
        return text

    return story


def _workaround(old: dict, new: dict, v: Viewer) -> str:
    return "Workaround changed" if old.get("workaround") else "Workaround recorded"


def _file(old: dict, new: dict, v: Viewer) -> str:
    shown = "" if new.get("public", True) else " (staff only)"
    return f"File {new.get('filename', '')} attached{shown}".replace("File  ", "File ")


STORIES: dict[str, Callable[[dict, dict, Viewer], str]] = {
    "case.opened": _opened,
    "case.imported": _imported,
    "case.commented": _to_status("Replied to the merchant"),
    "case.customer_replied": _to_status("The merchant replied"),
    "case.information_requested": _to_status("Asked the merchant for information"),
    "case.workaround_recorded": _workaround,
    "case.resolution_proposed": _to_status("Resolution proposed"),
    "case.closure_requested": _to_status("The merchant asked to close the case"),
    "case.noted": _to_status("Internal note"),
    "attachment.added": _file,
    "escalation.noted": _to_status("Note added to the escalation"),
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


def describe(*, code: str, old: dict, new: dict, zone: ZoneInfo, names: Mapping[str, str] | None = None) -> str:
    """One history entry in words (staff by display name from `names`, e-mail address → name); an
    event of a code this module does not know yet shows its label."""
    story = STORIES.get(code)
    if story is None:
        return EVENT_LABELS.get(code, code)
    return story(old or {}, new or {}, Viewer(zone, names or {}))
