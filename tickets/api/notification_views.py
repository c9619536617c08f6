"""/api/v1/notifications/: the key's user's staff notifications, newest first, and marking one read."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.pagination import decode, encode
from helpdesk.api.params import limit_from, parse_bool
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.roles import STAFF_ROLES
from tickets.models import Notification, NotificationKind
from tickets.selectors import notification_get, notification_list
from tickets.services import notification_mark_read

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 429)}


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]  # a field named label; DRF collects it
    case = serializers.CharField(source="case.number", help_text="The case's number, such as SC-1042.")
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()
    read_at = serializers.DateTimeField(allow_null=True)

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


def newest_first_page(rows: QuerySet[Notification], cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of rows in (created_at, pk) descending order, continuing after the cursor's row."""
    if cursor:
        moment, pk = decode(cursor, datetime, int)
        rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode([last.created_at, last.pk])


class NotificationListView(ScopedAPIView):
    allowed_roles = STAFF_ROLES

    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter("unread", bool, description="true: unread ones only"),
            OpenApiParameter("cursor", str, description="`next` of the previous page"),
            OpenApiParameter("limit", int, description="page size"),
        ],
        responses={
            200: inline_serializer(
                "NotificationPage",
                {"results": NotificationSerializer(many=True), "next": serializers.CharField(allow_null=True)},
            ),
            **ERRORS,
        },
        description="The key's user's notifications, newest first.",
    )
    def get(self, request: ApiRequest) -> Response:
        q = request.query_params
        rows = notification_list(scope=request.scope, unread=bool(parse_bool(q.get("unread"), "unread")))
        page, following = newest_first_page(rows, q.get("cursor"), limit_from(q.get("limit")))
        return Response({"results": NotificationSerializer(page, many=True).data, "next": following})


class NotificationReadView(ScopedAPIView):
    allowed_roles = STAFF_ROLES

    @extend_schema(operation_id="notifications_read", request=None, responses={200: NotificationSerializer, **ERRORS})
    def post(self, request: ApiRequest, pk: int) -> Response:
        notification = notification_get(scope=request.scope, pk=pk)
        notification = notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationSerializer(notification).data)
