"""Tenants (support organisations), their merchant accounts and the accounts' stores."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned
from helpdesk.validators import validate_email_list, validate_phone_list, validate_time_zone


def tenant_logo_path(instance: Tenant, filename: str) -> str:
    """A fresh random name per upload, so a replaced logo is a new URL and never a guessable one."""
    return f"logos/{instance.pk}/{secrets.token_hex(12)}"


class Tenant(models.Model):
    """A support organisation using the helpdesk."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    support_phone_numbers = models.JSONField(
        default=list, blank=True, validators=[validate_phone_list], help_text="Shown to merchants for urgent cases."
    )
    senior_management_email = models.EmailField(blank=True, help_text="Receives alerts for top-priority cases.")
    case_number_prefix = models.CharField(
        max_length=10,
        default="SC",
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]{0,9}$", "Use 1 to 10 capital letters or digits, starting with a letter.")
        ],
        help_text="Case numbers read PREFIX-1042.",
    )
    auto_close_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days a resolved case waits for the merchant before it closes by itself.",
    )
    at_risk_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
        help_text="Share of an SLA target after which a case counts as at risk.",
    )
    survey_expiry_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)], help_text="Days a survey link works."
    )
    survey_reminder_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Days after which one reminder goes to an unanswered survey; empty: no reminder.",
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#1f6feb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour such as #1f6feb.")],
        help_text="The accent colour of every page (top bar, buttons, links).",
    )
    # Checked by helpdesk.branding (PNG, JPEG or WebP by their bytes, at most LOGO_MAX_BYTES) and
    # served only through /brand/logo/ with the content type recorded here.
    logo = models.FileField(upload_to=tenant_logo_path, blank=True, max_length=200)
    logo_content_type = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(at_risk_share__gt=0) & Q(at_risk_share__lt=1), name="tenant_at_risk_share_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Account(TenantOwned):
    """A merchant customer of a tenant, on one plan, with one primary technical contact."""

    slug = models.SlugField()
    name = models.CharField(max_length=120)
    plan = models.ForeignKey("tickets.Plan", on_delete=models.PROTECT, related_name="accounts")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Nullable only while an account is being created (its contact is one of its own users).
    technical_contact = models.ForeignKey(
        "helpdesk.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cc_addresses = models.JSONField(
        default=list, blank=True, validators=[validate_email_list], help_text="Copied on case mail, e.g. a list."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    account_scope_field = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "slug"], name="account_slug_unique_per_tenant")]

    def __str__(self) -> str:
        return self.name


class Store(TenantOwned):
    """One of a merchant's web stores."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stores")
    name = models.CharField(max_length=120)
    url = models.URLField()
    # Monitoring (helpdesk.monitoring): a store with a health URL is checked every interval.
    health_url = models.URLField(blank=True, help_text="Checked by monitoring; empty: not monitored.")
    check_interval_seconds = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(30), MaxValueValidator(86400)], help_text="Seconds between checks."
    )
    failure_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Consecutive failed checks that open an availability case.",
    )
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A check holds this lease while it runs, so no second check of the store starts meanwhile.
    checking_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=8, blank=True, editable=False)  # up, down or empty
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    outage_open = models.BooleanField(default=False, editable=False)
    # The last CHECK_HISTORY_LENGTH results, newest first: {"at", "ok", "status", "ms", "error"}.
    check_history = models.JSONField(default=list, blank=True, editable=False)

    account_scope_field = "account"

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="store_name_unique_per_account")]
        indexes = [models.Index(fields=["next_check_at"], name="store_check_due", condition=~Q(health_url=""))]

    def __str__(self) -> str:
        return self.name

    def recent_checks(self) -> list[dict[str, object]]:
        """The kept check results, newest first, with their instants as datetimes (for pages)."""
        return [{**entry, "at": datetime.fromisoformat(entry["at"])} for entry in self.check_history]
