"""Platform API: merchant accounts (read-only, staff) and the schema pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.roles import STAFF_ROLES
from helpdesk.selectors import account_list


class AccountSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    plan = serializers.CharField(source="plan.name")
    time_zone = serializers.CharField()
    technical_contact = serializers.EmailField(source="technical_contact.email", allow_null=True, default=None)
    cc_addresses = serializers.ListField(child=serializers.EmailField())


class AccountListView(ScopedAPIView):
    allowed_roles = STAFF_ROLES

    @extend_schema(
        operation_id="accounts_list",
        responses={200: AccountSerializer(many=True), **{c: ErrorSerializer for c in (401, 403, 429)}},
    )
    def get(self, request: ApiRequest) -> Response:
        return Response(AccountSerializer(account_list(scope=request.scope), many=True).data)
