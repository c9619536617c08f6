"""The dashboard's tables, each built from one selector: what the page shows, charts and CSV
exports alike. Every figure links to the case list (or report) that counts it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.charts import bar_chart
from helpdesk.report_tables import Cell, Table, cell
from helpdesk.templatetags.ui import countdown_tag
from helpdesk.tenancy import Scope
from reports.selectors import (
    AGE_BUCKETS,
    AgentLoad,
    OpenGroup,
    Tiles,
    agent_load,
    attainment_by_week,
    backlog,
    breach_forecast,
    median_times,
    satisfaction_by_week,
)
from reports.selectors.trends import Decided
from sla.models import Metric
from tickets.models import Case


@lru_cache(maxsize=16)
def _path(name: str, prefix: str, urlconf: object) -> str:
    return reverse(name, urlconf=urlconf)  # type: ignore[arg-type]


def path_of(name: str) -> str:
    """`reverse(name)` of a route without arguments, worked out once per prefix and URLconf: the
    dashboard links a few hundred figures to two lists."""
    return _path(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def queue_link(**filters: object) -> str:
    query = urlencode({name: value for name, value in filters.items() if value not in (None, "")})
    return f"{path_of('queue')}?{query}" if query else path_of("queue")


def cases_link(**filters: object) -> str:
    query = urlencode({name: value for name, value in filters.items() if value not in (None, "")})
    return f"{path_of('case-list')}?{query}"


def week_label(week: date) -> str:
    return f"Week of {week.day} {week:%b %Y}"


def duration_label(minutes: float | None) -> str:
    """Business time as people say it: "45 min", "3 h 20 min", "2 h"."""
    if minutes is None:
        return "—"
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def time_left_label(due: datetime, now: datetime) -> str:
    return f"{duration_label((due - now).total_seconds() / 60)} left"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    now: datetime


def tiles_table(tiles: Tiles) -> Table:
    rows = [
        ("Open cases", tiles.open, queue_link()),
        ("Unassigned", tiles.unassigned, queue_link(owner="unassigned")),
        ("At risk", tiles.at_risk, queue_link(sla="at_risk")),
        ("Breached", tiles.breached, queue_link(sla="breached")),
        ("Open escalations", tiles.escalations, reverse("escalations")),
        ("Will breach within 4 h", tiles.due_4h, "#forecast"),
        ("Will breach within 24 h", tiles.due_24h, "#forecast"),
    ]
    return Table("overview", "Now", ["Figure", "Cases"], [[Cell(name), cell(n, href)] for name, n, href in rows])


def forecast_cases(scope: Scope, period: Period) -> list[Case]:
    return list(breach_forecast(scope=scope, now=period.now, hours=24))


def forecast_table(scope: Scope, period: Period, cases: list[Case] | None = None) -> Table:
    cases = forecast_cases(scope, period) if cases is None else cases
    rows = [
        [
            Cell(case.number, reverse("case-detail", args=[case.number])),
            Cell(case.subject),
            Cell(case.account.name),
            Cell(case.priority.name),
            Cell(case.assignee.get_full_name() if case.assignee else "Unassigned"),
            Cell(f"{timezone.localtime(case.sla_due_at):%a %d %b %H:%M %Z}"),
            Cell(time_left_label(case.sla_due_at, period.now) if case.sla_due_at else ""),
        ]
        for case in cases
    ]
    columns = ["Case", "Subject", "Account", "Priority", "Owner", "Due", "Time left"]
    return Table(
        "forecast",
        "Will breach in the next 24 hours",
        columns,
        rows,
        note="Open cases whose earliest running deadline falls in the next 24 hours, soonest first.",
        empty="Nothing is due in the next 24 hours.",
    )


def forecast_rows_html(
    forecast: Table,
    cases: list[Case],
    *,
    choices: list[tuple[int, str]],
    least: int | None,
    csrf_token: str,
    now: datetime,
) -> SafeString:
    """The forecast's rows with their hand-over forms, built once in Python (the template engine
    would look up each of fifty rows' cells and staff options one by one). The select's options
    are written once per analyst offered first."""
    options: dict[int | None, str] = {}
    token = escape(csrf_token)
    rows = []
    for case, row in zip(cases, forecast.rows, strict=True):
        offered = case.assignee_id or least
        if offered not in options:
            options[offered] = "".join(
                f'<option value="{pk}"{" selected" if pk == offered else ""}>{escape(name)}</option>'
                for pk, name in choices
            )
        number = escape(case.number)
        owner = escape(row[4].text) if case.assignee_id else "<em>Unassigned</em>"
        action = escape(reverse("dashboard-hand-over", args=[case.number]))
        rows.append(
            f'<tr data-testid="forecast-{number}"><th scope="row"><a href="{escape(row[0].href)}">{number}</a></th>'
            # The queue's live countdown (app.js ticks it), first after the number so a phone shows it.
            f'<td class="num text-nowrap" data-testid="forecast-countdown">{countdown_tag(case.sla_due_at, now)}</td>'
            f'<td>{escape(row[1].text)}<br><span class="help">{escape(row[2].text)}</span></td>'
            f"<td>{escape(row[3].text)}</td><td>{owner}</td>"
            f'<td><form method="post" action="{action}" class="inline-fields hand-over">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="version" value="{case.version}">'
            f'<label for="hand-over-{number}" class="visually-hidden">Hand {number} over to</label>'
            f'<select name="assignee" id="hand-over-{number}">{options[offered]}</select>'
            f'<button type="submit">{"Reassign" if case.assignee_id else "Assign"}</button></form></td></tr>'
        )
    return mark_safe("\n".join(rows))  # nosec B308 B703  # every value above went through escape()


def backlog_table(scope: Scope, period: Period, groups: list[OpenGroup] | None = None) -> Table:
    rows = backlog(scope=scope, now=period.now, groups=groups)
    columns = ["Priority", *(label for _, label, *_ in AGE_BUCKETS), "Total"]
    body = [
        [
            Cell(row.priority, queue_link(priority=row.priority_id)),
            *(
                cell(n, queue_link(priority=row.priority_id, age=key))
                for n, (key, *_) in zip(row.counts, AGE_BUCKETS, strict=True)
            ),
            cell(row.total, queue_link(priority=row.priority_id)),
        ]
        for row in rows
    ]
    by_age: list[tuple[str, float | None]] = [
        (label, float(sum(row.counts[i] for row in rows))) for i, (_, label, *_) in enumerate(AGE_BUCKETS)
    ]
    return Table(
        "backlog",
        "Backlog by age and priority",
        columns,
        body,
        note="Open cases by how long ago they were opened.",
        charts=[bar_chart("Open cases by age", by_age)],
        empty="No open cases.",
    )


def load_table(scope: Scope, period: Period, rows: list[AgentLoad] | None = None) -> Table:
    rows = agent_load(scope=scope, now=period.now) if rows is None else rows
    body = [
        [
            Cell(r.name),
            Cell(r.email),
            Cell("On shift" if r.on_shift else "Off shift"),
            cell(r.open, queue_link(assignee=r.user_id)),
        ]
        for r in rows
    ]
    chart = bar_chart(
        "Open cases per analyst", [(f"{r.name}{'' if r.on_shift else ' (off shift)'}", float(r.open)) for r in rows]
    )
    columns = ["Analyst", "E-mail", "Shift now", "Open cases"]
    note = "Open cases held by each analyst, whether or not their shift hours include this moment."
    return Table("agent-load", "Load per analyst", columns, body, note=note, charts=[chart])


def week_days(week: date, period: Period) -> tuple[date, date]:
    """The days of `week` inside the period: a trend's first and last weeks may be partial."""
    return max(week, period.start), min(week + timedelta(days=6), period.end)


