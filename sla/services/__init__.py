"""Writes of SLA data. Calendars, policies and presets in `calendars`; case clocks in `clocks`."""

from __future__ import annotations

from sla.services.calendars import (
    TargetInput,
    calendar_holiday_add,
    calendar_override_set,
    calendar_save,
    calendar_touch,
    policy_publish,
    preset_apply,
)
from sla.services.clocks import (
    clock_meet,
    clock_reopen,
    clocks_recompute,
    clocks_retarget,
    clocks_start,
    pause_end,
    pause_start,
)

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
    "preset_apply",
]
