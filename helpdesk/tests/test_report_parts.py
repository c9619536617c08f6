"""The shared report parts: CSV that a spreadsheet cannot run as formulas, and bar geometry."""

from __future__ import annotations

import csv
import io

from helpdesk.charts import HEIGHT, bar_chart
from helpdesk.report_tables import Cell, Table, cell, csv_response


def test_csv_quotes_cells_a_spreadsheet_would_run_and_leaves_figures_alone():
    table = Table("t", "T", ["Subject", "Figure"], [[Cell("=HYPERLINK(1)"), cell(-1.5)], [Cell("@SUM"), cell(None)]])
    response = csv_response(table)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Subject", "Figure"], ["'=HYPERLINK(1)", "'-1.5"], ["'@SUM", ""]]
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'


def test_bars_scale_to_the_maximum_and_a_missing_figure_draws_none():
    chart = bar_chart("Share", [("a", 50.0), ("b", None), ("c", 100.0)], unit="%", maximum=100)
    a, b, c = chart.bars
    assert c.height == 2 * a.height and b.height == 0
    assert c.y + c.height == a.y + a.height == chart.baseline
    assert (a.text, b.text) == ("50%", "no figure")
    assert chart.summary == "Share. a: 50%; b: no figure; c: 100%"
    assert chart.height == HEIGHT
