"""The support team's side: notifications, staff profiles, queue settings and canned replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned
from tickets.models.cases import Case, CaseEvent


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
