"""The case list (filtered, most urgent first, keyset pages), opening a case, reading one and
changing its fields (one service call: `case_update`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from helpdesk.api.base import ApiRequest, ScopedAPIView
from helpdesk.api.pagination import urgency_page
from helpdesk.api.params import limit_from, parse_bool, parse_time
from helpdesk.errors import PermissionDenied, ValidationFailed
from tickets import services
from tickets.api import serializers as s
from tickets.api.views._shared import ERRORS, account_and_requester, account_named, fetch_case, respond, staff_member
from tickets.selectors import case_get, case_list, for_api, plan_by_name, priority_by_name

CASE_FILTERS = [
    OpenApiParameter("status", str, description="new, open, waiting_on_customer, reopened, resolved or closed"),
    OpenApiParameter("priority", str, description="Priority name"),
    OpenApiParameter("plan", str, description="Plan name"),
    OpenApiParameter("assignee", str, description="Analyst e-mail"),
    OpenApiParameter("account", str, description="Account slug (staff)"),
    OpenApiParameter("breached", bool),
    OpenApiParameter("at_risk", bool),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME),
    OpenApiParameter("search", str, description="A case number, or words of the subject"),
    OpenApiParameter("cursor", str),
    OpenApiParameter("limit", int, description="1–200, default 50"),
]


class CaseListView(ScopedAPIView):
    @extend_schema(
        operation_id="cases_list",
        parameters=CASE_FILTERS,
        responses={
            200: inline_serializer(
                "CasePage", {"results": s.CaseSerializer(many=True), "next": serializers.CharField(allow_null=True)}
            ),
            **ERRORS,
        },
        description="Cases of the key's scope (a merchant key: its account), most urgent first.",
    )
    def get(self, request: ApiRequest) -> Response:
        scope, q = request.scope, request.query_params
        status_filter = q.get("status") or None
        if status_filter and status_filter not in dict(s.Status.choices):
            raise ValidationFailed("Unknown status.", errors={"status": ["Unknown status."]})
        cases = case_list(
            scope=scope,
            status=status_filter,
            priority=priority_by_name(tenant=scope.tenant, name=q["priority"]) if q.get("priority") else None,
            plan=plan_by_name(tenant=scope.tenant, name=q["plan"]) if q.get("plan") else None,
            assignee=staff_member(scope, q["assignee"]) if q.get("assignee") else None,
            account_slug=account_named(scope, q["account"]).slug if q.get("account") else None,
            breached=parse_bool(q.get("breached"), "breached"),
            at_risk=parse_bool(q.get("at_risk"), "at_risk"),
            updated_since=parse_time(q.get("updated_since"), "updated_since"),
            search=q.get("search") or None,
        )
        rows, following = urgency_page(for_api(cases, tenant=scope.tenant), q.get("cursor"), limit_from(q.get("limit")))
        return Response({"results": s.cases_data(rows), "next": following})

    @extend_schema(
        operation_id="cases_create",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseSerializer, **ERRORS},
        description="A merchant key opens a case for its own account; a staff key names the account.",
    )
    def post(self, request: ApiRequest) -> Response:
        scope = request.scope
        data = s.CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        account, requester = account_and_requester(scope, fields.pop("account", None), fields.pop("requester", None))
        store_name = fields.pop("store", None)
        store = account.stores.for_tenant(scope.tenant).filter(name=store_name).first() if store_name else None
        if store_name and store is None:
            raise ValidationFailed(f"No store “{store_name}” on this account.", errors={"store": ["Unknown store."]})
        channel = fields.pop("channel")
        if scope.is_merchant and channel != "api":
            raise ValidationFailed(
                "Merchant keys open cases through the API channel.", errors={"channel": ["Use api."]}
            )
        case = services.case_open(
            tenant=scope.tenant,
            account=account,
            requester=requester,
            opened_by=request.user,
            priority=priority_by_name(tenant=scope.tenant, name=fields.pop("priority")),
            store=store,
            channel=channel,
            **fields,
        )
        return respond(case, scope, status.HTTP_201_CREATED)


class CaseDetailView(ScopedAPIView):
    @extend_schema(operation_id="cases_retrieve", responses={200: s.CaseSerializer, **ERRORS})
    def get(self, request: ApiRequest, number: str) -> Response:
        return Response(s.case_data(fetch_case(request.scope, number)))

    @extend_schema(
        operation_id="cases_partial_update", request=s.CaseUpdateSerializer, responses={200: s.CaseSerializer, **ERRORS}
    )
    def patch(self, request: ApiRequest, number: str) -> Response:
        scope = request.scope
        case = case_get(scope=scope, number=number)
        data = s.CaseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        priority, reason = changes.pop("priority", None), changes.pop("priority_reason", "")
        workaround = changes.pop("workaround", None)
        if (priority or workaround is not None) and scope.is_merchant:
            raise PermissionDenied("Only support staff change the priority or the workaround.")
        case = services.case_update(
            case=case,
            actor=request.user,
            details=changes,
            workaround=workaround,
            priority=priority_by_name(tenant=scope.tenant, name=priority) if priority else None,
            priority_reason=reason,
            expected_version=version,
        )
        return respond(case, scope)