def decided_link(days: tuple[date, date], metric: str, outcome: str = "", by: dict[str, object] | None = None) -> str:
    """The case list of the cases whose `metric` target was decided (met on time or missed, or as
    `outcome` says) on the days first..last, narrowed `by` a priority or plan: exactly those a
    roll-up figure counts."""
    return cases_link(metric=metric, outcome=outcome, decided_from=days[0], decided_to=days[1], **(by or {}))


def _share(tally: Decided | None, days: tuple[date, date], metric: str, by: dict[str, object] | None = None) -> Cell:
    """A share met on time, opening the cases decided behind it (met on time and missed)."""
    return cell(None) if tally is None else cell(tally.attainment, decided_link(days, metric, by=by))


def attainment_table(scope: Scope, period: Period) -> Table:
    priorities, plans, weeks = attainment_by_week(tenant=scope.tenant, start=period.start, end=period.end)
    columns = [
        "Week",
        "Target",
        "All",
        *(n for _, n in priorities),
        *(f"Plan {n}" for _, n in plans),
        "Met",
        "Breached",
    ]
    body = []
    for w in weeks:
        days = week_days(w.week, period)
        body.append(
            [
                Cell(week_label(w.week)),
                Cell(Metric(w.metric).label),
                _share(w.overall, days, w.metric),
                *(_share(w.by_priority.get(pk), days, w.metric, {"priority": pk}) for pk, _ in priorities),
                *(_share(w.by_plan.get(pk), days, w.metric, {"plan": pk}) for pk, _ in plans),
                cell(w.overall.met, decided_link(days, w.metric, "met")),
                cell(w.overall.breached, decided_link(days, w.metric, "missed")),
            ]
        )
    charts = [
        bar_chart(
            f"Share of {Metric(metric).label.lower()} targets met on time per week",
            [(f"{w.week:%d %b}", w.overall.attainment) for w in weeks if w.metric == metric],
            unit="%",
            maximum=100,
        )
        for metric in Metric.values
        if any(w.metric == metric for w in weeks)
    ]
    note = (
        "Share (%) of the targets decided each week that were met on time: a target counts in the week it was "
        "met, or in the week it was breached. Each figure opens the cases it counts."
    )
    return Table("attainment", "SLA attainment by week", columns, body, note=note, charts=charts)


