"""SLA API: the quote for a plan and priority, and a case's clocks with their explanation."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api.base import ScopedAPIView
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.errors import ValidationFailed
from helpdesk.roles import STAFF_ROLES
from sla.selectors import case_clocks, clock_explain, opening_instant, quote_as_json, sla_quote
from tickets.selectors import case_get, plan_by_name, priority_by_name

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 429)}

QuoteTarget = inline_serializer(
    "QuoteTarget",
    {
        "amount": serializers.IntegerField(),
        "unit": serializers.CharField(),
        "calendar": serializers.CharField(),
        "due": serializers.DateTimeField(),
    },
    allow_null=True,
)


class QuoteView(ScopedAPIView):
    allowed_roles = STAFF_ROLES

    @extend_schema(
        operation_id="sla_quote",
        parameters=[
            OpenApiParameter("plan", str, required=True, description="Plan name, any case"),
            OpenApiParameter("priority", str, required=True, description="Priority name, any case"),
            OpenApiParameter(
                "opened_at", OpenApiTypes.DATETIME, required=True, description="ISO 8601; no offset: the tenant's zone"
            ),
        ],
        responses={
            200: inline_serializer("Quote", {"first_response": QuoteTarget, "resolution": QuoteTarget}),
            **ERRORS,
        },
        description="Committed times for a case of this plan and priority opened then (null: no explicit target).",
    )
    def get(self, request: Request) -> Response:
        tenant, q = request.scope.tenant, request.query_params
        missing = [name for name in ("plan", "priority", "opened_at") if not q.get(name)]
        if missing:
            raise ValidationFailed(f"Give {', '.join(missing)}.", errors={name: ["Required."] for name in missing})
        # A "+" of an offset left unescaped in a query string arrives as a space.
        opened_at = opening_instant(q["opened_at"].strip().replace(" ", "+"), tenant=tenant)
        plan = plan_by_name(tenant=tenant, name=q["plan"])
        priority = priority_by_name(tenant=tenant, name=q["priority"])
        return Response(quote_as_json(sla_quote(tenant=tenant, plan=plan, priority=priority, opened_at=opened_at)))


class ClockExplanationSerializer(serializers.Serializer):
    metric = serializers.CharField()
    state = serializers.CharField()
    calendar = serializers.CharField()
    time_zone = serializers.CharField()
    amount = serializers.IntegerField()
    unit = serializers.CharField()
    opened_at = serializers.DateTimeField()
    counting_from = serializers.DateTimeField()
    due = serializers.DateTimeField(source="due_at", allow_null=True)
    at_risk_at = serializers.DateTimeField(allow_null=True)
    pauses = serializers.SerializerMethodField()
    holidays = serializers.SerializerMethodField()
    closed_periods = serializers.SerializerMethodField()

    def get_pauses(self, why: object) -> list[dict]:
        return [{"from": a.isoformat(), "to": b.isoformat() if b else None, "reason": r} for a, b, r in why.pauses]

    def get_holidays(self, why: object) -> list[dict]:
        return [{"date": d.isoformat(), "name": n} for d, n in why.holidays]

    def get_closed_periods(self, why: object) -> list[dict]:
        return [{"from": a.isoformat(), "to": b.isoformat()} for a, b in why.closed_periods]


class CaseSlaView(ScopedAPIView):
    @extend_schema(
        operation_id="cases_sla",
        responses={200: ClockExplanationSerializer(many=True), **ERRORS},
        description="The case's clocks: deadlines, pauses, and why each deadline is where it is.",
    )
    def get(self, request: Request, number: str) -> Response:
        scope = request.scope
        case = case_get(scope=scope, number=number)
        explained = [
            clock_explain(tenant=scope.tenant, clock=clock) for clock in case_clocks(tenant=scope.tenant, case=case)
        ]
        return Response(ClockExplanationSerializer(explained, many=True).data)
