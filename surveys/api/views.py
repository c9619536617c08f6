"""Survey API for managers: the responses, and the satisfaction report."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api.base import ScopedAPIView
from helpdesk.api.pagination import time_page
from helpdesk.api.params import limit_from
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.roles import MANAGING_ROLES
from surveys.selectors import response_list, satisfaction_report

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 429)}


class SurveyResponseSerializer(serializers.Serializer):
    case = serializers.CharField(source="invitation.case.number")
    account = serializers.CharField(source="invitation.case.account.slug")
    plan = serializers.CharField(source="invitation.case.plan.name")
    priority = serializers.CharField(source="invitation.case.priority.name")
    analyst = serializers.EmailField(source="invitation.analyst.email", allow_null=True, default=None)
    overall = serializers.IntegerField()
    product_quality = serializers.IntegerField()
    service_delivery = serializers.IntegerField()
    process = serializers.IntegerField()
    comment = serializers.CharField()
    answered_at = serializers.DateTimeField()


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    responses = serializers.IntegerField()
    overall = serializers.FloatField()
    product_quality = serializers.FloatField()
    service_delivery = serializers.FloatField()
    process = serializers.FloatField()
    satisfied = serializers.IntegerField(help_text="Answers of 4 or 5 overall.")
    csat = serializers.FloatField(allow_null=True, help_text="Answers of 4 or 5 overall, in percent.")


class SurveyResponsesView(ScopedAPIView):
    allowed_roles = MANAGING_ROLES

    @extend_schema(
        operation_id="surveys_responses_list",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("limit", int)],
        responses={
            200: inline_serializer(
                "SurveyResponsePage",
                {"results": SurveyResponseSerializer(many=True), "next": serializers.CharField(allow_null=True)},
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        q = request.query_params
        rows, following = time_page(
            response_list(tenant=request.scope.tenant), "answered_at", q.get("cursor"), limit_from(q.get("limit"))
        )
        return Response({"results": SurveyResponseSerializer(rows, many=True).data, "next": following})


class SurveyReportView(ScopedAPIView):
    allowed_roles = MANAGING_ROLES

    @extend_schema(
        operation_id="surveys_report",
        responses={
            200: inline_serializer(
                "SatisfactionReport",
                {
                    "analyst": RowSerializer(many=True),
                    "plan": RowSerializer(many=True),
                    "priority": RowSerializer(many=True),
                    "month": RowSerializer(many=True),
                    "invited": serializers.IntegerField(),
                    "answered": serializers.IntegerField(),
                    "response_rate": serializers.FloatField(allow_null=True),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        report = satisfaction_report(tenant=request.scope.tenant)
        for name in ("analyst", "plan", "priority", "month"):
            report[name] = RowSerializer(report[name], many=True).data
        return Response(report)
