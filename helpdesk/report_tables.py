"""A report's table, shown as HTML and exported as CSV from the same rows, so the download holds
exactly what the page shows."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from helpdesk.charts import BarChart

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""  # the case list (or report) this figure counts, when there is one

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Table:
    key: str  # in the export link (?export=<key>) and the test ids
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""
    charts: list[BarChart] = field(default_factory=list)
    empty: str = "Nothing in this period."

    @property
    def rows_html(self) -> SafeString:
        return table_rows_html(self)


def cell(value: object, href: str = "") -> Cell:
    """A figure as the page shows it: None as "—", floats with one decimal."""
    if value is None:
        return Cell("—", href)
    if isinstance(value, float):
        return Cell(f"{value:.1f}", href)
    return Cell(str(value), href)


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) and text != "—" else text


def csv_response(table: Table, *, start: date | None = None, end: date | None = None) -> HttpResponse:
    """The table as a CSV download named after it (and its date range, when it has one)."""
    period = f"-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}" if start and end else ""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.key}{period}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if c.text == "—" else _safe(c.text) for c in row])
    return response


# The body built in Python once per table: a dashboard has hundreds of cells, and the template
# engine's per-cell lookups cost more than the queries behind them (same markup as a template).
def _cell(cell: Cell) -> str:
    text = escape(cell.text)
    return f'<a href="{escape(cell.href)}">{text}</a>' if cell.href else text


def table_rows_html(table: Table) -> SafeString:
    """The `<tr>`s of the table's body: the first cell a row header, the others numbers."""
    rows = []
    for row in table.rows:
        head, rest = row[0], row[1:]
        cells = "".join(f'<td class="num">{_cell(c)}</td>' for c in rest)
        rows.append(f'<tr><th scope="row">{_cell(head)}</th>{cells}</tr>')
    return mark_safe("\n".join(rows))  # nosec B308 B703  # every value above went through escape()
