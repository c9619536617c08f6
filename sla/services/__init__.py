"""Writes of SLA data: calendars in `calendars`, policy versions and presets in `policies`, case
clocks in `clocks`."""

from __future__ import annotations

from sla.services.calendars import calendar_holiday_add, calendar_override_set, calendar_save, calendar_touch
from sla.services.clocks import (
    clock_meet,
    clock_reopen,
    clocks_recompute,
    clocks_retarget,
    clocks_start,
    pause_end,
    pause_start,
)
from sla.services.policies import TargetInput, policy_publish, preset_targets_apply

__all__ = [
    "TargetInput",
    "calendar_holiday_add",
    "calendar_override_set",
    "calendar_save",
    "calendar_touch",
    "clock_meet",
    "clock_reopen",
    "clocks_recompute",
    "clocks_retarget",
    "clocks_start",
    "pause_end",
    "pause_start",
    "policy_publish",
    "preset_targets_apply",
]
