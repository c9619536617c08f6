"""Opening a case: the merchant's portal form and the analyst's logged phone call, each opened once
however often the same form is sent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from helpdesk.drafts import draft_take
from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.idempotency import idempotency_claim, idempotency_complete
from helpdesk.models import User
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from helpdesk.selectors import account_list, merchant_list, store_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.forms import CaseDetailsForm, CaseOpenForm
from tickets.models import Case, Channel
from tickets.phone_form import PhoneCaseForm
from tickets.selectors import (
    priority_offered,
)
from tickets.services import (
    attachment_add,
    case_open,
)

# The same form content sent again within this time shows the case it opened instead of a twin.
SUBMISSION_REPEAT_WINDOW = timedelta(minutes=30)


@require_scope(MERCHANT_ROLES)
def case_new(request: ScopedRequest) -> HttpResponse:
    """The portal form: priority with each level's criteria, recent changes, impact, steps."""
    scope = request.scope
    form = CaseOpenForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        priorities=priority_offered(tenant=scope.tenant),
        stores=store_list(scope=scope),
        # A partner chooses which of its accounts the case is for; a merchant's is its own.
        accounts=account_list(scope=scope) if scope.account is None else None,
        initial=_kept_draft(request),
    )

    def open_with_file(data: dict[str, Any]) -> Case:
        case = case_open(
            tenant=scope.tenant,
            account=scope.account or data["account"],
            requester=request.user,
            channel=Channel.PORTAL,
            cc_emails=data["cc_emails"],
            **{name: data[name] for name in CASE_OPEN_FIELDS},
        )
        if data["attachment"]:
            attachment_add(case=case, actor=request.user, file=data["attachment"])
        return case

    if request.method == "POST" and form.is_valid():
        answer = _open_once(request, form, "portal:case-new", open_with_file)
        if answer:
            return answer
    return render(request, "tickets/case_new.html", {"form": form}, status=400 if form.errors else 200)


@require_scope(STAFF_ROLES)
def case_log_call(request: ScopedRequest) -> HttpResponse:
    """An analyst logs a phone call as a case on the caller's behalf (channel: phone), opened at
    the call's time and owned by the analyst unless they choose another owner or nobody."""
    scope = request.scope
    form = PhoneCaseForm(
        request.POST if request.method == "POST" else None,
        priorities=priority_offered(tenant=scope.tenant),
        merchants=merchant_list(scope=scope),
        stores=store_list(scope=scope).order_by("account__name", "name"),
        scope=scope,
        initial=_kept_draft(request),
    )

    def open_for_caller(data: dict[str, Any]) -> Case:
        return case_open(
            tenant=scope.tenant,
            account=data["requester"].account,
            requester=data["requester"],
            opened_by=request.user,
            channel=Channel.PHONE,
            at=data["called_at"],
            assignee=data["owner"],
            **{name: data[name] for name in CASE_OPEN_FIELDS if name in data},
        )

    if request.method == "POST" and form.is_valid():
        answer = _open_once(request, form, "queue:log-call", open_for_caller)
        if answer:
            return answer
    return render(request, "tickets/case_log_call.html", {"form": form}, status=400 if form.errors else 200)


def _kept_draft(request: HttpRequest) -> dict[str, Any] | None:
    """What the user typed into this form before their session expired, shown again once."""
    if request.method == "POST":
        return None
    draft = draft_take(request, request.path)
    if draft:
        messages.info(request, "You were signed out before the form was sent: check it and send it again.")
    return draft


def _submission_key(kind: str, data: dict[str, Any]) -> str:
    """The same form sent again — a double click, a resend, Back and send — has the same content,
    so the content names the submission (a token of the page would change when Back reloads it)."""
    content = {name: getattr(value, "pk", value) for name, value in data.items() if name != "attachment"}
    upload = data.get("attachment")
    content["attachment"] = [upload.name, upload.size] if upload else None
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    return f"{kind}:{digest}"


def _open_once(
    request: ScopedRequest, form: CaseDetailsForm, kind: str, open_case: Callable[[dict[str, Any]], Case]
) -> HttpResponse | None:
    """Open the case of a valid form once however often the same form is sent, in one transaction
    with all it saves; the redirect to the case, or None with the refusal shown on the form."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            key = _submission_key(kind, data)
            claim = idempotency_claim(
                tenant=request.scope.tenant,
                user=request.user,
                key=key,
                request_hash="form",
                window=SUBMISSION_REPEAT_WINDOW,
            )
            if not claim.first:
                messages.info(request, "That form was sent twice; the case was opened once.")
                return redirect("case-detail", number=(claim.record.response or {})["number"])
            case = open_case(data)
            idempotency_complete(record=claim.record, status_code=302, response={"number": case.number})
    except DomainError as error:
        add_domain_error(form, error, renamed={"file": "attachment"})
        return None
    messages.success(request, _opened_message(case, request.user))
    return redirect("case-detail", number=case.number)


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


def _opened_message(case: Case, user: User) -> str:
    if user != case.requester:
        return f"Case {case.number} is logged for {case.requester.get_full_name()}."
    message = f"Case {case.number} is open. Its committed times are shown under Service level."
    if case.priority.must_phone and case.tenant.support_phone_numbers:
        phones = " or ".join(case.tenant.support_phone_numbers)
        message += f" {case.priority.name} cases must also be phoned in: call {phones} now."
    return message
