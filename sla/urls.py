"""SLA pages: the compliance report and the business calendar settings."""

from __future__ import annotations

from django.urls import path

from sla import settings_views, views

urlpatterns = [
    path("reports/sla/", views.compliance_report, name="sla-compliance"),
    path("settings/calendars/", settings_views.calendars, name="settings-calendars"),
    path("settings/calendars/new/", settings_views.calendar_new, name="settings-calendar-new"),
    path("settings/calendars/<int:pk>/", settings_views.calendar_edit, name="settings-calendar"),
]
