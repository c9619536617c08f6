"""SLA data: business calendars (hours, holidays, overrides) and versioned SLA policies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.tenancy import TenantOwned
from helpdesk.validators import validate_time_zone


class Calendar(TenantOwned):
    """A named business calendar of a tenant: zone, weekly open hours, holidays, overrides.

    `hours` maps "mon".."sun" to lists of ["HH:MM", "HH:MM"] local open intervals; "24:00" ends
    a day. Public holidays come from the `holidays` package for `holiday_country` (and
    `holiday_subdivision`); explicit dates and date overrides are rows of their own.
    """

    name = models.CharField(max_length=60, help_text="How targets refer to it, e.g. “business” or “24x7”.")
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    hours = models.JSONField(default=dict, help_text='E.g. {"mon": [["09:00", "17:00"]], …}.')
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO country code whose public holidays close the calendar, e.g. AU."
    )
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="State or province, e.g. NSW.")
    # Bumped by every change to the calendar, its holidays or overrides; loaders cache by it.
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["tenant", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="calendar_name_unique_per_tenant")]

    def __str__(self) -> str:
        return self.name


class CalendarHoliday(TenantOwned):
    """An explicit local date on which the calendar is closed all day."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_date_unique_per_calendar")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class CalendarOverride(TenantOwned):
    """Hours that replace a date's usual hours (a half day, or open on a public holiday)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="overrides")
    date = models.DateField()
    intervals = models.JSONField(default=list, blank=True, help_text='E.g. [["09:00", "13:00"]]; [] closes the day.')
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="override_date_unique_per_calendar")]

    def __str__(self) -> str:
        return f"{self.date} {self.note}".strip()


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    RESOLUTION = "resolution", "Resolution"


class MetBy(models.TextChoices):
    REPLY = "reply", "First public staff reply"
    ASSIGNMENT = "assignment", "Assignment to an analyst"


class Unit(models.TextChoices):
    CALENDAR_MINUTES = "calendar_minutes", "calendar minutes"
    CALENDAR_HOURS = "calendar_hours", "calendar hours"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    BUSINESS_MINUTES = "business_minutes", "business minutes"
    BUSINESS_HOURS = "business_hours", "business hours"
    BUSINESS_DAYS = "business_days", "business days"

    @classmethod
    def is_business(cls, unit: str) -> bool:
        return unit.startswith("business_")


class SlaPolicy(TenantOwned):
    """One version of a tenant's SLA policy. Versions are never edited: a change makes a new one,
    and each case keeps the version it opened under."""

    version = models.PositiveIntegerField()
    first_response_met_by = models.CharField(max_length=16, choices=MetBy.choices, default=MetBy.REPLY)
    at_risk_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
    )
    note = models.CharField(max_length=200, blank=True, help_text="What changed in this version.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tenant", "-version"]
        verbose_name = "SLA policy version"
        constraints = [models.UniqueConstraint(fields=["tenant", "version"], name="policy_version_unique_per_tenant")]

    def __str__(self) -> str:
        return f"SLA policy v{self.version}"


class SlaTarget(TenantOwned):
    """The target for one (plan, priority, metric) in one policy version. No row: no explicit target."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    plan = models.ForeignKey("tickets.Plan", on_delete=models.PROTECT, related_name="+")
    priority = models.ForeignKey("tickets.Priority", on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit = models.CharField(max_length=20, choices=Unit.choices)
    # Required for business units; calendar units count elapsed time (24×7, no holidays).
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["policy", "metric", "priority__rank", "plan__rank"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "plan", "priority", "metric"], name="one_target_per_cell"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="target_amount_positive"),
            models.CheckConstraint(
                condition=~Q(unit__startswith="business_") | Q(calendar__isnull=False),
                name="business_target_has_calendar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_unit_display()}"


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"


class SlaClock(TenantOwned):
    """One metric's clock on one case, with the target it was given and its stored deadlines.

    Deadlines are recomputed by the services whenever the case's pauses or priority change, and
    stored so that sweeps find due clocks with an indexed query.
    """

    case = models.ForeignKey("tickets.Case", on_delete=models.CASCADE, related_name="clocks")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField()
    length = models.DurationField(help_text="The target as open time of its measure.")
    at_risk_share = models.DecimalField(max_digits=3, decimal_places=2)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Empty while paused.")
    at_risk_at = models.DateTimeField(null=True, blank=True, help_text="Empty while paused.")
    met_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True, help_text="When the at-risk warning was recorded.")
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "metric"]
        constraints = [models.UniqueConstraint(fields=["case", "metric"], name="one_clock_per_case_and_metric")]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="clock_due",
                condition=Q(met_at__isnull=True, breached_at__isnull=True, due_at__isnull=False),
            ),
            models.Index(
                fields=["at_risk_at"],
                name="clock_at_risk",
                condition=Q(met_at__isnull=True, warned_at__isnull=True, breached_at__isnull=True)
                & Q(at_risk_at__isnull=False),
            ),
            # The queue's "breached" and "at risk" filters (tickets.selectors.case_list).
            models.Index(fields=["tenant", "case"], name="clock_breached", condition=Q(breached_at__isnull=False)),
            models.Index(
                fields=["tenant", "case"],
                name="clock_warned",
                condition=Q(warned_at__isnull=False, met_at__isnull=True, breached_at__isnull=True),
            ),
            # The daily roll-ups of the dashboard (reports.services) read one day's decided clocks.
            models.Index(fields=["tenant", "met_at"], name="clock_met_day", condition=Q(met_at__isnull=False)),
            models.Index(
                fields=["tenant", "breached_at"], name="clock_breached_day", condition=Q(breached_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} clock of case {self.case_id}"

    @property
    def target_label(self) -> str:
        """E.g. "1 business day", "15 calendar minutes"."""
        unit = self.get_unit_display()
        return f"{self.amount} {unit.removesuffix('s') if self.amount == 1 else unit}"

    @property
    def state(self) -> str:
        if self.breached_at is not None:
            return ClockState.BREACHED
        if self.met_at is not None:
            return ClockState.MET
        if self.due_at is None:
            return ClockState.PAUSED
        return ClockState.RUNNING


class PauseReason(models.TextChoices):
    WAITING = "waiting_on_customer", "Waiting on customer"
    RESOLVED = "resolved", "Resolved, awaiting confirmation"


class CasePause(TenantOwned):
    """A stretch during which a case's resolution clock does not run."""

    case = models.ForeignKey("tickets.Case", on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_running_pause_per_case"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_at:%Y-%m-%d %H:%M}"


class SlaDraft(TenantOwned):
    """The tenant's unpublished next SLA policy version, as the targets page's form holds it.

    `values` is the grid form's data (field name -> text: "<metric>-<priority>-<plan>-amount" …),
    so a draft whose plan, priority or calendar went away is shown back with the form's errors
    rather than failing. Publishing (`sla.services.policy_publish`) turns it into a version."""

    values = models.JSONField(default=dict)
    based_on = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="one_sla_draft_per_tenant")]

    def __str__(self) -> str:
        return f"SLA draft of tenant {self.tenant_id}"
