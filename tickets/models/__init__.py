"""Cases and everything that happens to them, with their reference data (plans, priorities).

A package by what each module holds; every name is importable from `tickets.models`."""

from tickets.models.cases import (
    ACTIVE_STATUSES,
    EVENT_LABELS,
    OTHER_RANK,
    WORKED_FIRST_RANK,
    Attachment,
    Case,
    CaseEvent,
    CaseSequence,
    Category,
    Channel,
    Comment,
    Status,
    attachment_path,
    work_rank,
)
from tickets.models.escalations import (
    MERCHANT_ESCALATION_REASONS,
    CaseEngineeringLink,
    EngineeringIssue,
    EngineeringState,
    Escalation,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    RaisedBy,
)
from tickets.models.monitoring import (
    AlertKind,
    AlertRoute,
    AlertSeverity,
    MonitoringAlert,
)
from tickets.models.reference import (
    Plan,
    Priority,
)
from tickets.models.rollups import DailyAccountSla
from tickets.models.staff import (
    CannedFollowUp,
    CannedReply,
    Notification,
    NotificationKind,
    QueueSettings,
    StaffProfile,
)

__all__ = [
    "ACTIVE_STATUSES",
    "EVENT_LABELS",
    "MERCHANT_ESCALATION_REASONS",
    "OTHER_RANK",
    "WORKED_FIRST_RANK",
    "AlertKind",
    "AlertRoute",
    "AlertSeverity",
    "Attachment",
    "CannedFollowUp",
    "CannedReply",
    "Case",
    "CaseEngineeringLink",
    "CaseEvent",
    "CaseSequence",
    "Category",
    "Channel",
    "Comment",
    "DailyAccountSla",
    "EngineeringIssue",
    "EngineeringState",
    "Escalation",
    "EscalationLevel",
    "EscalationReason",
    "EscalationState",
    "MonitoringAlert",
    "Notification",
    "NotificationKind",
    "Plan",
    "Priority",
    "QueueSettings",
    "RaisedBy",
    "StaffProfile",
    "Status",
    "attachment_path",
    "work_rank",
]
