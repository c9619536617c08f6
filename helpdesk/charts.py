"""Bar charts drawn on the server as SVG geometry (the CSP allows no inline script, and nothing
is loaded from another host). Each chart sits beside the table of its numbers, which is what
screen readers read; the SVG itself is one labelled image."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

WIDTH, HEIGHT = 640, 220
TOP, BOTTOM, LEFT = 16, 40, 36  # room for the value above a bar, the labels below, the axis


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    maximum: float
    unit: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM

    @property
    def top(self) -> int:
        return TOP

    @property
    def left(self) -> int:
        return LEFT

    @property
    def summary(self) -> str:
        """What the image shows, in words (its accessible name)."""
        shown = "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)
        return f"{self.title}. {shown or 'No figures.'}"

    @property
    def svg(self) -> SafeString:
        return chart_svg(self)


def bar_chart(title: str, points: list[tuple[str, float | None]], *, unit: str = "", maximum: float = 0) -> BarChart:
    """Vertical bars, one per (label, value); None draws no bar and says "no figure". The scale
    runs from 0 to `maximum` (e.g. 100 for percentages) or to the largest value."""
    top = max([maximum, *(value or 0 for _, value in points)]) or 1
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot * (value or 0) / top
        text = "no figure" if value is None else f"{value:g}{unit}"
        x = LEFT + index * slot + slot * 0.15
        bars.append(Bar(label, value, text, x, TOP + plot - height, slot * 0.7, height))
    return BarChart(title=title, bars=bars, maximum=top, unit=unit)


# Drawn in Python once per chart, rather than through the template engine's filters per bar.
def _number(value: float) -> str:
    """As the template's `floatformat:1`."""
    return f"{value:.1f}"


def _scale(value: float) -> str:
    """As the template's `floatformat:"-1"`: a decimal only when there is one."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def chart_svg(chart: BarChart) -> SafeString:
    """The chart as an SVG figure with its caption; the image's accessible name says every bar."""
    parts = [
        '<figure class="chart">',
        f'  <svg viewBox="0 0 {chart.width} {chart.height}" role="img" aria-label="{escape(chart.summary)}" '
        'class="bars" preserveAspectRatio="xMinYMin meet">',
        f'    <line x1="{chart.left}" y1="{chart.baseline}" x2="{chart.width}" y2="{chart.baseline}" class="axis"/>',
        f'    <text x="{chart.left - 4}" y="{chart.top + 4}" text-anchor="end" class="tick">'
        f"{_scale(chart.maximum)}{escape(chart.unit)}</text>",
        f'    <text x="{chart.left - 4}" y="{chart.baseline}" text-anchor="end" class="tick">0</text>',
    ]
    for bar in chart.bars:
        label, text = escape(bar.label), escape(bar.text)
        if bar.value is not None:
            parts.append(
                f'      <rect x="{_number(bar.x)}" y="{_number(bar.y)}" width="{_number(bar.width)}" '
                f'height="{_number(bar.height)}" class="bar"><title>{label}: {text}</title></rect>'
            )
        shown = "–" if bar.value is None else text
        centre = _number(bar.centre)
        parts.append(
            f'      <text x="{centre}" y="{_number(bar.y)}" dy="-4" text-anchor="middle" class="value">{shown}</text>'
        )
        short = escape(Truncator(bar.label).chars(14))
        parts.append(
            f'      <text x="{centre}" y="{chart.baseline + 16}" text-anchor="middle" class="label">{short}</text>'
        )
    parts += ["  </svg>", f"  <figcaption>{escape(chart.title)}</figcaption>", "</figure>"]
    return mark_safe("\n".join(parts))  # nosec B308 B703  # every value above went through escape()