def medians_table(scope: Scope, period: Period) -> Table:
    rows = median_times(tenant=scope.tenant, start=period.start, end=period.end)
    days = (period.start, period.end)
    body = [
        [
            Cell(r.priority),
            Cell(Metric(r.metric).label),
            cell(r.clocks, decided_link(days, r.metric, "reached", {"priority": r.priority_id})),
            Cell(duration_label(r.median_minutes)),
            cell(r.median_minutes),
        ]
        for r in rows
    ]
    columns = ["Priority", "Target", "Met", "Median business time", "Median (business minutes)"]
    charts = [
        bar_chart(
            f"Median {Metric(metric).label.lower()} (business hours)",
            [
                (r.priority, None if r.median_minutes is None else round(r.median_minutes / 60, 1))
                for r in rows
                if r.metric == metric
            ],
            unit=" h",
        )
        for metric in Metric.values
        if any(r.metric == metric for r in rows)
    ]
    note = "Targets met in the period, on time or late, and the business time they took."
    return Table("medians", "Time to first response and resolution", columns, body, note=note, charts=charts)


def satisfaction_table(scope: Scope, period: Period) -> Table:
    rows = satisfaction_by_week(tenant=scope.tenant, start=period.start, end=period.end)
    body = []
    for r in rows:
        first, last = week_days(r.week, period)
        answered = cases_link(survey="answered", decided_from=first, decided_to=last)
        positive = cases_link(survey="positive", decided_from=first, decided_to=last)
        body.append(
            [
                Cell(week_label(r.week)),
                cell(r.invited),
                cell(r.responses, answered),
                cell(r.satisfied, positive),
                cell(r.csat, answered),
                cell(r.response_rate, answered),
            ]
        )
    columns = ["Week", "Surveys sent", "Answers", "Answers of 4–5", "CSAT (%)", "Response rate (%)"]
    chart = bar_chart("CSAT per week", [(f"{r.week:%d %b}", r.csat) for r in rows], unit="%", maximum=100)
    note = "CSAT is the share of answers scoring 4 or 5 overall; the response rate, answers per survey sent."
    return Table("satisfaction", "Customer satisfaction by week", columns, body, note=note, charts=[chart])


BUILDERS: dict[str, Callable[[Scope, Period], Table]] = {
    "forecast": forecast_table,
    "backlog": backlog_table,
    "agent-load": load_table,
    "attainment": attainment_table,
    "medians": medians_table,
    "satisfaction": satisfaction_table,
}
