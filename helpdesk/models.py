"""Platform models: tenants, merchant accounts and their stores, users with roles."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned, TenantQuerySet
from helpdesk.validators import validate_email_list, validate_phone_list, validate_time_zone


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

    account_scope_field = "account"

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="store_name_unique_per_account")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MERCHANT = "merchant", "Merchant"
    ANALYST = "analyst", "Support analyst"
    MANAGER = "manager", "Support manager"
    ADMIN = "admin", "Tenant admin"


STAFF_ROLES = frozenset({Role.ANALYST, Role.MANAGER, Role.ADMIN})


class UserQuerySet(TenantQuerySet):
    def staff(self) -> UserQuerySet:
        return self.filter(role__in=STAFF_ROLES)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_superuser=True, tenant=None, role="", account=None)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Belongs to one tenant, except platform superusers."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], help_text="Empty: the account's or tenant's."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    account_scope_field = "account"

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.MERCHANT) & Q(account__isnull=False))
                | (~Q(role=Role.MERCHANT) & Q(account__isnull=True)),
                name="user_merchant_has_account",
            ),
            models.CheckConstraint(
                condition=(Q(tenant__isnull=True) & Q(role="") & Q(is_superuser=True))
                | (Q(tenant__isnull=False) & ~Q(role="")),
                name="user_tenant_role_or_platform_superuser",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Django admin access: platform superusers and tenant admins (scoped to their tenant)."""
        return self.is_active and (self.is_superuser or self.role == Role.ADMIN)

    @property
    def is_support_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_merchant(self) -> bool:
        return self.role == Role.MERCHANT

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


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
