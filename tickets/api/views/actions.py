"""POST /cases/<number>/<operation>/: one view per case operation of `tickets.operations`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.tenancy import Scope
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS, respond, staff_member
from tickets.operations import OPERATIONS
from tickets.selectors import case_get

Fields = Callable[[Scope, dict[str, Any]], dict[str, Any]]


def _same(scope: Scope, body: dict[str, Any]) -> dict[str, Any]:
    return body


def _with_staff_member(scope: Scope, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "assignee": staff_member(scope, body["assignee"])}


def action(
    name: str, request_serializer: type[serializers.Serializer] | None, doc: str, fields: Fields = _same
) -> type[ScopedAPIView]:
    """A POST /cases/<number>/<name>/ view running the operation `name` (tickets.operations: its
    roles and its service) with the validated body, turned into the service's fields."""
    operation = OPERATIONS[name]

    class ActionView(ScopedAPIView):
        operation_name = name
        allowed_roles = tuple(sorted(operation.roles))

        @extend_schema(
            operation_id=f"cases_{name.replace('-', '_')}",
            request=request_serializer,
            responses={200: s.CaseSerializer, **ERRORS},
            description=doc,
        )
        def post(self, request: ApiRequest, number: str) -> Response:
            case = case_get(scope=request.scope, number=number)
            body: dict[str, Any] = {}
            if request_serializer is not None:
                given = request_serializer(data=request.data)
                given.is_valid(raise_exception=True)
                body = dict(given.validated_data)
            operation.perform(case=case, actor=request.user, fields=fields(request.scope, body))
            return respond(case, request.scope)

    ActionView.__name__ = f"Case{name.title().replace('-', '')}View"
    return ActionView


CaseAssignView = action(
    "assign", s.AssignSerializer, "Give an unassigned case to an analyst.", fields=_with_staff_member
)
CaseReassignView = action(
    "reassign", s.ReassignSerializer, "Hand the case to another analyst, with a reason.", fields=_with_staff_member
)
CaseRequestInformationView = action(
    "request-information", s.MessageSerializer, "Ask the merchant (mailed); pauses the resolution clock."
)
CaseResolveView = action("resolve", s.SummarySerializer, "Propose the resolution; the merchant confirms or reopens.")
CaseCloseView = action(
    "close",
    s.OptionalReasonSerializer,
    "Close a resolved case by mutual agreement.",
    fields=lambda scope, body: {"note": body.get("reason", "")},
)
CaseConfirmView = action("confirm", None, "The merchant confirms the proposed resolution: the case closes.")
CaseRequestClosureView = action("request-closure", s.OptionalReasonSerializer, "The merchant asks to close.")
CaseConfirmClosureView = action("confirm-closure", None, "Staff confirm the merchant's closure request.")
CaseReopenView = action("reopen", s.ReasonSerializer, "Reopen a resolved or closed case.")
CaseEscalateView = action("escalate", s.EscalateSerializer, "Escalate to a support manager.")
CaseLogCallView = action("log-call", s.CallSerializer, "Log a phone call on the case (public or staff-only).")
CaseLinkEngineeringView = action(
    "link-engineering-issue", s.EngineeringLinkSerializer, "Link the case to an engineering issue."
)
