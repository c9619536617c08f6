"""Survey invitations and answers in the scoped admin (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from helpdesk.admin.scoping import TenantScopedAdmin
from surveys.models import SurveyInvitation, SurveyResponse


class ReadOnly(TenantScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnly):
    list_display = ["case", "recipient", "created_at", "expires_at", "superseded_at", "reminder_sent_at"]
    list_filter = ["tenant"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnly):
    list_display = ["invitation", "overall", "product_quality", "service_delivery", "process", "answered_at"]
    list_filter = ["tenant", "overall"]
