"""Monitoring alerts that open and note cases, and the routes that give them a priority."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from helpdesk.tenancy import TenantOwned
from tickets.models.cases import Case
from tickets.models.reference import Priority


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
