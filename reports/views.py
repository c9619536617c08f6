"""The managers' dashboard (their home): live figures, the breach forecast with one-click
hand-over, and trends over a date range; `?export=<table>` downloads any table as CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from helpdesk.date_range import RangeForm
from helpdesk.errors import DomainError, NotFound
from helpdesk.models import Role
from helpdesk.report_tables import csv_response
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import Scope, ScopedRequest, require_scope
from reports.dashboard import (
    BUILDERS,
    Period,
    backlog_table,
    forecast_cases,
    forecast_rows_html,
    forecast_table,
    load_table,
    tiles_table,
)
from reports.forms import HandOverForm
from reports.selectors import AgentLoad, agent_load, dashboard_tiles, open_figures
from tickets.operations import OPERATIONS
from tickets.selectors import case_get
from tickets.services import ReassignReason


@require_scope(MANAGING_ROLES)
def dashboard(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    now = timezone.now()
    form = RangeForm(request.GET or None, today=now.astimezone(ZoneInfo(scope.tenant.time_zone)).date())
    start, end = form.period()
    period = Period(start=start, end=end, now=now)
    export = request.GET.get("export")
    if export:
        if export == "overview":
            return csv_response(tiles_table(dashboard_tiles(scope=scope, now=now)))
        if export not in BUILDERS:
            raise NotFound(f"No table “{export}” to export.")
        table = BUILDERS[export](scope, period)
        dated = export not in {"forecast", "backlog", "agent-load"}
        return csv_response(table, start=start if dated else None, end=end if dated else None)
    groups = open_figures(scope=scope, now=now)  # the open cases, read once for the tiles, backlog and load
    tiles = dashboard_tiles(scope=scope, now=now, groups=groups)
    cases = forecast_cases(scope, period)
    forecast = forecast_table(scope, period, cases)
    least = _least_loaded(load := agent_load(scope=scope, now=now, groups=groups))
    live = {"forecast", "agent-load", "backlog"}
    tables = {key: build(scope, period) for key, build in BUILDERS.items() if key not in live}
    tables["agent-load"] = load_table(scope, period, load)
    tables["backlog"] = backlog_table(scope, period, groups)
    context = {
        "form": form,
        "period": period,
        "tiles": tiles,
        "overview": tiles_table(tiles),
        "forecast": forecast,
        # (case, its table row, who the hand-over offers first: the owner, else the least loaded)
        "forecast_rows": [
            (case, row, case.assignee_id or least) for case, row in zip(cases, forecast.rows, strict=True)
        ],
        "forecast_html": forecast_rows_html(
            forecast, cases, choices=_staff_choices(scope), least=least, csrf_token=get_token(request), now=now
        ),
        "live_tables": [tables["backlog"], tables["agent-load"]],
        "trend_tables": [tables["attainment"], tables["medians"], tables["satisfaction"]],
        "range_query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
    }
    return render(request, "reports/dashboard.html", context)


def _staff_choices(scope: Scope) -> list[tuple[int, str]]:
    """The hand-over's choices, read once for every row of the forecast."""
    return [(user.pk, user.get_full_name()) for user in HandOverForm(scope=scope).staff]


def _least_loaded(load: list[AgentLoad]) -> int | None:
    """The analyst with the fewest open cases (their user id), if any."""
    analysts = [row for row in load if row.role == Role.ANALYST]
    return min(analysts, key=lambda row: row.open).user_id if analysts else None


@require_POST
@require_scope(MANAGING_ROLES)
def hand_over(request: ScopedRequest, number: str) -> HttpResponse:
    """Give a forecast case to someone from the dashboard: one assign or reassign service call."""
    scope = request.scope
    case = case_get(scope=scope, number=number)
    form = HandOverForm(request.POST, scope=scope)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
        )
        messages.error(request, f"{case.number} was not handed over. {problems}")
        return redirect("dashboard")
    assignee, version = form.cleaned_data["assignee"], form.cleaned_data["version"]
    if case.assignee_id is None:
        operation, fields = OPERATIONS["assign"], {"assignee": assignee}
    else:
        operation, fields = OPERATIONS["reassign"], {"assignee": assignee, "reason": ReassignReason.WORKLOAD}
    try:
        operation.perform(case=case, actor=request.user, fields=fields, version=version)
    except DomainError as error:
        messages.error(request, f"{case.number} was not handed over: {error.message}")
        return redirect("dashboard")
    messages.success(request, f"{case.number} is now with {assignee.get_full_name()}.")
    return redirect("dashboard")
