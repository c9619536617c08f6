"""The survey page (a signed link, no sign-in) and the managers' satisfaction report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from helpdesk.api.params import id_param
from helpdesk.charts import bar_chart
from helpdesk.date_range import RangeForm, instants
from helpdesk.errors import DomainError, NotFound
from helpdesk.report_tables import Cell, Table, cell, csv_response
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from surveys.forms import FollowUpNoteForm, SurveyForm
from surveys.models import SurveyInvitation
from surveys.selectors import Row, follow_up_list, response_for, satisfaction_report, undelivered_invitations
from surveys.services import Answer, SurveyLinkProblem, check_answerable, invitation_from_token, survey_answer
from surveys.services import follow_up_close as close_follow_up
from surveys.services import follow_up_take as take_follow_up


def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token)
    except SurveyLinkProblem as problem:
        return render(request, "surveys/unavailable.html", {"message": problem.message}, status=404)
    recorded = response_for(invitation=invitation)
    if recorded is not None:
        context = {"invitation": invitation, "answer": recorded, **_branding(invitation)}
        return render(request, "surveys/answered.html", context)
    try:
        check_answerable(invitation, timezone.now())
    except SurveyLinkProblem as problem:
        return render(request, "surveys/unavailable.html", {"message": problem.message}, status=410)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            survey_answer(invitation=invitation, answer=Answer(**form.cleaned_data))
        except SurveyLinkProblem as problem:
            return render(request, "surveys/unavailable.html", {"message": problem.message}, status=410)
        except DomainError:
            pass  # answered meanwhile (another tab): the page shows the recorded answer
        messages.success(request, "Thank you for your answer.")
        return redirect("survey", token=token)
    return render(request, "surveys/form.html", {"invitation": invitation, "form": form, **_branding(invitation)})


def _branding(invitation: SurveyInvitation) -> dict[str, Any]:
    """The survey page carries the tenant's name and shows times in the merchant's zone."""
    return {"brand": invitation.tenant, "zone": invitation.recipient.time_zone or invitation.tenant.time_zone}


REPORT_DAYS = 365
GROUP_TITLES = {"analyst": "Analyst", "plan": "Plan", "priority": "Priority", "month": "Month"}


def _answered_link(group: dict[str, object], kind: str, first: date, last: date) -> str:
    """The case list of the cases with a survey answered (`kind`: answered, positive) in the days
    first..last and the group (a month narrows the days): exactly those the figure counts."""
    filters = {name: value for name, value in group.items() if name != "month"}
    month = group.get("month")
    if isinstance(month, datetime):
        first = max(first, month.date())
        last = min(last, (month.date() + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    query = urlencode({**filters, "survey": kind, "decided_from": first, "decided_to": last})
    return f"{reverse('case-list')}?{query}"


def _table(key: str, rows: list[Row], first: date, last: date) -> Table:
    columns = [GROUP_TITLES[key], "Answers", "Answers of 4–5", "CSAT (%)", "Overall", "Product", "Service", "Process"]
    body = []
    for r in rows:
        linked = key != "analyst"  # an answer names the analyst of its day, not the case's owner now
        answered = _answered_link(r.group, "answered", first, last) if linked else ""
        positive = _answered_link(r.group, "positive", first, last) if linked else ""
        figures = [cell(r.responses, answered), cell(r.satisfied, positive), cell(r.csat, answered)]
        scores = [Cell(f"{score:.2f}") for score in (r.overall, r.product_quality, r.service_delivery, r.process)]
        body.append([Cell(r.label), *figures, *scores])
    charts = [bar_chart(f"CSAT by {key}", [(r.label, r.csat) for r in rows], unit="%", maximum=100)]
    return Table(key, f"By {key}", columns, body, charts=charts if key == "month" else [], empty="No answers yet.")


@require_scope(MANAGING_ROLES)
def report(request: ScopedRequest) -> HttpResponse:
    """Satisfaction over a date range (the last year unless chosen): CSAT (the share of answers of
    4–5) and average scores per analyst, plan, priority and month, each table also as CSV
    (`?export=<analyst|plan|priority|month>`); low scores to follow up; undelivered invitations."""
    tenant = request.scope.tenant
    if request.method == "POST":
        return _follow_up_action(request)
    zone = ZoneInfo(tenant.time_zone)
    form = RangeForm(request.GET or None, today=timezone.now().astimezone(zone).date(), default_days=REPORT_DAYS)
    start, end = form.period()
    figures = satisfaction_report(tenant=tenant, **dict(zip(("start", "end"), instants(start, end, zone), strict=True)))
    tables = {key: _table(key, figures[key], start, end) for key in GROUP_TITLES}  # type: ignore[arg-type]
    export = request.GET.get("export")
    if export:
        if export not in tables:
            raise NotFound(f"No table “{export}” to export.")
        return csv_response(tables[export], start=start, end=end)
    context = {
        "report": figures,
        "tables": list(tables.values()),
        "form": form,
        "period": {"start": start, "end": end},
        "range_query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
        "follow_ups": follow_up_list(tenant=tenant),
        "undelivered": undelivered_invitations(tenant=tenant)[:50],
        "note_form": FollowUpNoteForm(),
    }
    return render(request, "surveys/report.html", context)


def _follow_up_action(request: ScopedRequest) -> HttpResponse:
    follow_up = (
        follow_up_list(tenant=request.scope.tenant)
        .filter(pk=id_param(request.POST.get("follow_up"), field="follow_up"))
        .first()
    )
    if follow_up is None:
        raise NotFound("No such follow-up.")
    if "take" in request.POST:
        take_follow_up(follow_up=follow_up, actor=request.user)
        messages.success(request, "The follow-up is yours.")
    else:
        form = FollowUpNoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say what was done before closing the follow-up.")
            return redirect("satisfaction-report")
        close_follow_up(follow_up=follow_up, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, "The follow-up is closed.")
    return redirect("satisfaction-report")
