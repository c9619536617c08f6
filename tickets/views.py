"""Case pages: the list (portal and queue), one case with its SLA explanation, and the merchant's
confirm and reopen steps that case mail links to. Thin: selectors read, one service writes."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.tenancy import require_scope
from sla.selectors import case_clocks, clock_explain
from tickets.forms import ConfirmForm, ReopenForm
from tickets.selectors import attachment_for_download, case_comments, case_events, case_get, case_list
from tickets.services import case_confirm_resolution, case_reopen

PAGE_SIZE = 50


@require_scope()
def case_index(request: HttpRequest) -> HttpResponse:
    """Cases of the signed-in user's scope, most urgent first."""
    cases = case_list(scope=request.scope, status=request.GET.get("status") or None)[:PAGE_SIZE]
    return render(request, "tickets/case_list.html", {"cases": cases, "now": timezone.now()})


@require_scope()
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    scope = request.scope
    case = case_get(scope=scope, number=number)
    clocks = [
        (clock, clock_explain(tenant=scope.tenant, clock=clock))
        for clock in case_clocks(tenant=scope.tenant, case=case)
    ]
    attachments = case.attachments.for_tenant(scope.tenant)
    context = {
        "case": case,
        "clocks": clocks,
        "comments": case_comments(scope=scope, case=case),
        "events": case_events(scope=scope, case=case),
        "attachments": attachments.filter(is_public=True) if scope.is_merchant else attachments,
        "engineering": case.engineering_issues.for_tenant(scope.tenant),
    }
    return render(request, "tickets/case_detail.html", context)


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
