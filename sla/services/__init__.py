"""Writes of SLA data: calendars in `calendars`, policy versions and presets in `policies`, case
clocks in `clocks`."""

from __future__ import annotations

from sla.services.calendars import (
    calendar_holiday_add,
    calendar_holiday_remove,
    calendar_override_remove,
    calendar_override_set,
    calendar_save,
    calendar_touch,
)
from sla.services.clocks import (
    ClockChange,
    ClockStep,
    clocks_advance,
    clocks_plan,
    clocks_retarget,
    clocks_start,
    clocks_step,
    earliest_due,
)
from sla.services.drafts import draft_discard, draft_save
from sla.services.policies import TargetInput, policy_publish, preset_targets_apply

__all__ = [
    "ClockChange",
    "ClockStep",
    "TargetInput",
    "calendar_holiday_add",
    "calendar_holiday_remove",
    "calendar_override_remove",
    "calendar_override_set",
    "calendar_save",
    "calendar_touch",
    "clocks_advance",
    "clocks_plan",
    "clocks_retarget",
    "clocks_start",
    "clocks_step",
    "draft_discard",
    "draft_save",
    "earliest_due",
    "policy_publish",
    "preset_targets_apply",
]
