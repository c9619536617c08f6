"""Request and response shapes of the case API. Serializers only translate; services decide."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sla.models import Metric, SlaClock
from tickets.models import (
    Case,
    Category,
    Channel,
    EngineeringState,
    EscalationLevel,
    EscalationReason,
    RaisedBy,
    Status,
)
from tickets.services import ReassignReason


class ClockSerializer(serializers.Serializer):
    due = serializers.DateTimeField(source="due_at", allow_null=True, help_text="Empty while paused.")
    state = serializers.ChoiceField(choices=["running", "paused", "met", "breached"])
    at_risk_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)
    amount = serializers.IntegerField()
    unit = serializers.CharField()
    calendar = serializers.SerializerMethodField()

    def get_calendar(self, clock: SlaClock) -> str:
        return clock.calendar.name if clock.calendar is not None else "24x7"


class CaseSlaSerializer(serializers.Serializer):
    first_response = ClockSerializer(allow_null=True)
    resolution = ClockSerializer(allow_null=True)


def clocks_by_metric(case: Case) -> dict[str, SlaClock | None]:
    found: dict[str, SlaClock | None] = {metric: None for metric in Metric.values}
    for clock in case.clocks.all():  # prefetched by the views
        found[clock.metric] = clock
    return found


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    priority = serializers.CharField(source="priority.name")
    plan = serializers.CharField(source="plan.name")
    account = serializers.CharField(source="account.slug")
    store = serializers.CharField(source="store.name", allow_null=True, default=None)
    requester = serializers.EmailField(source="requester.email")
    assignee = serializers.EmailField(source="assignee.email", allow_null=True, default=None)
    category = serializers.ChoiceField(choices=Category.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    recent_changes = serializers.CharField(allow_blank=True)
    business_impact = serializers.CharField(allow_blank=True)
    steps_to_reproduce = serializers.CharField(allow_blank=True)
    workaround = serializers.CharField(allow_blank=True)
    cc_emails = serializers.ListField(child=serializers.EmailField())
    opened_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back as `version` to refuse stale updates.")
    sla = serializers.SerializerMethodField()

    @extend_schema_field(CaseSlaSerializer)
    def get_sla(self, case: Case) -> dict[str, Any]:
        return {
            metric: (_CLOCK_FIELDS.to_representation(clock) if clock else None)
            for metric, clock in clocks_by_metric(case).items()
        }


_CLOCK_FIELDS = ClockSerializer()

# The read path: CaseSerializer's shape written out, byte for byte (tests/api/test_case_lists_api.py
# compares the two). Instantiating a DRF serializer deep-copies every declared field, and each
# field of each row then goes through DRF's attribute lookup; for the list that cost more than
# the queries. CaseSerializer stays the declared shape, for the schema and the comparison. Times
# go through DRF's own DateTimeField (the zone active at the call, `Z` for UTC).
_TIME = serializers.DateTimeField()


def _time(value: datetime | None) -> str | None:
    return _TIME.to_representation(value) if value is not None else None


def _clock_data(clock: SlaClock) -> dict[str, Any]:
    time = _time
    return {
        "due": time(clock.due_at),
        "state": str(clock.state),
        "at_risk_at": time(clock.at_risk_at),
        "met_at": time(clock.met_at),
        "breached_at": time(clock.breached_at),
        "amount": int(clock.amount),
        "unit": str(clock.unit),
        "calendar": clock.calendar.name if clock.calendar is not None else "24x7",
    }


def case_data(case: Case) -> dict[str, Any]:
    """A case as the API shows it (CaseSerializer's shape)."""
    time = _time
    store, assignee = case.store, case.assignee
    return {
        "number": str(case.number),
        "subject": str(case.subject),
        "description": str(case.description),
        "status": str(case.status),
        "priority": str(case.priority.name),
        "plan": str(case.plan.name),
        "account": str(case.account.slug),
        "store": str(store.name) if store is not None else None,
        "requester": str(case.requester.email),
        "assignee": str(assignee.email) if assignee is not None else None,
        "category": str(case.category),
        "channel": str(case.channel),
        "recent_changes": str(case.recent_changes),
        "business_impact": str(case.business_impact),
        "steps_to_reproduce": str(case.steps_to_reproduce),
        "workaround": str(case.workaround),
        "cc_emails": [str(email) for email in case.cc_emails],
        "opened_at": time(case.opened_at),
        "updated_at": time(case.updated_at),
        "resolved_at": time(case.resolved_at),
        "closed_at": time(case.closed_at),
        "version": int(case.version),
        "sla": {metric: (_clock_data(c) if c else None) for metric, c in clocks_by_metric(case).items()},
    }


def cases_data(cases: Iterable[Case]) -> list[dict[str, Any]]:
    return [case_data(case) for case in cases]


class CaseCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
    priority = serializers.CharField(help_text="Priority name, any case.")
    account = serializers.SlugField(required=False, help_text="Staff: the merchant account's slug.")
    requester = serializers.EmailField(required=False, help_text="Staff: a user of the account (default: its contact).")
    store = serializers.CharField(required=False, help_text="The store's name.")
    category = serializers.ChoiceField(choices=Category.choices, default=Category.INCIDENT)
    channel = serializers.ChoiceField(
        choices=[Channel.API, Channel.PHONE, Channel.EMAIL, Channel.MONITORING], default=Channel.API
    )
    recent_changes = serializers.CharField(required=False, allow_blank=True, default="")
    business_impact = serializers.CharField(required=False, allow_blank=True, default="")
    steps_to_reproduce = serializers.CharField(required=False, allow_blank=True, default="")
    cc_emails = serializers.ListField(child=serializers.EmailField(), required=False, default=list)


class CaseUpdateSerializer(serializers.Serializer):
    """Merchants may change the descriptive fields; staff also category, workaround and priority."""

    version = serializers.IntegerField(required=False, help_text="Refuse the update if the case changed since.")
    recent_changes = serializers.CharField(required=False, allow_blank=True)
    business_impact = serializers.CharField(required=False, allow_blank=True)
    steps_to_reproduce = serializers.CharField(required=False, allow_blank=True)
    cc_emails = serializers.ListField(child=serializers.EmailField(), required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    workaround = serializers.CharField(required=False)
    priority = serializers.CharField(required=False)
    priority_reason = serializers.CharField(required=False)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.EmailField(source="author.email", read_only=True)
    body = serializers.CharField()
    public = serializers.BooleanField(source="is_public", default=True, help_text="False: an internal note (staff).")
    channel = serializers.CharField(read_only=True)
    sent_from = serializers.CharField(
        source="sender_email",
        read_only=True,
        help_text="The CC address a mailed reply came from when it is not the author's own; empty otherwise.",
    )
    created_at = serializers.DateTimeField(read_only=True)


class AttachmentSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    filename = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    public = serializers.BooleanField(source="is_public", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    download = serializers.SerializerMethodField()

    def get_download(self, attachment: Any) -> str:
        return f"/api/v1/attachments/{attachment.token}/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    public = serializers.BooleanField(default=True)


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    code = serializers.CharField()
    actor = serializers.EmailField(source="actor.email", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    old = serializers.JSONField()
    new = serializers.JSONField()
    note = serializers.CharField(source="shown_note", help_text="Empty where the text is for staff only.")


class EscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    raised_by = serializers.CharField()
    reason = serializers.ChoiceField(choices=EscalationReason.choices)
    level = serializers.CharField()
    state = serializers.CharField()
    owner = serializers.EmailField(source="owner.email", allow_null=True, default=None)
    notes = serializers.CharField(source="shown_notes", help_text="Empty where the text is for staff only.")
    resolution_note = serializers.CharField(source="shown_resolution_note", help_text="For staff only.")
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.EmailField(help_text="The analyst's e-mail address.")


class ReassignSerializer(AssignSerializer):
    reason = serializers.ChoiceField(choices=list(ReassignReason.LABELS.items()))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField(help_text="What was done: mailed to the merchant with confirm and reopen links.")


class CallSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["inbound", "outbound"])
    contact = serializers.CharField(max_length=200)
    called_at = serializers.DateTimeField(help_text="ISO 8601 with an offset.")
    duration_minutes = serializers.IntegerField(min_value=0, max_value=24 * 60)
    summary = serializers.CharField()
    public = serializers.BooleanField(default=True, help_text="false: staff only.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EscalateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=EscalationReason.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(
        choices=EscalationLevel.choices,
        default=EscalationLevel.SUPPORT_MANAGER,
        help_text="Staff choose; a merchant's escalation goes to a support manager.",
    )
    raised_by = serializers.ChoiceField(
        choices=[RaisedBy.MERCHANT, RaisedBy.ANALYST],
        required=False,
        help_text="Staff keys: merchant records the merchant's phoned-in escalation; analyst (default) their own.",
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class EngineeringLinkSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=60)
    url = serializers.URLField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    target_release = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text="The release a fix is planned for"
    )


class EngineeringStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=EngineeringState.choices)


class NamedSerializer(serializers.Serializer):
    name = serializers.CharField()
    rank = serializers.IntegerField()


class PrioritySerializer(NamedSerializer):
    criteria = serializers.CharField()
    must_phone = serializers.BooleanField()
    escalate_on_open = serializers.BooleanField()
    worked_first = serializers.BooleanField(help_text="Open cases at this priority are worked ahead of all others.")
    retired = serializers.BooleanField(
        help_text="Retired: cases already at it keep it, but no case is opened at it or moved to it."
    )


class AlertSerializer(serializers.Serializer):
    dedup_key = serializers.CharField(
        max_length=200, help_text="Alerts of one account with the same key belong to one case."
    )
    account = serializers.SlugField(required=False, help_text="Staff keys: the merchant account's slug.")
    store = serializers.CharField(required=False, help_text="The store's name.")
    kind = serializers.ChoiceField(choices=["availability", "data_synchronisation", "payment", "other"])
    severity = serializers.ChoiceField(choices=["critical", "major", "minor", "info"])
    summary = serializers.CharField(max_length=2000)
    status = serializers.ChoiceField(choices=["firing", "resolved"])
