"""Reads of the dashboard and reports: live figures of the open cases (`live`), trends from the
daily roll-ups (`trends`), and the source rows the roll-ups are counted from (`sources`)."""

from __future__ import annotations

from reports.selectors.live import (
    AGE_BUCKETS,
    AgentLoad,
    BacklogRow,
    OpenGroup,
    Tiles,
    agent_load,
    backlog,
    breach_forecast,
    dashboard_tiles,
    open_figures,
)
from reports.selectors.sources import decided_clocks, pauses_of, satisfaction_counts
from reports.selectors.trends import (
    AttainmentRow,
    MedianRow,
    SatisfactionRow,
    attainment_by_week,
    median_times,
    satisfaction_by_week,
)

__all__ = [
    "AGE_BUCKETS",
    "AgentLoad",
    "AttainmentRow",
    "BacklogRow",
    "MedianRow",
    "OpenGroup",
    "SatisfactionRow",
    "Tiles",
    "agent_load",
    "attainment_by_week",
    "backlog",
    "breach_forecast",
    "dashboard_tiles",
    "decided_clocks",
    "median_times",
    "open_figures",
    "pauses_of",
    "satisfaction_by_week",
    "satisfaction_counts",
]
