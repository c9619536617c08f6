"""Escalations: the list, acknowledging and resolving one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api.base import ScopedAPIView
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import Scope
from tickets import services
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS
from tickets.models import Escalation, EscalationState
from tickets.selectors import escalation_list


class EscalationListView(ScopedAPIView):
    @extend_schema(
        operation_id="escalations_list",
        parameters=[OpenApiParameter("state", str, description="open, acknowledged or resolved")],
        responses={200: s.EscalationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state") or None
        if state and state not in EscalationState.values:
            known = ", ".join(EscalationState.values)
            raise ValidationFailed(
                f"Unknown escalation state “{state}”. Known states: {known}.",
                errors={"state": [f"Unknown state. Known states: {known}."]},
            )
        rows = escalation_list(scope=request.scope, state=state)[:200]
        return Response(s.EscalationSerializer(rows, many=True).data)


def _escalation(scope: Scope, pk: int) -> Escalation:
    escalation = escalation_list(scope=scope).filter(pk=pk).first()
    if escalation is None:
        raise NotFound("No such escalation.")
    return escalation


class EscalationAcknowledgeView(ScopedAPIView):
    allowed_roles = MANAGING_ROLES

    @extend_schema(
        operation_id="escalations_acknowledge", request=None, responses={200: s.EscalationSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        escalation = services.escalation_acknowledge(escalation=_escalation(request.scope, pk), actor=request.user)
        return Response(s.EscalationSerializer(_escalation(request.scope, escalation.pk)).data)


class EscalationResolveView(ScopedAPIView):
    allowed_roles = MANAGING_ROLES

    @extend_schema(
        operation_id="escalations_resolve", request=s.NoteSerializer, responses={200: s.EscalationSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        escalation = services.escalation_resolve(
            escalation=_escalation(request.scope, pk), actor=request.user, note=body.validated_data["note"]
        )
        return Response(s.EscalationSerializer(_escalation(request.scope, escalation.pk)).data)
