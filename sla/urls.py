"""SLA pages: the compliance report."""

from __future__ import annotations

from django.urls import path

from sla import views

urlpatterns = [
    path("reports/sla/", views.compliance_report, name="sla-compliance"),
]
