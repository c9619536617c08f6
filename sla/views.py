"""SLA pages: the managers' compliance report. The targets page lists plans and priorities, so it
lives with them in `tickets.views.sla_targets`."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from helpdesk.charts import bar_chart
from helpdesk.date_range import RangeForm, instants
from helpdesk.errors import NotFound
from helpdesk.report_tables import Cell, Table, cell, csv_response
from helpdesk.roles import MANAGING_ROLES
from helpdesk.tenancy import ScopedRequest, require_scope
from sla.selectors import COMPLIANCE_CACHE_SECONDS, ComplianceRow, sla_compliance

REPORT_DAYS = 365


def _started_link(row: ComplianceRow, outcome: str, first: date, last: date) -> str:
    """The case list of the cases whose clock of the row's metric started on the days first..last
    (a month row: its days inside them) in the row's group, with `outcome`."""
    group = dict(row.group)
    month = group.pop("month", None)
    if isinstance(month, date):
        first, last = max(first, month), min(last, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    query = urlencode({**group, "outcome": outcome, "started_from": first, "started_to": last})
    return f"{reverse('case-list')}?{query}"


def _table(title: str, rows: list[ComplianceRow], first: date, last: date) -> Table:
    columns = [title.capitalize(), "Metric", "Clocks", "Met on time", "Breached", "Running", "Compliance (%)"]
    body = [
        [
            Cell(r.label),
            Cell(r.metric),
            cell(r.clocks, _started_link(r, "any", first, last)),
            cell(r.met, _started_link(r, "met", first, last)),
            cell(r.breached, _started_link(r, "missed", first, last)),
            cell(r.running, _started_link(r, "running", first, last)),
            cell(r.compliance, _started_link(r, "", first, last)),
        ]
        for r in rows
    ]
    charts = []
    if title == "month":
        points = [(f"{r.label[:3]} {r.label[-2:]} {r.metric[:5]}.", r.compliance) for r in rows]
        charts = [bar_chart("Compliance per month and metric", points, unit="%", maximum=100)]
    return Table(title, f"By {title}", columns, body, charts=charts, empty="No clocks in this period.")


@require_scope(MANAGING_ROLES)
def compliance_report(request: ScopedRequest) -> HttpResponse:
    """SLA compliance of the clocks started in a date range (the last year unless chosen) by month,
    priority and plan, each table also as CSV (`?export=<month|priority|plan>`). Counting a year
    of clocks takes most of a second at a million cases, so the figures are kept for a few
    minutes per tenant and range (the page says as of when); `?refresh=1` counts again."""
    tenant = request.scope.tenant
    zone = ZoneInfo(tenant.time_zone)
    form = RangeForm(request.GET or None, today=timezone.now().astimezone(zone).date(), default_days=REPORT_DAYS)
    start, end = form.period()
    # The creation instant keeps a recreated database's tenant with the same pk apart.
    key = f"sla-compliance-2:{tenant.pk}:{tenant.created_at.timestamp()}:{start}:{end}"
    figures = None if request.GET.get("refresh") else cache.get(key)
    if figures is None:
        since, until = instants(start, end, zone)
        figures = {"report": sla_compliance(tenant=tenant, since=since, until=until), "as_of": timezone.now()}
        cache.set(key, figures, COMPLIANCE_CACHE_SECONDS)
    tables = {title: _table(title, rows, start, end) for title, rows in figures["report"].items()}
    export = request.GET.get("export")
    if export:
        if export not in tables:
            raise NotFound(f"No table “{export}” to export.")
        return csv_response(tables[export], start=start, end=end)
    context = {
        **figures,
        "tables": list(tables.values()),
        "form": form,
        "period": {"start": start, "end": end},
        "range_query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
    }
    return render(request, "sla/compliance.html", context)
