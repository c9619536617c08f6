"""Incremental exports of cases and events, oldest change first, for a data warehouse."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.pagination import time_page
from helpdesk.api.params import limit_from, parse_time
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS, STAFF
from tickets.selectors import case_list, event_export_list, for_api


def export_schema(operation_id: str, item: type[serializers.Serializer], description: str) -> Any:
    """The OpenAPI description shared by the incremental exports."""
    page = inline_serializer(
        f"{item.__name__.removesuffix('Serializer')}ExportPage",
        {"results": item(many=True), "next": serializers.CharField(allow_null=True)},
    )
    return extend_schema(
        operation_id=operation_id,
        parameters=[
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME),
            OpenApiParameter("cursor", str),
            OpenApiParameter("limit", int),
        ],
        responses={200: page, **ERRORS},
        description=f"{description} Follow `next` until it is null.",
    )


class ExportCasesView(ScopedAPIView):
    allowed_roles = STAFF

    @export_schema("export_cases", s.CaseSerializer, "Cases changed since a time, oldest change first.")
    def get(self, request: ApiRequest) -> Response:
        q, scope = request.query_params, request.scope
        cases = case_list(scope=scope, updated_since=parse_time(q.get("updated_since"), "updated_since"))
        rows, following = time_page(
            for_api(cases, tenant=scope.tenant), "updated_at", q.get("cursor"), limit_from(q.get("limit"))
        )
        return Response({"results": s.cases_data(rows), "next": following})


class ExportEventsView(ScopedAPIView):
    allowed_roles = STAFF

    @export_schema("export_events", s.EventSerializer, "Case events since a time, oldest first.")
    def get(self, request: ApiRequest) -> Response:
        q, scope = request.query_params, request.scope
        events = event_export_list(scope=scope)
        since = parse_time(q.get("updated_since"), "updated_since")
        if since is not None:
            events = events.filter(created_at__gte=since)
        rows, following = time_page(events, "created_at", q.get("cursor"), limit_from(q.get("limit")))
        return Response({"results": s.EventSerializer(rows, many=True).data, "next": following})
