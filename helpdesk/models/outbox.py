"""The outbox of e-mail: each message written with the change that causes it, sent later."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Handed to the mail provider"
    FAILED = "failed", "Failed for good"


class OutboxMessage(TenantOwned):
    """One e-mail, written in the same transaction as the change that causes it and sent later by
    a worker. A crash before the commit leaves no mail; after it, the row waits to be sent."""

    kind = models.CharField(max_length=40, help_text="Template name, e.g. case_acknowledgement.")
    dedupe_key = models.CharField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text="Set when the same mail must never be queued twice.",
    )
    case = models.ForeignKey("tickets.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    delivery_status = models.CharField(max_length=20, blank=True, help_text="From the provider's tracking webhook.")
    delivery_detail = models.TextField(blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outgoing e-mail"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["tenant", "status", "-created_at"], name="outbox_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.to)}"
