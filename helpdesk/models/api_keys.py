"""REST API keys and the records that make a POST with an Idempotency-Key answer once."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from helpdesk.models.users import User
from helpdesk.tenancy import TenantOwned


class ApiKey(TenantOwned):
    """A key for the REST API, acting as its user (a merchant key sees that account, a staff key
    the tenant). Only a hash is stored; the prefix identifies it in lists and logs."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80, blank=True, help_text="What uses it, e.g. “Shopfront monitor”.")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.email})"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyRecord(TenantOwned):
    """The first answer to a POST made with an Idempotency-Key, replayed for 24 hours."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while in progress.")
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_record_per_user_and_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_age")]
