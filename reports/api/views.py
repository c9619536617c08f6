"""Dashboard API for managers: the live figures of PRODUCT.md's pinned
`GET /api/v1/reports/dashboard/`."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.roles import MANAGING_ROLES
from reports.selectors import agent_load, dashboard_tiles, open_figures

ERRORS = {code: ErrorSerializer for code in (401, 403, 429)}

DashboardSerializer = inline_serializer(
    "Dashboard",
    {
        "breach_forecast": inline_serializer(
            "BreachForecast", {"4h": serializers.IntegerField(), "24h": serializers.IntegerField()}
        ),
        "at_risk": serializers.IntegerField(),
        "breached": serializers.IntegerField(),
        "unassigned": serializers.IntegerField(),
        "open": serializers.IntegerField(),
        "open_escalations": serializers.IntegerField(),
        "agent_load": inline_serializer(
            "AgentLoad", {"analyst": serializers.EmailField(), "open": serializers.IntegerField()}, many=True
        ),
        "as_of": serializers.DateTimeField(),
    },
)


class DashboardView(ScopedAPIView):
    """Open cases whose earliest running deadline falls in the next 4 and 24 hours and has not
    passed (the breach forecast), at risk, breached, unassigned, open escalations, and open cases
    per analyst."""

    allowed_roles = MANAGING_ROLES

    @extend_schema(operation_id="reports_dashboard", responses={200: DashboardSerializer, **ERRORS})
    def get(self, request: ApiRequest) -> Response:
        now = timezone.now()
        groups = open_figures(scope=request.scope, now=now)
        tiles = dashboard_tiles(scope=request.scope, now=now, groups=groups)
        load = agent_load(scope=request.scope, now=now, groups=groups)
        return Response(
            {
                "breach_forecast": {"4h": tiles.due_4h, "24h": tiles.due_24h},
                "at_risk": tiles.at_risk,
                "breached": tiles.breached,
                "unassigned": tiles.unassigned,
                "open": tiles.open,
                "open_escalations": tiles.escalations,
                "agent_load": [{"analyst": row.email, "open": row.open} for row in load],
                "as_of": now.isoformat(),
            }
        )
