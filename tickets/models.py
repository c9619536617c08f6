"""Cases and everything that happens to them, with their reference data (plans, priorities)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned


class Plan(TenantOwned):
    """A plan tier a merchant account is on (Flagship, Emporium, …); SLA targets depend on it."""

    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Display order, highest tier first.")

    class Meta:
        ordering = ["tenant", "rank", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="plan_name_unique_per_tenant")]

    def __str__(self) -> str:
        return self.name


class Priority(TenantOwned):
    """One level of a tenant's priority scheme, with the criteria merchants see when choosing it."""

    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField(help_text="1 is the most urgent.")
    criteria = models.TextField(blank=True, help_text="What qualifies a case for this level, shown to merchants.")
    must_phone = models.BooleanField(default=False, help_text="Must also be reported by phone.")
    escalate_on_open = models.BooleanField(default=False, help_text="Escalate to senior management when opened.")
    worked_first = models.BooleanField(
        default=False, help_text="Open cases at this priority are worked ahead of all others, whatever their deadlines."
    )

    class Meta:
        ordering = ["tenant", "rank"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="priority_name_unique_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "rank"], name="priority_rank_unique_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING = "waiting_on_customer", "Waiting on customer"
    REOPENED = "reopened", "Reopened"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


ACTIVE_STATUSES = frozenset({Status.NEW, Status.OPEN, Status.WAITING, Status.REOPENED})

# A case's group in the work order (PRODUCT.md): open cases at a priority worked ahead of all
# others first, then every other case. Stored on the case (`work_rank`) by the services.
WORKED_FIRST_RANK = 1
OTHER_RANK = 2


def work_rank(*, status: str, priority: Priority) -> int:
    return WORKED_FIRST_RANK if status in ACTIVE_STATUSES and priority.worked_first else OTHER_RANK


class Category(models.TextChoices):
    INCIDENT = "incident", "Incident"
    QUESTION = "question", "Question"
    TRAINING = "training", "Training"
    PROVISIONING = "provisioning", "Provisioning"
    FEATURE_REQUEST = "feature_request", "Feature request"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    API = "api", "API"
    MONITORING = "monitoring", "Monitoring"


class CaseSequence(TenantOwned):
    """The last case number handed out in a tenant; locked while a case opens."""

    last_number = models.PositiveIntegerField(default=1000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="one_case_sequence_per_tenant")]


