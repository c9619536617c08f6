"""A report's table, shown as HTML and exported as CSV from the same rows, so the download holds
exactly what the page shows."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date

from django.http import HttpResponse

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
