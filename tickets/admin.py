"""Admin for priorities and plans, scoped to the tenant admin's tenant."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from helpdesk.admin.scoping import TenantScopedAdmin
from tickets.models import AlertRoute, CannedReply, EngineeringIssue, Plan, Priority
from tickets.services import priority_cases_rerank


@admin.register(Plan)
class PlanAdmin(TenantScopedAdmin):
    list_display = ["name", "rank"]
    list_filter = ["tenant"]


@admin.register(Priority)
class PriorityAdmin(TenantScopedAdmin):
    list_display = ["name", "rank", "worked_first", "must_phone", "escalate_on_open"]
    list_filter = ["tenant"]

    def save_model(self, request: HttpRequest, obj: Priority, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "worked_first" in form.changed_data:
            priority_cases_rerank(priority=obj)  # its open cases change places in the work order


@admin.register(AlertRoute)
class AlertRouteAdmin(TenantScopedAdmin):
    """Which priority a monitoring alert of each kind and severity opens its case at."""

    list_display = ["kind", "severity", "priority"]
    list_filter = ["tenant", "kind"]


@admin.register(EngineeringIssue)
class EngineeringIssueAdmin(TenantScopedAdmin):
    list_display = ["reference", "title", "state", "updated_at"]
    list_filter = ["tenant", "state"]
    search_fields = ["reference", "title"]
    readonly_fields = ["state", "updated_at"]  # state changes go through the service, which tells linked cases


@admin.register(CannedReply)
class CannedReplyAdmin(TenantScopedAdmin):
    list_display = ["title", "follow_up", "updated_at"]
    list_filter = ["tenant"]
    search_fields = ["title", "body"]
