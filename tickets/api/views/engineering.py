"""Engineering issues: moving one to a new state tells every linked case."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api.base import ScopedAPIView
from tickets import services
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS, STAFF
from tickets.selectors import engineering_issue_get


class EngineeringIssueStateView(ScopedAPIView):
    allowed_roles = STAFF

    @extend_schema(
        operation_id="engineering_issues_set_state",
        request=s.EngineeringStateSerializer,
        responses={
            200: inline_serializer(
                "EngineeringIssue", {"reference": serializers.CharField(), "state": serializers.CharField()}
            ),
            **ERRORS,
        },
        description="Every linked case that is not closed gets an event, and its merchant a mail.",
    )
    def post(self, request: Request, reference: str) -> Response:
        body = s.EngineeringStateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        issue = engineering_issue_get(tenant=request.scope.tenant, reference=reference)
        issue = services.engineering_issue_set_state(
            tenant=request.scope.tenant, issue=issue, actor=request.user, state=body.validated_data["state"]
        )
        return Response({"reference": issue.reference, "state": issue.state})
