from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The managers' dashboard and reports: figures that combine cases, clocks and surveys, so the
    app sits above surveys (helpdesk ← sla ← tickets ← surveys ← reports ← demo)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"
