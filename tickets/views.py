"""Case pages: the list (portal and queue), the merchant's new-case form, one case with its SLA
explanation and the actions each role takes on it, and the merchant's confirm and reopen steps
that case mail links to. Thin: selectors read, one service writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.models import Role, User
from helpdesk.selectors import merchant_list, store_list
from helpdesk.tenancy import require_scope
from sla.selectors import case_clocks, clock_explain
from tickets.forms import (
    CaseActionForm,
    CaseOpenForm,
    CommentForm,
    ConfirmForm,
    EngineeringLinkForm,
    EscalateForm,
    MessageForm,
    NothingForm,
    PhoneCaseForm,
    PriorityForm,
    ReasonForm,
    ReassignForm,
    ReopenForm,
    WorkaroundForm,
)
from tickets.models import ACTIVE_STATUSES, Case, Channel, Status
from tickets.selectors import (
    attachment_for_download,
    case_comments,
    case_events,
    case_get,
    case_list,
    priority_list,
)
from tickets.services import (
    attachment_add,
    case_assign,
    case_change_priority,
    case_confirm_closure,
    case_confirm_resolution,
    case_open,
    case_propose_resolution,
    case_reassign,
    case_record_workaround,
    case_reopen,
    case_request_closure,
    case_request_information,
    comment_add,
    engineering_issue_link,
    escalation_raise,
)

PAGE_SIZE = 50


@require_scope()
def case_index(request: HttpRequest) -> HttpResponse:
    """Cases of the signed-in user's scope, most urgent first."""
    cases = case_list(scope=request.scope, status=request.GET.get("status") or None)[:PAGE_SIZE]
    return render(request, "tickets/case_list.html", {"cases": cases, "now": timezone.now()})


@require_scope(Role.MERCHANT)
def case_new(request: HttpRequest) -> HttpResponse:
    """The portal form: priority with each level's criteria, recent changes, impact, steps."""
    scope = request.scope
    form = CaseOpenForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        priorities=priority_list(tenant=scope.tenant),
        stores=store_list(scope=scope),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the case and its file are saved together, or neither
                case = case_open(
                    tenant=scope.tenant,
                    account=scope.account,
                    requester=request.user,
                    channel=Channel.PORTAL,
                    **{name: data[name] for name in CASE_OPEN_FIELDS},
                )
                if data["attachment"]:
                    upload = data["attachment"]
                    attachment_add(case=case, actor=request.user, filename=upload.name, data=upload.read())
        except DomainError as error:
            add_domain_error(form, error, renamed={"file": "attachment"})
        else:
            messages.success(request, _opened_message(case))
            return redirect("case-detail", number=case.number)
    return render(request, "tickets/case_new.html", {"form": form}, status=400 if form.errors else 200)


