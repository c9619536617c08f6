"""Case API: thin views that resolve through selectors, call one service, and serialize."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api.base import ScopedAPIView
from helpdesk.api.pagination import time_page, urgency_page
from helpdesk.api.params import limit_from, parse_bool, parse_time
from helpdesk.api.serializers import ErrorSerializer
from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import Account, User
from helpdesk.roles import MANAGING_ROLES, STAFF_ROLES
from helpdesk.selectors import account_by_slug, account_user_by_email, staff_by_email
from helpdesk.tenancy import Scope
from tickets import services
from tickets.api import serializers as s
from tickets.models import Case, Escalation, EscalationState
from tickets.operations import OPERATIONS
from tickets.selectors import (
    attachment_for_download,
    case_comments,
    case_events,
    case_for_api,
    case_get,
    case_list,
    engineering_issue_get,
    escalation_list,
    event_export_list,
    plan_by_name,
    plan_list,
    priority_by_name,
    priority_list,
    with_clocks,
)

STAFF = STAFF_ROLES
ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 409, 422, 429)}


def fetch_case(scope: Scope, number: str) -> Case:
    return case_for_api(scope=scope, number=number)


def staff_member(scope: Scope, email: str) -> User:
    user = staff_by_email(tenant=scope.tenant, email=email)
    if user is None:
        raise ValidationFailed(f"No analyst “{email}” in this support team.", errors={"assignee": ["Unknown analyst."]})
    return user


def respond(case: Case, scope: Scope, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.CaseSerializer(fetch_case(scope, case.number)).data, status=code)


def account_named(scope: Scope, slug: str) -> Account:
    """The scope's account with this slug (from a body or query: unknown is a 400). Another
    account's slug, or another tenant's, answers exactly like one that does not exist."""
    if scope.is_merchant:
        account = scope.account if slug == scope.account.slug else None
    else:
        account = account_by_slug(tenant=scope.tenant, slug=slug)
    if account is None:
        raise ValidationFailed(f"No account “{slug}”.", errors={"account": ["Unknown account."]})
    return account


def account_and_requester(scope: Scope, slug: str | None, email: str | None) -> tuple[Account, User]:
    """The account a request is about (a merchant: its own) and the requester (default: the contact)."""
    if scope.is_merchant:
        return (account_named(scope, slug) if slug else scope.account), scope.user
    if not slug:
        raise ValidationFailed("Name the merchant account (its slug).", errors={"account": ["Required for staff."]})
    account = account_named(scope, slug)
    if not email:
        if account.technical_contact is None:
            raise ValidationFailed(
                f"{slug} has no technical contact: set one, or name the requester.",
                errors={"requester": ["The account has no technical contact."]},
            )
        return account, account.technical_contact
    requester = account_user_by_email(tenant=scope.tenant, account=account, email=email)
    if requester is None:
        raise ValidationFailed(
            f"{email} is not a user of {slug}.", errors={"requester": ["Not a user of the account."]}
        )
    return account, requester


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
    def get(self, request: Request) -> Response:
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
        rows, following = urgency_page(
            with_clocks(cases, tenant=scope.tenant), q.get("cursor"), limit_from(q.get("limit"))
        )
        return Response({"results": s.CaseSerializer(rows, many=True).data, "next": following})

    @extend_schema(
        operation_id="cases_create",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseSerializer, **ERRORS},
        description="A merchant key opens a case for its own account; a staff key names the account.",
    )
    def post(self, request: Request) -> Response:
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
    def get(self, request: Request, number: str) -> Response:
        return Response(s.CaseSerializer(fetch_case(request.scope, number)).data)

    @extend_schema(
        operation_id="cases_partial_update", request=s.CaseUpdateSerializer, responses={200: s.CaseSerializer, **ERRORS}
    )
    def patch(self, request: Request, number: str) -> Response:
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
        def post(self, request: Request, number: str) -> Response:
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


class CaseCommentsView(ScopedAPIView):
    @extend_schema(operation_id="cases_comments_list", responses={200: s.CommentSerializer(many=True), **ERRORS})
    def get(self, request: Request, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        return Response(s.CommentSerializer(case_comments(scope=request.scope, case=case), many=True).data)

    @extend_schema(
        operation_id="cases_comments_create",
        request=s.CommentSerializer,
        responses={201: s.CommentSerializer, **ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.comment_add(
            case=case,
            actor=request.user,
            body=body.validated_data["body"],
            public=body.validated_data["is_public"],
            channel="api",
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CaseAttachmentsView(ScopedAPIView):
    parser_classes = [MultiPartParser]  # the one body that carries a file

    @extend_schema(operation_id="cases_attachments_list", responses={200: s.AttachmentSerializer(many=True), **ERRORS})
    def get(self, request: Request, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        files = case.attachments.for_tenant(request.scope.tenant)
        if request.scope.is_merchant:
            files = files.filter(is_public=True)
        return Response(s.AttachmentSerializer(files, many=True).data)

    @extend_schema(
        operation_id="cases_attachments_create",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, **ERRORS, 413: ErrorSerializer},
        description=(
            "Images (PNG, JPEG, GIF), PDF or UTF-8 text, judged by content; up to the size limit. "
            "A body over the limit is refused with 413 before it is read."
        ),
    )
    def post(self, request: Request, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        body = s.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            case=case,
            actor=request.user,
            file=body.validated_data["file"],
            public=body.validated_data["public"],
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(ScopedAPIView):
    @extend_schema(
        operation_id="attachments_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request: Request, token: str) -> FileResponse:
        attachment = attachment_for_download(scope=request.scope, token=token)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )


class CaseEventsView(ScopedAPIView):
    @extend_schema(operation_id="cases_events_list", responses={200: s.EventSerializer(many=True), **ERRORS})
    def get(self, request: Request, number: str) -> Response:
        case = case_get(scope=request.scope, number=number)
        return Response(
            s.EventSerializer(case_events(scope=request.scope, case=case).select_related("case"), many=True).data
        )


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


class PlanListView(ScopedAPIView):
    allowed_roles = STAFF

    @extend_schema(operation_id="plans_list", responses={200: s.NamedSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(s.NamedSerializer(plan_list(tenant=request.scope.tenant), many=True).data)


class PriorityListView(ScopedAPIView):
    @extend_schema(operation_id="priorities_list", responses={200: s.PrioritySerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(s.PrioritySerializer(priority_list(tenant=request.scope.tenant), many=True).data)


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
    def get(self, request: Request) -> Response:
        q, scope = request.query_params, request.scope
        cases = case_list(scope=scope, updated_since=parse_time(q.get("updated_since"), "updated_since"))
        rows, following = time_page(
            with_clocks(cases, tenant=scope.tenant), "updated_at", q.get("cursor"), limit_from(q.get("limit"))
        )
        return Response({"results": s.CaseSerializer(rows, many=True).data, "next": following})


class ExportEventsView(ScopedAPIView):
    allowed_roles = STAFF

    @export_schema("export_events", s.EventSerializer, "Case events since a time, oldest first.")
    def get(self, request: Request) -> Response:
        q, scope = request.query_params, request.scope
        events = event_export_list(scope=scope)
        since = parse_time(q.get("updated_since"), "updated_since")
        if since is not None:
            events = events.filter(created_at__gte=since)
        rows, following = time_page(events, "created_at", q.get("cursor"), limit_from(q.get("limit")))
        return Response({"results": s.EventSerializer(rows, many=True).data, "next": following})


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
    def post(self, request: Request) -> Response:
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
        case = s.CaseSerializer(fetch_case(scope, outcome.case.number)).data if outcome.case else None
        return Response({"action": outcome.action, "case": case})