class Case(TenantOwned):
    account = models.ForeignKey("helpdesk.Account", on_delete=models.PROTECT, related_name="cases")
    store = models.ForeignKey("helpdesk.Store", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=24, help_text="Per-tenant number such as SC-1042.")
    subject = models.CharField(max_length=200)
    description = models.TextField()
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.INCIDENT)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="+", help_text="The account's plan at opening."
    )
    sla_policy = models.ForeignKey("sla.SlaPolicy", on_delete=models.PROTECT, null=True, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    cc_emails = models.JSONField(default=list, blank=True)
    recent_changes = models.TextField(blank=True, help_text="What changed lately in connected systems or settings.")
    business_impact = models.TextField(blank=True)
    steps_to_reproduce = models.TextField(blank=True)
    workaround = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # The earliest deadline of the case's running clocks: the queue's urgency order, indexed.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    # The work order's group (work_rank() above), ahead of the deadline in every list's index.
    work_rank = models.PositiveSmallIntegerField(default=OTHER_RANK)
    # Bumped by every change; a caller holding an older version is told someone else changed it.
    version = models.PositiveIntegerField(default=1)
    imported_from = models.CharField(max_length=60, blank=True, help_text="The helpdesk it was imported from, if any.")

    account_scope_field = "account"

    class Meta:
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="case_number_unique_per_tenant")]
        indexes = [
            # Case lists come in the work order (tickets.selectors.case_list orders by work_rank,
            # sla_due_at NULLS LAST, opened_at, id): each list's filter, then that order, so a
            # page of 50 is read straight off an index, never sorted out of a million cases.
            models.Index(fields=["tenant", "work_rank", "sla_due_at", "opened_at", "id"], name="case_work_order"),
            models.Index(
                fields=["tenant", "status", "work_rank", "sla_due_at", "opened_at", "id"], name="case_status_work_order"
            ),
            models.Index(
                fields=["tenant", "account", "work_rank", "sla_due_at", "opened_at", "id"],
                name="case_account_work_order",
            ),
            models.Index(
                fields=["tenant", "assignee", "work_rank", "sla_due_at", "opened_at", "id"],
                name="case_assignee_work_order",
            ),
            # Closed cases (the staff's closed filter, the merchant's old cases): most of a
            # million cases are closed, and in the work order they come after every open and
            # resolved one, so the indexes above would walk past those first (~150 ms); these
            # read a page of closed cases straight off (bench/case_pages.py).
            models.Index(
                fields=["tenant", "work_rank", "sla_due_at", "opened_at", "id"],
                name="case_closed_work_order",
                condition=Q(status=Status.CLOSED),
            ),
            models.Index(
                fields=["tenant", "account", "work_rank", "sla_due_at", "opened_at", "id"],
                name="case_account_closed_order",
                condition=Q(status=Status.CLOSED),
            ),
            models.Index(fields=["tenant", "account", "-opened_at"], name="case_account_recent"),
            models.Index(fields=["tenant", "updated_at"], name="case_updated"),
            models.Index(fields=["resolved_at"], name="case_resolved_to_close", condition=Q(status=Status.RESOLVED)),
            # The managers' dashboard counts only open cases (reports.selectors.live): by priority,
            # owner, age and deadline, read from this index alone, never the cases' rows.
            models.Index(
                fields=["tenant", "priority", "assignee", "opened_at", "sla_due_at", "id"],
                name="case_open_figures",
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
        ]
        # History that cannot be rewritten: PostgreSQL refuses to delete a case, whatever the client
        # (ORM, admin, psql). Only `manage.py purge_tenant` lifts it (helpdesk/purge.py). SQLite: none.
        triggers = [pgtrigger.Protect(name="case_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Comment(TenantOwned):
    """A public reply (mailed to the merchant) or an internal note (staff only)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    is_public = models.BooleanField(default=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    # A mailed reply from one of the case's or account's CC addresses that is nobody's sign-in is
    # recorded under the account's technical contact (a comment needs a user); this keeps who wrote it.
    sender_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="comment_case_time")]

    def __str__(self) -> str:
        return f"{'Reply' if self.is_public else 'Note'} on {self.case_id}"


# How the case page names each event code; a code without a label shows as itself.
EVENT_LABELS = {
    "case.opened": "Opened",
    "case.imported": "Imported",
    "case.assigned": "Assigned",
    "case.reassigned": "Reassigned",
    "case.commented": "Message added",
    "case.customer_replied": "The merchant replied",
    "case.information_requested": "Information requested; waiting on the customer",
    "case.priority_changed": "Priority changed",
    "case.workaround_recorded": "Workaround recorded",
    "case.engineering_linked": "Engineering issue linked",
    "case.engineering_changed": "Engineering issue changed state",
    "case.resolution_proposed": "Resolution proposed",
    "case.closure_requested": "The merchant asked to close it",
    "case.closed": "Closed",
    "case.reopened": "Reopened",
    "case.updated": "Details changed",
    "case.status_changed": "Status changed",
    "case.noted": "Note",
    "case.call_logged": "Phone call logged",
    "attachment.added": "File attached",
    "escalation.raised": "Escalated",
    "escalation.acknowledged": "Escalation acknowledged",
    "escalation.resolved": "Escalation resolved",
    "escalation.noted": "Escalation note added",
    "sla.met": "Service level met",
    "sla.at_risk": "Service level at risk",
    "sla.breached": "Service level breached",
}


class CaseEvent(TenantOwned):
    """One entry of a case's append-only history: who did what, when, old → new."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=40, help_text="Stable code such as case.assigned.")
    # PROTECT, not SET_NULL: nulling the actor would rewrite the history; deactivate users instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="event_case_time"),
            models.Index(fields=["tenant", "created_at"], name="event_tenant_time"),
        ]
        # Append-only in the database too (save() below only guards the ORM's own path).
        triggers = [
            pgtrigger.Protect(name="case_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.code} on {self.case_id}"

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.code, self.code)

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Case events are append-only: an event cannot be changed.")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.tenant_id}/{instance.case_id}/{instance.token}"


class Attachment(TenantOwned):
    """A file on a case, checked by size and content; served only through an authorisation check."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, unique=True, help_text="Random name in storage.")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(default=True, help_text="Visible to the merchant.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class EscalationReason(models.TextChoices):
    CRITICAL_IMPACT = "critical_impact", "Critical business impact"
    RESPONSIVENESS = "responsiveness", "Dissatisfied with responsiveness"
    RESOLUTION = "resolution", "Dissatisfied with resolution"
    SLA_BREACHED = "sla_breached", "SLA breached"
    TOP_PRIORITY = "top_priority", "Top priority opened"


MERCHANT_ESCALATION_REASONS = frozenset(
    {EscalationReason.CRITICAL_IMPACT, EscalationReason.RESPONSIVENESS, EscalationReason.RESOLUTION}
)


class EscalationLevel(models.TextChoices):
    SUPPORT_MANAGER = "support_manager", "Support manager"
    SENIOR_MANAGEMENT = "senior_management", "Senior management"


class EscalationState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class RaisedBy(models.TextChoices):
    MERCHANT = "merchant", "Merchant"
    ANALYST = "analyst", "Support staff"
    SYSTEM = "system", "System"


class Escalation(TenantOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    raised_by = models.CharField(max_length=10, choices=RaisedBy.choices)
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=EscalationReason.choices)
    level = models.CharField(max_length=20, choices=EscalationLevel.choices)
    state = models.CharField(max_length=12, choices=EscalationState.choices, default=EscalationState.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="What the person escalating said.")
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "state", "-created_at"], name="escalation_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.case_id}"


class EngineeringState(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    FIXED = "fixed", "Fixed, awaiting release"
    RELEASED = "released", "Released"
    WONT_FIX = "wont_fix", "Won't fix"


class EngineeringIssue(TenantOwned):
    """A bug in the engineering tracker; many cases can wait on the same one."""

    reference = models.CharField(max_length=60, help_text="The tracker's key, e.g. ENG-4521.")
    url = models.URLField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    # The release a fix is planned for (P3 problems are fixed "in time for the next minor release").
    target_release = models.CharField(max_length=40, blank=True, help_text="e.g. 2.4.7")
    state = models.CharField(max_length=12, choices=EngineeringState.choices, default=EngineeringState.OPEN)
    updated_at = models.DateTimeField(default=timezone.now)
    cases = models.ManyToManyField(Case, through="CaseEngineeringLink", related_name="engineering_issues")

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "reference"], name="engineering_reference_unique_per_tenant")
        ]

    def __str__(self) -> str:
        return self.reference


class CaseEngineeringLink(TenantOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="engineering_links")
    issue = models.ForeignKey(EngineeringIssue, on_delete=models.CASCADE, related_name="links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "issue"], name="one_link_per_case_and_issue")]


class AlertKind(models.TextChoices):
    AVAILABILITY = "availability", "Availability"
    DATA_SYNC = "data_synchronisation", "Data synchronisation"
    PAYMENT = "payment", "Payment"
    OTHER = "other", "Other"


class AlertSeverity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    INFO = "info", "Info"


class AlertRoute(TenantOwned):
    """The priority a monitoring alert of this kind and severity opens its case at."""

    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    severity = models.CharField(max_length=10, choices=AlertSeverity.choices)
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "severity"], name="one_route_per_kind_and_severity")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.severity} → {self.priority}"


class MonitoringAlert(TenantOwned):
    """Alerts of one account sharing a deduplication key: the case they opened, and how often
    they fired. Keys are the account's own (monitors pick them freely, e.g. "store-down"), so
    two accounts using one key never share, or learn of, each other's case."""

    account = models.ForeignKey("helpdesk.Account", on_delete=models.CASCADE, related_name="+")
    dedup_key = models.CharField(max_length=200)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    severity = models.CharField(max_length=10, choices=AlertSeverity.choices)
    status = models.CharField(max_length=10, default="firing")
    times_fired = models.PositiveIntegerField(default=1)
    first_fired_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account", "dedup_key"], name="one_alert_per_account_dedup_key")
        ]


class NotificationKind(models.TextChoices):
    """What a staff notification is about (PRODUCT.md, "Staff notifications")."""

    ASSIGNED = "assigned", "A case was assigned to you"
    REASSIGNED = "reassigned", "A case was reassigned to you"
    CUSTOMER_REPLIED = "customer_replied", "The merchant replied"
    FILE_ADDED = "file_added", "The merchant added a file"
    REOPENED = "reopened", "The merchant reopened a case"
    ESCALATED = "escalated", "The merchant escalated your case"
    CLOSURE_REQUESTED = "closure_requested", "The merchant asked to close a case"
    AT_RISK = "at_risk", "A service level is at risk"
    BREACHED = "breached", "A service level was breached"
    NEW_CASE = "new_case", "A new case nobody owns"
    ESCALATION_RAISED = "escalation_raised", "An escalation was raised"


class Notification(TenantOwned):
    """One thing one staff member should know about, caused by one case event (never twice)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="one_notification_per_recipient_and_event")
        ]
        indexes = [
            models.Index(fields=["tenant", "recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} on {self.case_id}"


class StaffProfile(TenantOwned):
    """What the queue knows of a staff member: which notification kinds they do not want by mail
    (the bell still shows them). Read with the user in one join (`select_related("staff_profile")`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    mail_off = models.JSONField(default=list, blank=True, help_text="Notification kinds not mailed.")
    shift_hours = models.JSONField(
        default=dict,
        blank=True,
        help_text='Weekly hours on shift in the user\'s own time zone, e.g. {"mon": [["09:00", "17:00"]]}.',
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True, help_text="Last given a case automatically.")

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"


class QueueSettings(TenantOwned):
    """How a tenant's queue is worked: where new unowned cases are announced."""

    team_email = models.EmailField(
        blank=True, help_text="Mail new unowned cases here instead of to each analyst (empty: the analysts)."
    )
    auto_assign = models.BooleanField(
        default=False, help_text="Give each new case to an analyst on shift: fewest open cases first, in turn."
    )
    on_call_email = models.EmailField(blank=True, help_text="Mailed when a new case finds nobody on shift.")

    class Meta:
        verbose_name_plural = "queue settings"
        constraints = [models.UniqueConstraint(fields=["tenant"], name="one_queue_settings_per_tenant")]


class CannedFollowUp(models.TextChoices):
    """What sending a saved reply also does to the case (the case page fills that action's form)."""

    NOTHING = "", "Just reply"
    WAIT = "waiting_on_customer", "Ask for information: wait on the customer"
    RESOLVE = "propose_resolution", "Propose the resolution"


class CannedReply(TenantOwned):
    """A tenant's saved reply, with placeholders filled in for the case it is used on
    (tickets.canned), managed by managers and admins."""

    title = models.CharField(max_length=120)
    body = models.TextField()
    follow_up = models.CharField(max_length=24, choices=CannedFollowUp.choices, blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant", "title"]
        verbose_name_plural = "canned replies"
        constraints = [models.UniqueConstraint(fields=["tenant", "title"], name="canned_reply_title_unique_per_tenant")]

    def __str__(self) -> str:
        return self.title
