"""Who changed which tenant setting, when, and from what to what: the history every settings page shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from helpdesk.tenancy import TenantOwned

# The settings pages, by the slug their changes are recorded under; a new settings page adds itself here.
SETTING_AREAS: dict[str, str] = {
    "sla-targets": "SLA targets",
    "calendars": "Business calendars",
    "priorities": "Priorities",
    "plans": "Plans",
    "accounts": "Accounts",
    "partners": "Partners",
    "staff": "Staff",
    "branding": "Branding and support numbers",
    "assignment": "Assignment and on-call",
    "canned-replies": "Saved replies",
    "webhooks": "Webhooks",
    "api-keys": "API keys",
}


class SettingChange(TenantOwned):
    """One change to one setting object (an SLA version, a calendar, a priority, a webhook …).

    `changes` lists the fields that differ as ``[{"field": label, "before": text, "after": text}]``,
    already rendered as the admin saw them, so the history reads the same after the setting's
    code or choices change. Secrets are never recorded (callers leave them out of the values)."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"
        PUBLISHED = "published", "Published"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    area = models.CharField(max_length=40, help_text="Which settings page, e.g. sla-targets or webhooks.")
    action = models.CharField(max_length=10, choices=Action.choices)
    label = models.CharField(max_length=200, help_text="What was changed, e.g. 'Priority Critical'.")
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["tenant", "area", "-at"], name="settingchange_area_at")]

    @property
    def area_label(self) -> str:
        return SETTING_AREAS.get(self.area, self.area)

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.label}"
