"""Satisfaction surveys: one invitation per closing, one response per invitation, follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyInvitation(TenantOwned):
    """Sent to the requester when a case closes. Its signed link works until it expires, is
    answered, or a newer closing of the same case supersedes it."""

    case = models.ForeignKey("tickets.Case", on_delete=models.CASCADE, related_name="survey_invitations")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who owned the case when it closed (for the reports).",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(
        "helpdesk.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="survey_reminder_due",
                condition=Q(reminder_sent_at__isnull=True, superseded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Survey for case {self.case_id}"


class Expectations(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class SurveyResponse(TenantOwned):
    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    overall = models.PositiveSmallIntegerField(validators=SCORE)
    product_quality = models.PositiveSmallIntegerField(validators=SCORE)
    service_delivery = models.PositiveSmallIntegerField(validators=SCORE)
    process = models.PositiveSmallIntegerField(validators=SCORE)
    # "Did we meet your expectations?" Empty on answers given before the question was asked.
    met_expectations = models.CharField(max_length=8, choices=Expectations.choices, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__range=(1, 5))
                & Q(product_quality__range=(1, 5))
                & Q(service_delivery__range=(1, 5))
                & Q(process__range=(1, 5)),
                name="survey_scores_1_to_5",
            ),
        ]
        # The roll-ups count a day's answers, and the case lists' `survey=` filter reads them.
        indexes = [models.Index(fields=["tenant", "answered_at"], name="survey_answered_day")]

    def __str__(self) -> str:
        return f"{self.overall}/5 for invitation {self.invitation_id}"


class FollowUpState(models.TextChoices):
    OPEN = "open", "Open"
    TAKEN = "taken", "Taken"
    CLOSED = "closed", "Closed"


class SurveyFollowUp(TenantOwned):
    """A low score (overall 2 or less) that a manager takes and closes with a note."""

    response = models.OneToOneField(SurveyResponse, on_delete=models.CASCADE, related_name="follow_up")
    state = models.CharField(max_length=8, choices=FollowUpState.choices, default=FollowUpState.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "-response__answered_at"]
