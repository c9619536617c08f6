"""Monitoring alerts: the first firing alert of a key opens a case, later ones add to it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.errors import ValidationFailed
from tickets import services
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS, account_and_requester, fetch_case


class AlertView(ScopedAPIView):
    @extend_schema(
        operation_id="alerts_create",
        request=s.AlertSerializer,
        responses={
            200: inline_serializer(
                "AlertOutcome",
                {
                    "action": serializers.ChoiceField(choices=["opened", "added", "resolved", "ignored"]),
                    "case": s.CaseSerializer(allow_null=True),
                },
            ),
            **ERRORS,
        },
        description=(
            "The first firing alert of a key opens a case at the priority the tenant maps kind and severity to; "
            "later alerts with the key add to it while it is open; a resolved alert notes it on the case. "
            "Keys are per account: two accounts using one key each have their own case."
        ),
    )
    def post(self, request: ApiRequest) -> Response:
        scope = request.scope
        body = s.AlertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        account, _ = account_and_requester(scope, data.get("account"), None)
        store = None
        if data.get("store"):
            store = account.stores.for_tenant(scope.tenant).filter(name=data["store"]).first()
            if store is None:
                raise ValidationFailed(
                    f"No store “{data['store']}” on this account.", errors={"store": ["Unknown store."]}
                )
        outcome = services.alert_receive(
            account=account,
            store=store,
            actor=request.user,
            dedup_key=data["dedup_key"],
            kind=data["kind"],
            severity=data["severity"],
            summary=data["summary"],
            firing=data["status"] == "firing",
        )
        case = s.case_data(fetch_case(scope, outcome.case.number)) if outcome.case else None
        return Response({"action": outcome.action, "case": case})
