"""Escalations of a case to its managers, and the engineering issues cases are linked to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from helpdesk.tenancy import TenantOwned
from tickets.models.cases import Case


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
