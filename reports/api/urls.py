"""/api/v1/ routes of the managers' reports."""

from __future__ import annotations

from django.urls import path

from reports.api import views as reports

urlpatterns = [
    path("reports/dashboard/", reports.DashboardView.as_view()),
]
