"""Who sees what of a case: the one visibility rule (PRODUCT.md, "Cases: Visibility").

A customer (a merchant user) sees public comments and files, every state change, who owns the
case, and priority changes with their reason. Internal notes, staff-only files, the notes given
when a case is reassigned and managers' notes on escalations are for staff only, and so is what
staff or the system wrote when they raised an escalation; a merchant's own escalation text is
theirs to see. Pages, the API, exports, webhooks and mail all read through this module.

Querysets are narrowed in SQL and carry the text each viewer may read as annotations
(`shown_note` on events, `shown_notes` and `shown_resolution_note` on escalations), so that a
list never has to be filtered again in Python and a template or serializer cannot reach the
staff-only column by accident when it uses them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, QuerySet, Value, When

from tickets.models import CaseEvent, Escalation, RaisedBy

# Events a customer never sees at all.
STAFF_ONLY_EVENTS = frozenset({"case.noted", "escalation.noted"})
# Events a customer sees, but whose note is staff-only text.
STAFF_NOTE_EVENTS = frozenset({"case.reassigned", "escalation.acknowledged", "escalation.resolved"})


def _staff_only_event() -> Q:
    return (
        Q(code__in=STAFF_ONLY_EVENTS)
        | Q(code="attachment.added", new__public=False)
        | Q(code="case.call_logged", new__public=False)
    )


def _staff_note() -> Q:
    # An escalation's text is the customer's when the customer raised it; staff's otherwise.
    raised_by_others = Q(code="escalation.raised") & ~Q(new__raised_by=RaisedBy.MERCHANT)
    return Q(code__in=STAFF_NOTE_EVENTS) | raised_by_others


def events_for(events: QuerySet[CaseEvent], *, customer: bool) -> QuerySet[CaseEvent]:
    """The events a viewer may see, each with `shown_note`: the note as that viewer may read it."""
    if not customer:
        return events.annotate(shown_note=F("note"))
    return events.exclude(_staff_only_event()).annotate(
        shown_note=models.Case(When(_staff_note(), then=Value("")), default=F("note"), output_field=models.TextField())
    )


def escalations_for(escalations: QuerySet[Escalation], *, customer: bool) -> QuerySet[Escalation]:
    """Escalations with `shown_notes` and `shown_resolution_note` as the viewer may read them."""
    if not customer:
        return escalations.annotate(shown_notes=F("notes"), shown_resolution_note=F("resolution_note"))
    return escalations.annotate(
        shown_notes=models.Case(
            When(raised_by=RaisedBy.MERCHANT, then=F("notes")), default=Value(""), output_field=models.TextField()
        ),
        shown_resolution_note=Value("", output_field=models.TextField()),
    )
