"""The tenant's plans and priorities, by name, for the other endpoints' bodies and filters."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api.base import ScopedAPIView
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS, STAFF
from tickets.selectors import plan_list, priority_list


class PlanListView(ScopedAPIView):
    allowed_roles = STAFF

    @extend_schema(operation_id="plans_list", responses={200: s.NamedSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(s.NamedSerializer(plan_list(tenant=request.scope.tenant), many=True).data)


class PriorityListView(ScopedAPIView):
    @extend_schema(operation_id="priorities_list", responses={200: s.PrioritySerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(s.PrioritySerializer(priority_list(tenant=request.scope.tenant), many=True).data)
