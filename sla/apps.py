from __future__ import annotations

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "Service levels"
    default_auto_field = "django.db.models.BigAutoField"
