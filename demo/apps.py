from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and `manage.py seed_demo`. At the top of the dependency order: it seeds
    every app below it (platform, sla, tickets, surveys) and nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"
    default_auto_field = "django.db.models.BigAutoField"
