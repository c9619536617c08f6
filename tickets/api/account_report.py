"""GET /api/v1/reports/account-sla/: an account's SLA attainment by month and priority."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.serializers import ErrorSerializer
from tickets.account_report import account_sla_report, report_account, report_as_json, report_months, report_since


def _figures(name: str) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "met": serializers.IntegerField(),
            "missed": serializers.IntegerField(),
            "running": serializers.IntegerField(),
            "median_seconds": serializers.FloatField(allow_null=True),
        },
    )


def _rows() -> serializers.Serializer:
    return inline_serializer(
        "AccountSlaRow",
        many=True,
        fields={
            "month": serializers.CharField(help_text="YYYY-MM, in the account's time zone"),
            "priority": serializers.CharField(),
            "opened": serializers.IntegerField(),
            "first_response": _figures("AccountSlaFirstResponse"),
            "resolution": _figures("AccountSlaResolution"),
        },
    )


class AccountSlaView(ScopedAPIView):
    @extend_schema(
        operation_id="reports_account_sla",
        parameters=[
            OpenApiParameter("account", str, description="Account slug; a merchant's key may leave it out"),
            OpenApiParameter("months", int, description="Months back, this one included: 1 to 36 (default 12)"),
        ],
        responses={
            200: inline_serializer("AccountSlaReport", {"account": serializers.CharField(), "rows": _rows()}),
            **{code: ErrorSerializer for code in (400, 401, 429)},
        },
        description="Cases opened in the last months (12 unless asked) by month and priority: targets met, missed, "
        "still running, and the median time to meet them.",
    )
    def get(self, request: ApiRequest) -> Response:
        scope = request.scope
        account = report_account(scope, request.query_params.get("account"))
        months = report_months(request.query_params.get("months"))
        since = report_since(account, timezone.now(), months)
        rows = account_sla_report(scope=scope, account=account, since=since)
        return Response({"account": account.slug, "rows": report_as_json(rows)})
