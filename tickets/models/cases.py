"""Cases, their numbers, comments, history and attachments, with the choices they are made of."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned
from tickets.models.reference import Plan, Priority

if TYPE_CHECKING:
    from helpdesk.models import User
    from sla.models import SlaClock
    from tickets.models.escalations import Escalation


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
    # Not fields: rows the step working on this instance holds already, so that the mail and
    # notifications it causes do not read them again. None on a case read from the database.
    opening_clocks: list[SlaClock] | None = None  # the clocks case_open started, with their calendars
    active_staff: list[User] | None = None  # the tenant's active staff, read once per step

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
    # The customer SLA report's roll-up of the day it was opened misses a change to it (opened, a
    # clock met, breached, reopened, retargeted): set in the change's own save, cleared by beat
    # once it has recounted that day (tickets.account_rollup).
    rollup_stale = models.BooleanField(default=True, db_default=False)
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
            models.Index(
                fields=["tenant", "account", "opened_at"], name="case_rollup_stale", condition=Q(rollup_stale=True)
            ),
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

    # Not a field: the escalation an escalation event is about, when the service recording the
    # event holds it, so its staff mail does not read it again.
    held_escalation: Escalation | None = None

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
