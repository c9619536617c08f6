"""/api/v1/stores/: tenant admins list, add and change stores and their monitoring."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.errors import ValidationFailed
from helpdesk.roles import ADMIN_ROLES
from helpdesk.selectors import account_by_slug, store_get, store_list
from helpdesk.services import store_create, store_update
from helpdesk.tenancy import Scope

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 429)}


class CheckSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    ok = serializers.BooleanField()
    status = serializers.IntegerField(allow_null=True)
    ms = serializers.IntegerField(help_text="How long the check took, in milliseconds.")
    error = serializers.CharField(allow_blank=True)


class StoreSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    account = serializers.SlugField(source="account.slug")
    name = serializers.CharField(max_length=120)
    url = serializers.URLField(required=False, help_text="The shop's address; defaults to the health URL's site.")
    health_url = serializers.URLField(allow_blank=True, required=False, help_text="Empty: not monitored.")
    check_interval_seconds = serializers.IntegerField(min_value=30, max_value=86400, required=False)
    failure_threshold = serializers.IntegerField(min_value=1, max_value=20, required=False)
    last_status = serializers.CharField(read_only=True, help_text="up, down, or empty before the first check.")
    last_checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_latency_ms = serializers.IntegerField(read_only=True, allow_null=True)
    consecutive_failures = serializers.IntegerField(read_only=True)
    outage_open = serializers.BooleanField(read_only=True)
    check_history = CheckSerializer(many=True, read_only=True, help_text="The last 20 checks, newest first.")


def _changes(scope: Scope, data: dict[str, Any]) -> dict[str, Any]:
    """The validated body as the service's fields: the account by slug, in the admin's tenant."""
    changes = dict(data)
    if "account" in changes:
        slug = changes.pop("account")["slug"]
        account = account_by_slug(tenant=scope.tenant, slug=slug)
        if account is None:
            raise ValidationFailed(f"No account “{slug}”.", errors={"account": ["Unknown account."]})
        changes["account"] = account
    return changes


class StoreListView(ScopedAPIView):
    allowed_roles = ADMIN_ROLES

    @extend_schema(operation_id="stores_list", responses={200: StoreSerializer(many=True), **ERRORS})
    def get(self, request: ApiRequest) -> Response:
        return Response(StoreSerializer(store_list(scope=request.scope), many=True).data)

    @extend_schema(operation_id="stores_create", request=StoreSerializer, responses={201: StoreSerializer, **ERRORS})
    def post(self, request: ApiRequest) -> Response:
        body = StoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = _changes(request.scope, body.validated_data)
        if "url" not in changes:
            parts = urlsplit(changes.get("health_url") or "")
            if not parts.netloc:
                raise ValidationFailed("Give the store's address.", errors={"url": ["This field is required."]})
            changes["url"] = f"{parts.scheme}://{parts.netloc}/"
        store = store_create(**changes)
        return Response(StoreSerializer(store).data, status=status.HTTP_201_CREATED)


class StoreDetailView(ScopedAPIView):
    allowed_roles = ADMIN_ROLES

    @extend_schema(operation_id="stores_retrieve", responses={200: StoreSerializer, **ERRORS})
    def get(self, request: ApiRequest, store_id: int) -> Response:
        return Response(StoreSerializer(store_get(scope=request.scope, store_id=store_id)).data)

    @extend_schema(
        operation_id="stores_partial_update", request=StoreSerializer, responses={200: StoreSerializer, **ERRORS}
    )
    def patch(self, request: ApiRequest, store_id: int) -> Response:
        store = store_get(scope=request.scope, store_id=store_id)
        body = StoreSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        store = store_update(store=store, changes=_changes(request.scope, body.validated_data))
        return Response(StoreSerializer(store).data)