@require_scope(Role.ANALYST, Role.MANAGER, Role.ADMIN)
def case_log_call(request: HttpRequest) -> HttpResponse:
    """An analyst logs a phone call as a case on the caller's behalf (channel: phone)."""
    scope = request.scope
    form = PhoneCaseForm(
        request.POST if request.method == "POST" else None,
        priorities=priority_list(tenant=scope.tenant),
        merchants=merchant_list(scope=scope),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requester = data["requester"]
        try:
            case = case_open(
                tenant=scope.tenant,
                account=requester.account,
                requester=requester,
                opened_by=request.user,
                channel=Channel.PHONE,
                **{name: data[name] for name in CASE_OPEN_FIELDS if name in data},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Case {case.number} is logged for {requester.get_full_name()}.")
            return redirect("case-detail", number=case.number)
    return render(request, "tickets/case_log_call.html", {"form": form}, status=400 if form.errors else 200)


CASE_OPEN_FIELDS = (
    "subject",
    "priority",
    "category",
    "store",
    "description",
    "steps_to_reproduce",
    "recent_changes",
    "business_impact",
)


def _opened_message(case: Case) -> str:
    message = f"Case {case.number} is open. Its committed times are shown under Service level."
    if case.priority.must_phone and case.tenant.support_phone_numbers:
        phones = " or ".join(case.tenant.support_phone_numbers)
        message += f" {case.priority.name} cases must also be phoned in: call {phones} now."
    return message


@dataclass(frozen=True)
class CaseAction:
    """One action on the case page: its form, who is offered it in which statuses, the service
    it calls (with the case version the form was shown with) and what it tells the user."""

    label: str
    form: type[CaseActionForm]
    roles: frozenset[str]
    statuses: frozenset[str]
    perform: Callable[[Case, User, dict[str, Any], int], object]
    done: str


STAFF = frozenset({Role.ANALYST, Role.MANAGER, Role.ADMIN})
MERCHANT = frozenset({Role.MERCHANT})
EVERYONE = STAFF | MERCHANT
WORKING = frozenset(ACTIVE_STATUSES)
NOT_CLOSED = WORKING | {Status.RESOLVED}

CASE_ACTIONS: dict[str, CaseAction] = {
    "take": CaseAction(
        "Take this case",
        NothingForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_assign(case=case, actor=user, assignee=user, expected_version=version),
        "You own this case now.",
    ),
    "comment": CaseAction(
        "Add a message",
        CommentForm,
        EVERYONE,
        NOT_CLOSED,
        lambda case, user, data, version: comment_add(
            case=case, actor=user, body=data["body"], public=not data.get("internal"), expected_version=version
        ),
        "Your message is on the case.",
    ),
    "request-info": CaseAction(
        "Ask the merchant for information",
        MessageForm,
        STAFF,
        frozenset({Status.NEW, Status.OPEN, Status.REOPENED}),
        lambda case, user, data, version: case_request_information(
            case=case, actor=user, message=data["message"], expected_version=version
        ),
        "The merchant is asked; the resolution clock is paused until they answer.",
    ),
    "workaround": CaseAction(
        "Record a workaround",
        WorkaroundForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_record_workaround(
            case=case, actor=user, workaround=data["workaround"], expected_version=version
        ),
        "The workaround is on the case.",
    ),
    "link-engineering": CaseAction(
        "Link an engineering issue",
        EngineeringLinkForm,
        STAFF,
        NOT_CLOSED,
        lambda case, user, data, version: engineering_issue_link(
            case=case, actor=user, expected_version=version, **data
        ),
        "Linked: the merchant hears when the engineering issue changes state.",
    ),
    "priority": CaseAction(
        "Change the priority",
        PriorityForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_change_priority(
            case=case, actor=user, priority=data["priority"], reason=data["reason"], expected_version=version
        ),
        "Priority changed; the deadlines are recomputed from the opening time.",
    ),
    "reassign": CaseAction(
        "Reassign",
        ReassignForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_reassign(case=case, actor=user, expected_version=version, **data),
        "The case has a new owner.",
    ),
    "resolve": CaseAction(
        "Propose the resolution",
        MessageForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_propose_resolution(
            case=case, actor=user, summary=data["message"], expected_version=version
        ),
        "Resolution proposed: the merchant confirms it, or it closes by itself after the waiting days.",
    ),
    "confirm-closure": CaseAction(
        "Close as the merchant asked",
        NothingForm,
        STAFF,
        NOT_CLOSED,
        lambda case, user, data, version: case_confirm_closure(case=case, actor=user, expected_version=version),
        "The case is closed as the merchant asked.",
    ),
    "request-closure": CaseAction(
        "Ask to close this case",
        ReasonForm,
        MERCHANT,
        WORKING,
        lambda case, user, data, version: case_request_closure(
            case=case, actor=user, reason=data["reason"], expected_version=version
        ),
        "Your analyst will confirm the closure.",
    ),
    "escalate": CaseAction(
        "Escalate to a support manager",
        EscalateForm,
        MERCHANT,
        NOT_CLOSED,
        lambda case, user, data, version: escalation_raise(
            case=case, actor=user, reason=data["reason"], notes=data["notes"], expected_version=version
        ),
        "A support manager has your escalation and will contact you.",
    ),
}


def _offered_actions(case: Case, role: str) -> list[str]:
    """The actions this role can take on the case as it stands (the services decide in the end)."""
    hidden = {
        "take": case.assignee_id is not None,
        "reassign": case.assignee_id is None,
        "confirm-closure": case.closure_requested_at is None,
        "request-closure": case.closure_requested_at is not None,
    }
    return [
        name
        for name, action in CASE_ACTIONS.items()
        if role in action.roles and case.status in action.statuses and not hidden.get(name, False)
    ]


def _case_page(
    request: HttpRequest, case: Case, *, bound: tuple[str, CaseActionForm] | None = None, status: int = 200
) -> HttpResponse:
    scope = request.scope
    clocks = [
        (clock, clock_explain(tenant=scope.tenant, clock=clock))
        for clock in case_clocks(tenant=scope.tenant, case=case)
    ]
    attachments = case.attachments.for_tenant(scope.tenant)
    offered = _offered_actions(case, scope.role)
    actions = []
    for name in offered:
        action = CASE_ACTIONS[name]
        form = bound[1] if bound and bound[0] == name else action.form(scope=scope)
        actions.append({"name": name, "label": action.label, "form": form, "open": bool(bound and bound[0] == name)})
    # A refused action that this page does not offer (any more) explains itself at the top.
    refusal = (
        [str(e) for errors in bound[1].errors.values() for e in errors] if bound and bound[0] not in offered else []
    )
    context = {
        "case": case,
        "clocks": clocks,
        "comments": case_comments(scope=scope, case=case),
        "events": case_events(scope=scope, case=case),
        "attachments": attachments.filter(is_public=True) if scope.is_merchant else attachments,
        "engineering": case.engineering_issues.for_tenant(scope.tenant),
        "actions": actions,
        "refusal": refusal,
    }
    return render(request, "tickets/case_detail.html", context, status=status)


@require_scope()
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _case_page(request, case_get(scope=request.scope, number=number))


@require_POST
@require_scope()
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One action from the case page. The form carries the case version it was shown with, so a
    double submission or a change by someone else in between is refused, never applied twice."""
    scope = request.scope
    case = case_get(scope=scope, number=number)
    chosen = CASE_ACTIONS.get(action)
    if chosen is None:
        raise Http404("No such action.")
    form = chosen.form(request.POST, scope=scope)
    version = _posted_version(request)
    if form.is_valid() and version is not None:
        try:
            chosen.perform(case, request.user, form.cleaned_data, version)
        except DomainError as error:
            add_domain_error(form, error)
            return _case_page(
                request, case_get(scope=scope, number=number), bound=(action, form), status=error.status_code
            )
        messages.success(request, chosen.done)
        return redirect("case-detail", number=case.number)
    if version is None:
        form.add_error(None, "The form is incomplete: reload the case and try again.")
    return _case_page(request, case, bound=(action, form), status=400)


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_scope(Role.MERCHANT)
def case_confirm(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get(scope=request.scope, number=number)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_confirm_resolution(case=case, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Thank you: case {case.number} is closed.")
            return redirect("case-detail", number=case.number)
    return render(request, "tickets/case_confirm.html", {"case": case, "form": form})


@require_scope(Role.MERCHANT)
def case_reopen_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_get(scope=request.scope, number=number)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Case {case.number} is open again; your analyst picks it up.")
            return redirect("case-detail", number=case.number)
    return render(request, "tickets/case_reopen.html", {"case": case, "form": form})


@require_scope()
def attachment_download(request: HttpRequest, token: str) -> FileResponse:
    attachment = attachment_for_download(scope=request.scope, token=token)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
