"""One case's page with its SLA explanation and the actions each role takes on it, the merchant's
confirm and reopen steps that case mail links to, and attachment downloads. Thin: selectors read,
one service writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from helpdesk.drafts import draft_take
from helpdesk.errors import DomainError
from helpdesk.forms import add_domain_error
from helpdesk.http import post_or_back
from helpdesk.roles import MANAGING_ROLES, MERCHANT_ROLES, STAFF_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from sla.selectors import case_clocks, clock_explain
from tickets.actions import CASE_ACTIONS, offered_actions
from tickets.forms import (
    CaseActionForm,
    ConfirmForm,
    EngineeringStateForm,
    ReopenForm,
)
from tickets.models import Attachment, Case, CaseEvent, Comment, EngineeringState
from tickets.selectors import (
    attachment_for_download,
    case_comments,
    case_events,
    case_get,
    engineering_issue_get,
    escalation_list,
    staff_names,
    staff_roster,
)
from tickets.services import (
    case_confirm_resolution,
    case_reopen,
    engineering_issue_set_state,
)


class Entry(NamedTuple):
    kind: str  # "message", "file" or "event"
    at: datetime
    item: Any


def _case_page(
    request: ScopedRequest, case: Case, *, bound: tuple[str, CaseActionForm] | None = None, status: int = 200
) -> HttpResponse:
    scope = request.scope
    clocks = [
        (clock, clock_explain(tenant=scope.tenant, clock=clock))
        for clock in case_clocks(tenant=scope.tenant, case=case)
    ]
    attachments = case.attachments.for_tenant(scope.tenant).select_related("uploaded_by")
    offered = offered_actions(case, scope.role)
    actions = _action_forms(request, case, offered, bound)
    # A refused action that this page does not offer (any more) explains itself at the top.
    refusal = (
        [str(e) for errors in bound[1].errors.values() for e in errors] if bound and bound[0] not in offered else []
    )
    comments = case_comments(scope=scope, case=case)
    events = case_events(scope=scope, case=case)
    shown_files = attachments.filter(is_public=True) if scope.is_merchant else attachments
    context = {
        "case": case,
        "clocks": clocks,
        "now": timezone.now(),
        "comments": comments,
        "events": events,
        "timeline": _timeline(comments, events, shown_files),
        "attachments": shown_files,
        "composer": next((a for a in actions if a["name"] == "comment"), None),
        "quick_actions": [a for a in actions if not a["form"].fields],
        "menu_actions": [a for a in actions if a["form"].fields and a["name"] != "comment"],
        "engineering": case.engineering_issues.for_tenant(scope.tenant),
        "escalations": escalation_list(scope=scope).filter(case=case).order_by("created_at"),
        "handles_escalations": scope.role in MANAGING_ROLES,
        "engineering_states": EngineeringState.choices,
        "actions": actions,
        "offered": set(offered),
        "refusal": refusal,
        "roster": None if scope.is_merchant else staff_roster(scope=scope, now=timezone.now(), with_load=False),
        "staff_names": staff_names(scope=scope),
    }
    return render(request, "tickets/case_detail.html", context, status=status)


def _timeline(comments: Iterable[Comment], events: Iterable[CaseEvent], files: Iterable[Attachment]) -> list[Entry]:
    """The conversation as one list in time order: messages and notes, files, and the history's
    events folded in between them (as small lines: the history stays complete)."""
    entries = [Entry("message", c.created_at, c) for c in comments]
    entries += [Entry("file", f.created_at, f) for f in files]
    entries += [Entry("event", e.created_at, e) for e in events]
    return sorted(entries, key=lambda entry: entry.at)


def _action_forms(
    request: ScopedRequest, case: Case, offered: list[str], bound: tuple[str, CaseActionForm] | None
) -> list[dict[str, Any]]:
    """The forms of the actions offered: the one just refused as it was sent, one whose sending
    found the session expired filled in with what was typed, the others empty."""
    actions = []
    for name in offered:
        action = CASE_ACTIONS[name]
        draft = draft_take(request, reverse("case-action", args=[case.number, name]))
        if bound and bound[0] == name:
            form = bound[1]
        else:
            form = action.form(scope=request.scope, case=case, auto_id=f"{name}-%s", initial=draft)
        if draft:
            messages.info(request, f"You were signed out before “{action.label}” was sent: check it and send again.")
        open_form = bool(bound and bound[0] == name) or draft is not None
        actions.append({"name": name, "label": action.label, "form": form, "open": open_form})
    return actions


@require_scope()
def case_detail(request: ScopedRequest, number: str) -> HttpResponse:
    return _case_page(request, case_get(scope=request.scope, number=number))


@post_or_back("case-detail", keep=("number",))
@require_scope()
def case_action(request: ScopedRequest, number: str, action: str) -> HttpResponse:
    """One action from the case page. The form carries the case version it was shown with, so a
    double submission or a change by someone else in between is refused, never applied twice."""
    scope = request.scope
    case = case_get(scope=scope, number=number)
    chosen = CASE_ACTIONS.get(action)
    if chosen is None:
        raise Http404("No such action.")
    form = chosen.form(request.POST, request.FILES, scope=scope, case=case, auto_id=f"{action}-%s")
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


@post_or_back("queue")
@require_scope(STAFF_ROLES)
def engineering_issue_state(request: ScopedRequest, reference: str) -> HttpResponse:
    """Staff move an engineering issue to a new state from the page of a case linked to it;
    every linked case gets an event and its merchants are told."""
    scope = request.scope
    issue = engineering_issue_get(tenant=scope.tenant, reference=reference)
    number = request.POST.get("case")
    back = redirect("case-detail", number=case_get(scope=scope, number=number).number) if number else redirect("queue")
    form = EngineeringStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed states.")
        return back
    state = form.cleaned_data["state"]
    engineering_issue_set_state(tenant=scope.tenant, issue=issue, actor=request.user, state=state)
    messages.success(request, f"{issue.reference} is now “{EngineeringState(state).label}”.")
    return back


@require_scope(MERCHANT_ROLES)
def case_confirm(request: ScopedRequest, number: str) -> HttpResponse:
    case = case_get(scope=request.scope, number=number)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_confirm_resolution(case=case, actor=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Thank you: case {case.number} is closed.")
            return redirect("case-detail", number=case.number)
    return render(request, "tickets/case_confirm.html", {"case": case, "form": form})


@require_scope(MERCHANT_ROLES)
def case_reopen_view(request: ScopedRequest, number: str) -> HttpResponse:
    case = case_get(scope=request.scope, number=number)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Case {case.number} is open again; your analyst picks it up.")
            return redirect("case-detail", number=case.number)
    return render(request, "tickets/case_reopen.html", {"case": case, "form": form})


@require_scope()
def attachment_download(request: ScopedRequest, token: str) -> FileResponse:
    attachment = attachment_for_download(scope=request.scope, token=token)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
