"""The tenant's webhook endpoints and each event delivered (or to be delivered) to them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned

WEBHOOK_EVENTS = (
    "case.created",
    "case.updated",
    "case.commented",
    "case.closed",
    "sla.at_risk",
    "sla.breached",
    "escalation.raised",
    "survey.answered",
)


class WebhookEndpoint(TenantOwned):
    """A URL of the tenant's that receives signed event deliveries."""

    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Which events to send, e.g. case.created.")
    secret = models.CharField(max_length=64, editable=False, help_text="Signs each delivery (HMAC-SHA256).")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Being sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(TenantOwned):
    """One event sent (or to be sent) to one endpoint, with the answer it got."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # Never the answer's body: the page would show whatever a tenant's URL reaches.
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="The answer's standard phrase, where a redirect pointed, or why it was not sent.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhook_due", condition=Q(status__in=["pending", "sending"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id}"
