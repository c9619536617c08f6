"""Bar charts drawn on the server as SVG geometry (the CSP allows no inline script, and nothing
is loaded from another host). Each chart sits beside the table of its numbers, which is what
screen readers read; the SVG itself is one labelled image."""

from __future__ import annotations

from dataclasses import dataclass

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
